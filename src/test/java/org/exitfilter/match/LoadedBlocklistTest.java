package org.exitfilter.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.Rule;
import org.exitfilter.match.Verdict.Decision;
import org.exitfilter.net.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The matcher on blocklists read by the real loader, list files included. */
class LoadedBlocklistTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 25);

  @TempDir Path dir;

  private Blocklist load() throws Exception {
    write("lists/optout.txt", "forum.example.com", "board.example.net");
    write("lists/networks.txt", "198.51.100.0/24", "2001:db8:5::/48");
    return BlocklistLoader.load(
        write(
            "blocklist.yaml",
            "bans:",
            "  - domain: example.org",
            "    reason: \"Owner asked\"",
            "  - pattern: \"*.cdn.example\"",
            "exceptions:",
            "  - host: status.example.org",
            "lists:",
            "  - file: lists/optout.txt",
            "    kind: domain",
            "    reason: \"Shared opt-out list\"",
            "    ports: [443]",
            "  - file: lists/networks.txt",
            "    kind: network",
            "    reason: \"Abuse ranges\""));
  }

  private Path write(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private static Rule ban(Blocklist blocklist, String value) {
    return blocklist.bans().stream().filter(r -> r.value().equals(value)).findFirst().orElseThrow();
  }

  @Test
  void entriesOfTheBlocklistFileAreReportedAsLoaded() throws Exception {
    Blocklist blocklist = load();
    Matcher matcher = Matcher.compile(blocklist, DAY);

    assertThat(matcher.check(new Host.Name("www.example.org"), 80).rule())
        .isSameAs(ban(blocklist, "example.org"));
    assertThat(matcher.check(new Host.Name("img.cdn.example"), 80).rule())
        .isSameAs(ban(blocklist, "*.cdn.example"));
    assertThat(matcher.check(new Host.Name("status.example.org"), 80).decision())
        .isEqualTo(Decision.EXEMPT);
  }

  @Test
  void entriesOfListFilesAreReportedEqualToTheLoadedOnes() throws Exception {
    Blocklist blocklist = load();
    Matcher matcher = Matcher.compile(blocklist, DAY);

    Verdict forum = matcher.check(new Host.Name("www.forum.example.com"), 443);
    assertThat(forum.rule()).isEqualTo(ban(blocklist, "forum.example.com"));
    assertThat(forum.rule().describe()).isEqualTo("domain forum.example.com (optout.txt:1)");
    assertThat(matcher.check(new Host.Name("board.example.net"), 80).decision())
        .as("the list applies to port 443 only")
        .isEqualTo(Decision.NO_MATCH);
    assertThat(matcher.check(TestLists.address("198.51.100.9"), 443).rule())
        .isEqualTo(ban(blocklist, "198.51.100.0/24"));
    assertThat(matcher.check(TestLists.address("2001:db8:5::1"), 443).rule())
        .isEqualTo(ban(blocklist, "2001:db8:5::/48"));
  }
}
