package org.exitfilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlocklistListsTest {
  static final LocalDate TODAY = LocalDate.of(2026, 12, 1);

  @TempDir Path dir;

  Path write(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  Path blocklistWithList(String kind) throws IOException {
    return write(
        "blocklist.yaml",
        "bans:",
        "  - domain: example.org",
        "lists:",
        "  - file: shared/list.txt",
        "    kind: " + kind,
        "    reason: \"Shared opt-out list\"",
        "    ports: [443]");
  }

  List<String> problems(Path blocklist) {
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> BlocklistLoader.load(blocklist, TODAY));
    assertThat(e).as("the blocklist should not load").isNotNull();
    return e.problems().stream()
        .map(
            p ->
                dir.relativize(p.where().file())
                    + ":"
                    + p.where().line()
                    + ":"
                    + p.where().column()
                    + " "
                    + p.message())
        .toList();
  }

  @Test
  void listLinesBecomeBansWithTheListsDetails() throws Exception {
    Path list =
        write(
            "shared/list.txt",
            "# opt-out list, one name per line",
            "",
            "forum.example.com",
            "   Board.Example.NET.   # trailing comment",
            "\tbücher.example",
            "0.0.0.0 ads.example.com tracker.example.com",
            "127.0.0.1 localhost",
            "::1 ip6-localhost",
            "   # indented comment");
    Blocklist blocklist = BlocklistLoader.load(blocklistWithList("domain"), TODAY);

    assertThat(blocklist.bans())
        .extracting(Rule::value)
        .containsExactly(
            "example.org",
            "forum.example.com",
            "board.example.net",
            "xn--bcher-kva.example",
            "ads.example.com",
            "tracker.example.com");
    Rule rule = blocklist.bans().get(2);
    assertThat(rule.kind()).isEqualTo(RuleKind.DOMAIN);
    assertThat(rule.reason()).isEqualTo("Shared opt-out list");
    assertThat(rule.ports()).isEqualTo(Ports.of(443));
    assertThat(rule.exception()).isFalse();
    assertThat(rule.source()).isEqualTo(new Source(list, 4, 0));
    assertThat(rule.source().toString()).isEqualTo(list + ":4");
    assertThat(blocklist.warnings()).isEmpty();
  }

  @Test
  void windowsLineEndingsAndAByteOrderMarkAreAccepted() throws Exception {
    Files.createDirectories(dir.resolve("shared"));
    Files.writeString(
        dir.resolve("shared/list.txt"),
        "\uFEFFa.example.com\r\nb.example.com # x\r\n",
        StandardCharsets.UTF_8);

    assertThat(BlocklistLoader.load(blocklistWithList("host"), TODAY).bans())
        .extracting(Rule::kind, Rule::value)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(RuleKind.DOMAIN, "example.org"),
            org.assertj.core.groups.Tuple.tuple(RuleKind.HOST, "a.example.com"),
            org.assertj.core.groups.Tuple.tuple(RuleKind.HOST, "b.example.com"));
  }

  @Test
  void networkListsHoldOneNetworkPerLine() throws Exception {
    write("shared/list.txt", "203.0.113.0/24", "2001:db8::/32 # docs", "198.51.100.7");

    List<Rule> bans = BlocklistLoader.load(blocklistWithList("network"), TODAY).bans();

    assertThat(bans).hasSize(4);
    assertThat(bans.subList(1, 4))
        .allSatisfy(
            r -> {
              assertThat(r.kind()).isEqualTo(RuleKind.NETWORK);
              assertThat(r.value()).isEqualTo(r.network().toString());
            });
    assertThat(bans.get(3).network().prefixLength()).isEqualTo(32);
  }

  @Test
  void badLinesAreReportedAsFileAndLine() throws Exception {
    write(
        "shared/list.txt",
        "good.example.com",
        "bad name.example.com",
        "203.0.113.9",
        "example.com extra.example.com",
        "a..example.com");

    List<String> problems = problems(blocklistWithList("domain"));

    assertThat(problems)
        .satisfiesExactly(
            p ->
                assertThat(p)
                    .isEqualTo(
                        "shared/list.txt:2:0 expected one name per line, or a hosts-file line (an"
                            + " IP address, then names); 'bad' is not an IP address"),
            p ->
                assertThat(p)
                    .isEqualTo(
                        "shared/list.txt:3:0 '203.0.113.9' is an IP address, not a name; write it"
                            + " as network: 203.0.113.9"),
            p -> assertThat(p).startsWith("shared/list.txt:4:0 expected one name per line"),
            p -> assertThat(p).startsWith("shared/list.txt:5:0 invalid domain 'a..example.com': "));
  }

  @Test
  void listProblemsPrintAsFileColonLine() throws Exception {
    Path list = write("shared/list.txt", "203.0.113.0/24 extra");

    ConfigException e =
        catchThrowableOfType(
            ConfigException.class, () -> BlocklistLoader.load(blocklistWithList("network"), TODAY));

    assertThat(e.getMessage())
        .isEqualTo(list + ":1: expected one network per line, found more after '203.0.113.0/24'");
  }

  @Test
  void yamlProblemsComeBeforeListProblems() throws Exception {
    write("shared/list.txt", "bad..example");
    Path blocklist =
        write(
            "blocklist.yaml",
            "lists:",
            "  - file: shared/list.txt",
            "    kind: domain",
            "bans:",
            "  - domain: example.org",
            "    ports: [0]");

    assertThat(problems(blocklist))
        .extracting(p -> p.substring(0, p.indexOf(' ')))
        .containsExactly("blocklist.yaml:6:13", "shared/list.txt:1:0");
  }

  @Test
  void aMissingListFileIsReportedAtItsFileKey() throws Exception {
    assertThat(problems(blocklistWithList("domain")))
        .singleElement()
        .asString()
        .startsWith("blocklist.yaml:4:5 list file ")
        .contains("list.txt not found");
  }

  @Test
  void listEntriesAreCheckedLikeOtherEntries() throws Exception {
    Path blocklist =
        write(
            "blocklist.yaml",
            "lists:",
            "  - file: a.txt",
            "  - kind: pattern",
            "    file: b.txt",
            "  - file: c.txt",
            "    kind: host",
            "    reasons: x",
            "  - shared.txt");

    assertThat(problems(blocklist))
        .containsExactly(
            "blocklist.yaml:2:5 list entry has no kind: (domain, host or network) for its lines",
            "blocklist.yaml:3:11 kind must be one of domain, host, network, not 'pattern'",
            "blocklist.yaml:7:5 unknown key 'reasons' (did you mean 'reason'?); allowed keys:"
                + " file, kind, ports, reason, requested-by, requested-on, expires, reference",
            "blocklist.yaml:8:5 a list entry must be a mapping such as 'file: names.txt', not"
                + " text");
  }

  @Test
  void aFileThatIsNotUtf8IsAProblem() throws Exception {
    Files.createDirectories(dir.resolve("shared"));
    Files.write(
        dir.resolve("shared/list.txt"), new byte[] {'a', '.', 'c', 'o', '\n', (byte) 0xff, '\n'});

    assertThat(problems(blocklistWithList("domain")))
        .containsExactly("shared/list.txt:2:0 the line is not UTF-8 text");
  }

  @Test
  void aFloodOfBadLinesIsSummarizedAfterAHundred() throws Exception {
    String[] lines = new String[150];
    java.util.Arrays.fill(lines, "bad..example");
    write("shared/list.txt", lines);

    List<String> problems = problems(blocklistWithList("domain"));

    assertThat(problems).hasSize(101);
    assertThat(problems.get(100))
        .isEqualTo(
            "shared/list.txt:101:0 50 more problems in this file from this line on are not"
                + " listed");
  }

  @Test
  void duplicatesAcrossFilesNameTheOtherFile() throws Exception {
    write("shared/list.txt", "example.org", "a.example.com", "a.example.com");
    Path blocklist =
        write(
            "blocklist.yaml",
            "bans:",
            "  - domain: example.org",
            "lists:",
            "  - file: shared/list.txt",
            "    kind: domain");

    Blocklist loaded = BlocklistLoader.load(blocklist, TODAY);

    assertThat(loaded.warnings())
        .extracting(Problem::toString)
        .containsExactly(
            dir.resolve("shared/list.txt")
                + ":1: duplicate entry: domain example.org is also at "
                + blocklist
                + ":2",
            dir.resolve("shared/list.txt")
                + ":3: duplicate entry: domain a.example.com is also at line 2");
  }

  @Test
  void duplicatesBeyondTheLimitOfAFileAreCountedInOneWarning() throws Exception {
    int repeated = CappedProblems.MAX_WARNINGS_PER_FILE + 7;
    String[] lines = new String[repeated + 1];
    Arrays.fill(lines, "a.example.com");
    write("shared/list.txt", lines);
    Path blocklist =
        write("blocklist.yaml", "lists:", "  - file: shared/list.txt", "    kind: domain");

    Blocklist loaded = BlocklistLoader.load(blocklist, TODAY);

    assertThat(loaded.warnings()).hasSize(CappedProblems.MAX_WARNINGS_PER_FILE + 1);
    assertThat(loaded.warnings().get(CappedProblems.MAX_WARNINGS_PER_FILE))
        .as("one count, at the first duplicate not listed")
        .hasToString(
            dir.resolve("shared/list.txt")
                + ":"
                + (CappedProblems.MAX_WARNINGS_PER_FILE + 2)
                + ": 7 more duplicate entries in this file from this line on are not listed");
  }

  @Test
  void anExpiredListIsOneWarningNotOnePerLine() throws Exception {
    write("shared/list.txt", "a.example.com", "b.example.com");
    Path blocklist =
        write(
            "blocklist.yaml",
            "lists:",
            "  - file: shared/list.txt",
            "    kind: domain",
            "    expires: 2026-01-31");

    assertThat(BlocklistLoader.load(blocklist, TODAY).warnings())
        .extracting(p -> p.where().line() + ":" + p.where().column() + " " + p.message())
        .containsExactly(
            "2:5 entry expired on 2026-01-31 and no longer applies; remove it or extend expires");
  }
}
