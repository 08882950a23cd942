package org.exitfilter.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class GroupTableTest {

  /** Follows the probe sequence for a hash to the group with the given key, as lookups do. */
  private static List<Integer> group(GroupTable.Layout layout, long hash, int[] keys, int key) {
    GroupTable table = layout.table();
    for (int s = table.firstSlot(hash); ; s = (s + 1) & table.mask) {
      int slot = table.slots[s];
      if (slot == 0) {
        return List.of();
      }
      int first = table.entry(slot);
      if (table.tagMatches(slot, table.tag(hash)) && keys[layout.order()[first]] == key) {
        List<Integer> members = new ArrayList<>();
        for (int e = first; ; e++) {
          members.add(layout.order()[e]);
          if (!layout.continues()[e]) {
            return members;
          }
        }
      }
    }
  }

  @Test
  void entriesWithEqualKeysFormOneGroupInTheOrderAdded() {
    int[] keys = {7, 3, 7, 9, 3, 7};
    long[] hashes = new long[keys.length];
    for (int i = 0; i < keys.length; i++) {
      hashes[i] = GroupTable.spread(keys[i]);
    }

    GroupTable.Layout table = GroupTable.build(hashes, (a, b) -> keys[a] == keys[b]);

    assertThat(group(table, hashes[0], keys, 7)).containsExactly(0, 2, 5);
    assertThat(group(table, hashes[1], keys, 3)).containsExactly(1, 4);
    assertThat(group(table, hashes[3], keys, 9)).containsExactly(3);
    assertThat(group(table, GroupTable.spread(4), keys, 4)).isEmpty();
  }

  @Test
  void keysWhoseHashesCollideCompletelyStayApart() {
    int[] keys = {1, 2, 3, 1, 4, 2, 5};
    long[] hashes = new long[keys.length];
    // All in one probe chain, starting at the last slot (top bits 1111) so that it wraps around.
    Arrays.fill(hashes, 0xFABC_DEF0_1234_5678L);

    GroupTable.Layout table = GroupTable.build(hashes, (a, b) -> keys[a] == keys[b]);

    assertThat(table.table().slots).hasSize(16);
    assertThat(group(table, hashes[0], keys, 1)).containsExactly(0, 3);
    assertThat(group(table, hashes[0], keys, 2)).containsExactly(1, 5);
    assertThat(group(table, hashes[0], keys, 5)).containsExactly(6);
    assertThat(group(table, hashes[0], keys, 6)).isEmpty();
  }

  @Test
  void emptyTableFindsNothing() {
    GroupTable.Layout table = GroupTable.build(new long[0], (a, b) -> true);

    assertThat(group(table, 42, new int[0], 1)).isEmpty();
  }
}
