package org.exitfilter.match;

import java.util.Arrays;

/**
 * An open-addressing hash table from a key to a group of entries, laid out for lookups that
 * allocate nothing: each slot is one {@code long} holding 32 bits of the key's hash (a tag that
 * rejects most non-matching slots without touching the key) and the index of the group's first
 * entry. The entries of one group are stored next to each other, in the order they were added,
 * which is the order of precedence the caller chose.
 *
 * <p>The table only places entries; the caller keeps the keys and confirms a candidate by comparing
 * them, since equal tags do not prove equal keys.
 */
final class GroupTable {
  /** Fewer than 60% of the slots are used, so that linear probing stays short. */
  private static final double MAX_LOAD = 0.6;

  /** Whether two entries, given by their index when added, have the same key. */
  @FunctionalInterface
  interface SameKey {
    boolean test(int a, int b);
  }

  /** The slots; 0 is an empty slot. */
  final long[] slots;

  final int mask;

  /** {@code order[i]} is the index (when added) of the entry now stored at position {@code i}. */
  final int[] order;

  /** {@code continues[i]} says that the entry at position {@code i + 1} is in the same group. */
  final boolean[] continues;

  private GroupTable(long[] slots, int[] order, boolean[] continues) {
    this.slots = slots;
    this.mask = slots.length - 1;
    this.order = order;
    this.continues = continues;
  }

  /** The first slot to probe for a mixed hash. */
  static int firstSlot(long mixedHash, int mask) {
    return (int) mixedHash & mask;
  }

  /** The tag a slot must carry for a mixed hash. */
  static int tag(long mixedHash) {
    return (int) (mixedHash >>> 32);
  }

  /** The position of the first entry of the group in an occupied slot. */
  static int entry(long slot) {
    return (int) slot - 1;
  }

  static boolean tagMatches(long slot, int tag) {
    return (int) (slot >>> 32) == tag;
  }

  /**
   * Groups entries by key.
   *
   * @param mixedHashes the mixed hash of each entry's key, in the order of precedence
   * @param sameKey whether two entries (by index in {@code mixedHashes}) have the same key
   */
  static GroupTable build(long[] mixedHashes, SameKey sameKey) {
    int n = mixedHashes.length;
    long[] slots = new long[capacityFor(n)];
    int mask = slots.length - 1;
    int[] next = new int[n];
    int[] tail = new int[n];
    boolean[] head = new boolean[n];
    Arrays.fill(next, -1);
    for (int i = 0; i < n; i++) {
      long h = mixedHashes[i];
      int tag = tag(h);
      for (int s = firstSlot(h, mask); ; s = (s + 1) & mask) {
        long slot = slots[s];
        if (slot == 0) {
          slots[s] = ((long) tag << 32) | (i + 1L);
          head[i] = true;
          tail[i] = i;
          break;
        }
        int first = entry(slot);
        if (tagMatches(slot, tag) && sameKey.test(first, i)) {
          next[tail[first]] = i;
          tail[first] = i;
          break;
        }
      }
    }
    // Lay the groups out one after the other; `tail` becomes the new position of each head.
    int[] order = new int[n];
    boolean[] continues = new boolean[n];
    int position = 0;
    for (int i = 0; i < n; i++) {
      if (!head[i]) {
        continue;
      }
      tail[i] = position;
      for (int e = i; e >= 0; e = next[e]) {
        order[position] = e;
        continues[position] = next[e] >= 0;
        position++;
      }
    }
    for (int s = 0; s < slots.length; s++) {
      long slot = slots[s];
      if (slot != 0) {
        slots[s] = (slot & 0xFFFF_FFFF_0000_0000L) | (tail[entry(slot)] + 1L);
      }
    }
    return new GroupTable(slots, order, continues);
  }

  private static int capacityFor(int entries) {
    long wanted = Math.max(4, (long) Math.ceil(entries / MAX_LOAD));
    if (wanted > 1 << 30) {
      throw new IllegalArgumentException("too many blocklist entries: " + entries);
    }
    return Integer.highestOneBit((int) wanted - 1) << 1;
  }
}
