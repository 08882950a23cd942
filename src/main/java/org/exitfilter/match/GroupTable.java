package org.exitfilter.match;

import java.util.Arrays;

/**
 * An open-addressing hash table from a key to a group of entries, laid out for lookups that
 * allocate nothing: each slot is one {@code int} holding the position of the group's first entry in
 * its low bits and, in the bits the position does not need, a tag taken from the key's hash that
 * rejects most non-matching slots without touching the key. (At a million entries that is 20 bits
 * of position and 12 of tag, so 4,095 of 4,096 strangers are turned away by the tag alone.) The
 * entries of one group are stored next to each other, in the order they were added, which is the
 * order of precedence the caller chose.
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
  final int[] slots;

  final int mask;

  /**
   * A built table with where each entry goes, which the caller needs only while it lays out its own
   * arrays: the table alone is what a lookup keeps.
   *
   * @param order {@code order[i]} is the index (when added) of the entry now at position {@code i}
   * @param continues {@code continues[i]} says that the entry at {@code i + 1} is in the same group
   */
  record Layout(GroupTable table, int[] order, boolean[] continues) {}

  private final int positionBits;
  private final int positionMask;
  private final int slotShift;
  private final int tagShift;
  private final int tagMask;

  private GroupTable(int[] slots, int positionBits) {
    this.slots = slots;
    this.mask = slots.length - 1;
    this.positionBits = positionBits;
    this.positionMask = (1 << positionBits) - 1;
    int slotBits = Integer.numberOfTrailingZeros(slots.length);
    this.slotShift = 64 - slotBits;
    this.tagShift = slotShift - (32 - positionBits);
    this.tagMask = (int) ((1L << (32 - positionBits)) - 1);
  }

  /**
   * Spreads a key's 64-bit hash so that its top bits depend on all of it (Fibonacci hashing: one
   * multiplication, cheaper than a full finalizer, which matters as a lookup probes several times).
   * The slot is taken from the top bits and the tag from the bits below them.
   */
  static long spread(long hash) {
    return hash * 0xC2B2AE3D27D4EB4FL;
  }

  /** The first slot to probe for a spread hash; the next ones follow with wraparound. */
  int firstSlot(long spreadHash) {
    return (int) (spreadHash >>> slotShift);
  }

  /** The tag a slot must carry for a spread hash. */
  int tag(long spreadHash) {
    return (int) (spreadHash >>> tagShift) & tagMask;
  }

  boolean tagMatches(int slot, int tag) {
    return slot >>> positionBits == tag;
  }

  /** The position of the first entry of the group in an occupied slot. */
  int entry(int slot) {
    return (slot & positionMask) - 1;
  }

  /**
   * Groups entries by key.
   *
   * @param spreadHashes the spread hash of each entry's key, in the order of precedence
   * @param sameKey whether two entries (by index in {@code spreadHashes}) have the same key
   */
  static Layout build(long[] spreadHashes, SameKey sameKey) {
    int n = spreadHashes.length;
    // Positions are stored plus one, so that 0 stays free for empty slots; at most 31 bits.
    int positionBits = 32 - Integer.numberOfLeadingZeros(n);
    GroupTable table = new GroupTable(new int[capacityFor(n)], positionBits);
    int[] order = new int[n];
    boolean[] continues = new boolean[n];
    int[] slots = table.slots;
    int[] next = new int[n];
    int[] tail = new int[n];
    boolean[] head = new boolean[n];
    Arrays.fill(next, -1);
    for (int i = 0; i < n; i++) {
      long h = spreadHashes[i];
      int tag = table.tag(h);
      for (int s = table.firstSlot(h); ; s = (s + 1) & table.mask) {
        int slot = slots[s];
        if (slot == 0) {
          slots[s] = table.slot(tag, i);
          head[i] = true;
          tail[i] = i;
          break;
        }
        int first = table.entry(slot);
        if (table.tagMatches(slot, tag) && sameKey.test(first, i)) {
          next[tail[first]] = i;
          tail[first] = i;
          break;
        }
      }
    }
    // Lay the groups out one after the other; `tail` becomes the new position of each head.
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
      int slot = slots[s];
      if (slot != 0) {
        slots[s] = table.slot(slot >>> positionBits, tail[table.entry(slot)]);
      }
    }
    return new Layout(table, order, continues);
  }

  private int slot(int tag, int position) {
    return tag << positionBits | (position + 1);
  }

  private static int capacityFor(int entries) {
    long wanted = Math.max(4, (long) Math.ceil(entries / MAX_LOAD));
    if (wanted > 1 << 30) {
      throw new IllegalArgumentException("too many blocklist entries: " + entries);
    }
    return Integer.highestOneBit((int) wanted - 1) << 1;
  }
}
