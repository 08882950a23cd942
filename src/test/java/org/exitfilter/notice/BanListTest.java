package org.exitfilter.notice;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.SharedFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The published list skips the shared bans the operator vetoes by position, without a rule per
 * entry: every position, page and search of it agrees with the list filtered one entry at a time.
 */
class BanListTest {
  private static final LocalDate DAY = LocalDate.of(2026, 12, 5);
  private static final int ENTRIES = 3_000;

  @TempDir Path dir;

  private static String name(int i) {
    return "site-" + i + ".test";
  }

  /** Vetoed: every seventh entry, a run of a hundred, and the first and the last. */
  private static boolean vetoed(int i) {
    return i % 7 == 3 || (i >= 1_000 && i < 1_100) || i == 0 || i == ENTRIES - 1;
  }

  private Blocklist shared() throws Exception {
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < ENTRIES; i++) {
      lines.add(name(i));
    }
    NoticeFixture.write(dir, "shared/lists/sites.txt", lines.toArray(String[]::new));
    Blocklist loaded =
        BlocklistLoader.load(
            NoticeFixture.write(
                dir,
                "shared/blocklist.yaml",
                "bans:",
                "  - domain: written-shared.test",
                "lists:",
                "  - file: lists/sites.txt",
                "    kind: domain"));
    // named as a shared list names its accepted commit's files; the entries keep theirs
    return new Blocklist(
        SharedFile.of("cascade", "1a2b3c4d5e6f", "blocklist.yaml").asPath(),
        loaded.sha256(),
        loaded.writtenBans(),
        loaded.exceptions(),
        loaded.lists(),
        List.of());
  }

  private Blocklist local(boolean withVetoes) throws Exception {
    List<String> yaml = new ArrayList<>(List.of("bans:", "  - domain: local.test"));
    if (withVetoes) {
      yaml.add("exceptions:");
      for (int i = 0; i < ENTRIES; i++) {
        if (vetoed(i)) {
          yaml.add("  - domain: " + name(i));
        }
      }
    }
    return BlocklistLoader.load(
        NoticeFixture.write(dir, "blocklist.yaml", yaml.toArray(String[]::new)));
  }

  @Test
  void everyPositionAndSearchSkipsTheVetoedEntriesAndNoOther() throws Exception {
    PublishedBans bans = PublishedBans.of(local(false));
    bans.updateShared(List.of(shared()));
    String unvetoed = bans.get().fingerprint();
    bans.update(local(true));

    BanList.View view = bans.get().on(DAY);

    List<String> expected = new ArrayList<>(List.of("local.test", "written-shared.test"));
    for (int i = 0; i < ENTRIES; i++) {
      if (!vetoed(i)) {
        expected.add(name(i));
      }
    }
    List<String> published = new ArrayList<>();
    for (int i = 0; i < view.size(); i++) {
      published.add(view.get(i).rule().value());
    }
    assertThat(published).isEqualTo(expected);
    assertThat(view.get(1).list()).isEqualTo("cascade");
    assertThat(view.get(0).list()).isNull();
    assertThat(view.counts())
        .containsExactly(
            new BanList.Count(null, null, 1),
            new BanList.Count("cascade", "1a2b3c4", expected.size() - 1));
    assertThat(bans.get().fingerprint())
        .as("the operator's new exceptions change what is published")
        .isNotEqualTo(unvetoed);

    BanList.Matches matches = view.search("site-2", 5, 20);
    List<Integer> positions = new ArrayList<>();
    for (int i = 0; i < expected.size(); i++) {
      if (expected.get(i).contains("site-2")) {
        positions.add(i);
      }
    }
    assertThat(matches.total()).isEqualTo(positions.size());
    assertThat(matches.positions()).isEqualTo(positions.subList(5, 25));
  }
}
