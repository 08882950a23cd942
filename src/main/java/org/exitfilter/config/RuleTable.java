package org.exitfilter.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * The rules of a list by key, for the analyses of a whole list (duplicates, shadowed bans), at a
 * few {@code int}s per rule: an open-addressing table holds the position of the first rule of each
 * key in the list and its key's hash, and a chain links the later rules of the same key in the
 * order added. Neither rules nor keys are kept: a rule is fetched from the list (a million list
 * entries are built one at a time, see {@link Blocklist#bans()}) and its key computed again only
 * when a hash matches. Holding a map of a million rules made {@code validate} spend most of its
 * time copying them from one garbage collector generation to the next.
 *
 * @param <K> the key: a rule's value, or its network
 */
final class RuleTable<K> {
  private final List<Rule> rules;
  private final Function<Rule, K> keyOf;
  private int[] slots; // position in `rules` + 1; 0 is empty
  private int[] hashes;
  private int[] next = new int[16]; // next position with the same key + 1, by position; 0 ends
  private int used;

  /**
   * @param rules the list the positions refer to
   * @param keyOf the key of a rule
   * @param expected how many keys to size the table for
   */
  RuleTable(List<Rule> rules, Function<Rule, K> keyOf, int expected) {
    this.rules = rules;
    this.keyOf = keyOf;
    int capacity = Integer.highestOneBit(Math.max(8, expected * 2 - 1)) << 1;
    this.slots = new int[capacity];
    this.hashes = new int[capacity];
  }

  /** Adds the rule at {@code position} of the list under {@code key}, after any added before. */
  void add(K key, int position) {
    if (used * 2 >= slots.length) {
      grow();
    }
    if (position >= next.length) {
      next = Arrays.copyOf(next, Math.max(position + 1, next.length * 2));
    }
    int hash = key.hashCode();
    int s = firstSlot(hash);
    while (true) {
      int slot = slots[s];
      if (slot == 0) {
        slots[s] = position + 1;
        hashes[s] = hash;
        used++;
        return;
      }
      if (hashes[s] == hash && key.equals(keyOf.apply(rules.get(slot - 1)))) {
        int last = slot - 1;
        while (next[last] != 0) {
          last = next[last] - 1;
        }
        next[last] = position + 1;
        return;
      }
      s = (s + 1) & (slots.length - 1);
    }
  }

  /** The first rule under the key that passes the test, in the order added, or {@code null}. */
  Rule find(K key, Predicate<Rule> test) {
    int hash = key.hashCode();
    for (int s = firstSlot(hash); ; s = (s + 1) & (slots.length - 1)) {
      int slot = slots[s];
      if (slot == 0) {
        return null;
      }
      if (hashes[s] == hash) {
        Rule first = rules.get(slot - 1);
        if (key.equals(keyOf.apply(first))) {
          for (int position = slot - 1; ; position = next[position] - 1) {
            Rule rule = position == slot - 1 ? first : rules.get(position);
            if (test.test(rule)) {
              return rule;
            }
            if (position >= next.length || next[position] == 0) {
              return null;
            }
          }
        }
      }
    }
  }

  /** Every key with its rules in the order added; for small tables (the exceptions). */
  void forEach(BiConsumer<K, List<Rule>> action) {
    for (int slot : slots) {
      if (slot != 0) {
        List<Rule> all = new ArrayList<>();
        for (int position = slot - 1; ; position = next[position] - 1) {
          all.add(rules.get(position));
          if (position >= next.length || next[position] == 0) {
            break;
          }
        }
        action.accept(keyOf.apply(all.get(0)), all);
      }
    }
  }

  private int firstSlot(int hash) {
    int spread = hash * 0x9E3779B9;
    return (spread ^ (spread >>> 16)) & (slots.length - 1);
  }

  private void grow() {
    int[] oldSlots = slots;
    int[] oldHashes = hashes;
    slots = new int[oldSlots.length * 2];
    hashes = new int[oldSlots.length * 2];
    for (int s = 0; s < oldSlots.length; s++) {
      if (oldSlots[s] != 0) {
        int t = firstSlot(oldHashes[s]);
        while (slots[t] != 0) {
          t = (t + 1) & (slots.length - 1);
        }
        slots[t] = oldSlots[s];
        hashes[t] = oldHashes[s];
      }
    }
  }
}
