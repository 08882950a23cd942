package org.exitfilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.LocalDate;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlocklistLoaderTest {
  static final LocalDate TODAY = LocalDate.of(2026, 12, 1);

  @TempDir Path dir;

  Path write(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.createDirectories(file.getParent());
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  Blocklist load(String... lines) throws Exception {
    return BlocklistLoader.load(write("blocklist.yaml", lines), TODAY);
  }

  /** The problems as "line:column message", the way an operator reads them. */
  List<String> problems(String... lines) throws IOException {
    Path file = write("blocklist.yaml", lines);
    try {
      BlocklistLoader.load(file, TODAY);
    } catch (ConfigException e) {
      assertThat(e.problems()).allSatisfy(p -> assertThat(p.where().file()).isEqualTo(file));
      return e.problems().stream().map(BlocklistLoaderTest::brief).toList();
    }
    throw new AssertionError("the blocklist loaded without problems");
  }

  static String brief(Problem p) {
    return p.where().line() + ":" + p.where().column() + " " + p.message();
  }

  static List<String> warnings(Blocklist blocklist) {
    return blocklist.warnings().stream().map(BlocklistLoaderTest::brief).toList();
  }

  @Test
  void fullEntriesLoadWithEveryDetail() throws Exception {
    Blocklist list =
        load(
            "bans:",
            "  - domain: Example.ORG.          # example.org and every name under it",
            "    reason: \"Owner asked to block anonymous posting\"",
            "    requested-by: webmaster@example.org",
            "    requested-on: 2026-11-20",
            "    expires: '2027-11-20'",
            "    reference: REQ-42",
            "  - host: login.example.net",
            "  - pattern: \"shop.EXAMPLE.*\"",
            "  - network: 203.0.113.0/24",
            "    ports: [80, 443]",
            "  - network: 198.51.100.7",
            "    ports: 8080",
            "exceptions:",
            "  - host: status.example.org");

    assertThat(list.bans()).hasSize(5);
    Rule domain = list.bans().get(0);
    assertThat(domain.kind()).isEqualTo(RuleKind.DOMAIN);
    assertThat(domain.value()).isEqualTo("example.org");
    assertThat(domain.network()).isNull();
    assertThat(domain.ports()).isEqualTo(Ports.ALL);
    assertThat(domain.exception()).isFalse();
    assertThat(domain.reason()).isEqualTo("Owner asked to block anonymous posting");
    assertThat(domain.requestedBy()).isEqualTo("webmaster@example.org");
    assertThat(domain.requestedOn()).isEqualTo(LocalDate.of(2026, 11, 20));
    assertThat(domain.expires()).isEqualTo(LocalDate.of(2027, 11, 20));
    assertThat(domain.reference()).isEqualTo("REQ-42");
    assertThat(domain.source()).isEqualTo(new Source(dir.resolve("blocklist.yaml"), 2, 5));

    assertThat(list.bans().get(1).kind()).isEqualTo(RuleKind.HOST);
    assertThat(list.bans().get(1).value()).isEqualTo("login.example.net");
    assertThat(list.bans().get(2).kind()).isEqualTo(RuleKind.PATTERN);
    assertThat(list.bans().get(2).value()).isEqualTo("shop.example.*");
    Rule network = list.bans().get(3);
    assertThat(network.kind()).isEqualTo(RuleKind.NETWORK);
    assertThat(network.value()).isEqualTo("203.0.113.0/24");
    assertThat(network.network().prefixLength()).isEqualTo(24);
    assertThat(network.ports()).isEqualTo(Ports.of(80, 443));
    assertThat(list.bans().get(4).ports()).isEqualTo(Ports.of(8080));
    assertThat(list.bans().get(4).network().prefixLength()).isEqualTo(32);

    assertThat(list.exceptions())
        .singleElement()
        .satisfies(
            e -> {
              assertThat(e.exception()).isTrue();
              assertThat(e.value()).isEqualTo("status.example.org");
              assertThat(e.source().line()).isEqualTo(15);
            });
    assertThat(list.warnings()).isEmpty();
  }

  @Test
  void internationalNamesAreStoredAsALabels() throws Exception {
    Blocklist list = load("bans:", "  - domain: bücher.example", "  - pattern: '*.bücher.example'");

    assertThat(list.bans())
        .extracting(Rule::value)
        .containsExactly("xn--bcher-kva.example", "*.xn--bcher-kva.example");
  }

  @Test
  void networksAreStoredAsCanonicalCidrText() throws Exception {
    Blocklist list = load("bans:", "  - network: 2001:DB8:0:0::/32", "  - network: 2001:db8::1");

    assertThat(list.bans())
        .extracting(Rule::value)
        .containsExactly("2001:db8::/32", "2001:db8::1/128");
  }

  @Test
  void anEmptyFileAndAnEmptyBanListAreEmptyBlocklists() throws Exception {
    assertThat(load("").bans()).isEmpty();
    assertThat(load("# nothing yet").bans()).isEmpty();
    assertThat(load("bans: []").bans()).isEmpty();
    assertThat(load("bans:", "exceptions:").exceptions()).isEmpty();
  }

  @Test
  void sha256IsTheHashOfTheFileBytes() throws Exception {
    Path file = write("blocklist.yaml", "bans:", "  - domain: example.org");
    String expected =
        HexFormat.of()
            .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));

    assertThat(BlocklistLoader.load(file, TODAY).sha256()).isEqualTo(expected);
  }

  @Test
  void aMissingBlocklistIsAnIoError() {
    assertThatThrownBy(() -> BlocklistLoader.load(dir.resolve("absent.yaml")))
        .isInstanceOf(NoSuchFileException.class);
  }

  @Test
  void unknownKeysNameTheAllowedOnesAndSuggestTheClosest() throws Exception {
    assertThat(problems("bans:", "  - domain: example.org", "    reasn: spam"))
        .containsExactly(
            "3:5 unknown key 'reasn' (did you mean 'reason'?); allowed keys: domain, host,"
                + " pattern, network, ports, reason, requested-by, requested-on, expires,"
                + " reference");
    assertThat(problems("ban:", "  - domain: example.org"))
        .containsExactly(
            "1:1 unknown key 'ban' (did you mean 'bans'?); allowed keys: bans, exceptions,"
                + " lists");
    assertThat(problems("colour: blue"))
        .containsExactly("1:1 unknown key 'colour'; allowed keys: bans, exceptions, lists");
  }

  @Test
  void anEntryMustNameExactlyOneKind() throws Exception {
    assertThat(
            problems(
                "bans:", "  - reason: spam", "  - domain: example.org", "    host: a.example.org"))
        .containsExactly(
            "2:5 entry has none of domain, host, pattern, network; it needs one",
            "4:5 entry has both domain and host; an entry names exactly one, so split it in two");
  }

  @Test
  void aMisspeltKindIsReportedOnceWithASuggestion() throws Exception {
    assertThat(problems("bans:", "  - domian: example.org"))
        .singleElement()
        .asString()
        .startsWith("2:5 unknown key 'domian' (did you mean 'domain'?)");
  }

  @Test
  void invalidNamesCarryTheParsersReason() throws Exception {
    assertThat(problems("bans:", "  - domain: exa mple.org", "  - host: a..example.org"))
        .satisfiesExactly(
            p -> assertThat(p).startsWith("2:13 invalid domain 'exa mple.org': "),
            p -> assertThat(p).startsWith("3:11 invalid host 'a..example.org': "));
  }

  @Test
  void anIpAddressGivenAsANameSuggestsNetwork() throws Exception {
    assertThat(
            problems(
                "bans:",
                "  - domain: 203.0.113.7",
                "  - host: '[2001:db8::1]'",
                "  - domain: 2001:db8::1",
                "  - domain: 203.0.113.0/24"))
        .satisfiesExactly(
            p ->
                assertThat(p)
                    .isEqualTo(
                        "2:13 '203.0.113.7' is an IP address, not a name; write it as network:"
                            + " 203.0.113.7"),
            p ->
                assertThat(p)
                    .startsWith("3:11 '[2001:db8::1]' is an IP address, not a name;")
                    .contains("network:"),
            p ->
                assertThat(p)
                    .isEqualTo(
                        "4:13 '2001:db8::1' is an IP address, not a name; write it as network:"
                            + " 2001:db8::1"),
            p ->
                assertThat(p)
                    .startsWith("5:13 '203.0.113.0/24' is an IP address, not a name;")
                    .contains("network: 203.0.113.0/24"));
  }

  @Test
  void patternsNeedWholeWildcardLabelsAndSomethingElse() throws Exception {
    assertThat(
            problems(
                "bans:",
                "  - pattern: 'shop*.example.org'",
                "  - pattern: '*.*'",
                "  - pattern: shop.example.org",
                "  - pattern: '203.0.113.*'"))
        .containsExactly(
            "2:14 invalid pattern 'shop*.example.org': '*' must stand for a whole label, as in"
                + " shop.*.example.org",
            "3:14 invalid pattern '*.*': it needs at least one label other than '*'",
            "4:14 invalid pattern 'shop.example.org': it has no '*' label; use host: for one name"
                + " or domain: for a name and everything under it",
            "5:14 invalid pattern '203.0.113.*': patterns match names, not IP addresses; use"
                + " network: with a CIDR such as 203.0.113.0/24");
  }

  @Test
  void invalidNetworksArePointedAt() throws Exception {
    assertThat(problems("bans:", "  - network: 203.0.113.0/33", "  - network: example.org"))
        .satisfiesExactly(
            p -> assertThat(p).startsWith("2:14 invalid network: ").contains("203.0.113.0/33"),
            p ->
                assertThat(p)
                    .isEqualTo(
                        "3:14 'example.org' is a name, not a network; use domain: or host: for"
                            + " names"));
  }

  @Test
  void portsMustBeOneTo65535() throws Exception {
    assertThat(
            problems(
                "bans:",
                "  - domain: example.org",
                "    ports: [80, 0, 70000, http]",
                "  - domain: example.net",
                "    ports: []",
                "  - domain: example.com",
                "    ports: {http: 80}"))
        .containsExactly(
            "3:17 invalid port '0': a port is a whole number from 1 to 65535",
            "3:20 invalid port '70000': a port is a whole number from 1 to 65535",
            "3:27 invalid port 'http': a port is a whole number from 1 to 65535",
            "5:12 ports: [] lists no port; leave ports out to mean every port",
            "7:12 ports must be a port or a list of ports such as [80, 443], not a mapping");
  }

  @Test
  void datesMustBeRealDaysInOrder() throws Exception {
    assertThat(
            problems(
                "bans:",
                "  - domain: example.org",
                "    requested-on: 20.11.2026",
                "    expires: 2026-02-30",
                "  - domain: example.net",
                "    requested-on: 2026-11-20",
                "    expires: 2026-11-19"))
        .containsExactly(
            "3:19 invalid date '20.11.2026' for requested-on: expected YYYY-MM-DD",
            "4:14 invalid date '2026-02-30' for expires: there is no such day",
            "7:14 expires 2026-11-19 is before requested-on 2026-11-20");
  }

  @Test
  void wrongTypesSayWhatWasExpected() throws Exception {
    assertThat(
            problems(
                "bans:",
                "  - example.org",
                "  - domain: [a.example, b.example]",
                "  - domain:",
                "  - domain: example.org",
                "    reason: [spam, abuse]",
                "exceptions: {host: example.org}"))
        .containsExactly(
            "2:5 an entry must be a mapping such as 'domain: example.org', not text",
            "3:13 domain must be a single value, not a list",
            "4:5 domain needs a value",
            "6:13 reason must be a single value, not a list",
            "7:13 exceptions must be a list of entries, not a mapping");
    assertThat(problems("- domain: example.org"))
        .containsExactly(
            "1:1 a blocklist is a mapping with bans:, exceptions: and lists:, not a list");
  }

  @Test
  void duplicateKeysAndAliasesAreRefused() throws Exception {
    assertThat(
            problems(
                "bans:", "  - domain: &d example.org", "    domain: example.net", "  - host: *d"))
        .containsExactly(
            "3:5 duplicate key 'domain'; it is already set at line 2",
            "4:11 aliases (*d) are not supported; write the value out");
  }

  @Test
  void yamlSyntaxErrorsHaveTheirLocationAndEarlierProblemsStillCount() throws Exception {
    assertThat(
            problems(
                "bans:",
                "  - domain: example.org",
                "    reasn: spam",
                "  - host: a.example.org",
                "    reason: x",
                "   ports: [80]"))
        .satisfiesExactly(
            p -> assertThat(p).startsWith("3:5 unknown key 'reasn'"),
            p -> assertThat(p).startsWith("6:4 YAML syntax error: "));
    assertThat(problems("bans:", "  - domain: \"example.org"))
        .singleElement()
        .asString()
        .startsWith("3:1 YAML syntax error: found unexpected end of stream");
  }

  @Test
  void aSecondDocumentIsRefused() throws Exception {
    assertThat(problems("bans: []", "---", "bans: []"))
        .containsExactly("3:1 a second YAML document starts here; put everything in one document");
  }

  @Test
  void everyProblemIsReportedAtOnceInFileOrder() throws Exception {
    assertThat(
            problems(
                "bans:",
                "  - domain: example.org",
                "    ports: [0]",
                "  - host: 203.0.113.9",
                "  - pattern: 'x*.example'",
                "  - network: 203.0.113.1/24",
                "    expires: soon",
                "exceptions:",
                "  - domain: example.org",
                "    colour: red",
                "extra: 1"))
        .extracting(p -> p.substring(0, p.indexOf(' ')))
        .containsExactly("3:13", "4:11", "5:14", "6:14", "7:14", "10:5", "11:1");
  }

  @Test
  void duplicatesExpiredEntriesAndUnusedExceptionsAreWarnings() throws Exception {
    Blocklist list =
        load(
            "bans:",
            "  - domain: example.org",
            "  - domain: EXAMPLE.org.",
            "  - domain: example.net",
            "    ports: [443]",
            "  - domain: example.net",
            "    ports: [80]",
            "  - host: old.example.com",
            "    expires: 2026-11-30",
            "  - host: today.example.com",
            "    expires: 2026-12-01",
            "exceptions:",
            "  - host: www.example.org",
            "  - host: www.example.com",
            "  - domain: example.net",
            "    ports: [8080]");

    assertThat(list.bans()).as("warnings do not drop entries").hasSize(6);
    assertThat(warnings(list))
        .containsExactly(
            "3:5 duplicate entry: domain example.org is also at line 2",
            "8:5 entry expired on 2026-11-30 and no longer applies; remove it or extend expires",
            "14:5 exception host www.example.com matches no ban, so it has no effect",
            "15:5 exception domain example.net matches no ban on ports [8080], so it has no"
                + " effect");
  }

  @Test
  void exceptionsThatOverlapABanInAnyWayAreUsed() throws Exception {
    Blocklist list =
        load(
            "bans:",
            "  - domain: example.org",
            "  - host: login.example.net",
            "  - pattern: 'shop.example.*'",
            "  - pattern: '*.forum.example'",
            "  - network: 203.0.113.0/24",
            "  - network: 2001:db8::/32",
            "exceptions:",
            "  - host: a.b.example.org", // under a domain ban
            "  - domain: example.net", // a host ban lies under it
            "  - host: shop.example.com", // matched by a pattern
            "  - domain: forum.example", // a pattern reaches under it
            "  - pattern: 'shop.*.com'", // overlaps a pattern
            "  - pattern: '*.example.org'", // reaches under a domain ban
            "  - network: 203.0.113.128/25", // inside a network ban
            "  - network: 2001:db8::1", // inside a network ban
            "  - network: 203.0.0.0/16", // contains a network ban
            "  - host: www.example.net", // nothing
            "  - network: 198.51.100.0/24", // nothing
            "  - pattern: '*.*.forum.example'"); // a pattern bans exactly one label

    assertThat(warnings(list))
        .extracting(w -> w.substring(0, w.indexOf(' ')))
        .containsExactly("18:5", "19:5", "20:5");
  }

  @Test
  void everyEntryKindInExceptionsLoads() throws Exception {
    Blocklist list =
        load(
            "bans:",
            "  - domain: example.org",
            "exceptions:",
            "  - domain: a.example.org",
            "  - pattern: '*.example.org'",
            "    ports: 443");

    assertThat(list.exceptions())
        .extracting(Rule::kind)
        .containsExactly(RuleKind.DOMAIN, RuleKind.PATTERN);
    assertThat(list.exceptions()).allMatch(Rule::exception);
    assertThat(list.warnings()).isEmpty();
  }

  @Test
  void aHugeYamlFileIsNotRefusedForItsSize() throws Exception {
    StringBuilder yaml = new StringBuilder("bans:\n");
    for (int i = 0; i < 60_000; i++) {
      yaml.append("  - domain: site-").append(i).append(".example.org\n");
      yaml.append("    reason: \"a reason long enough to make the file large\"\n");
    }
    Path file = dir.resolve("big.yaml");
    Files.writeString(file, yaml, StandardCharsets.UTF_8);
    assertThat(Files.size(file)).as("over SnakeYAML's default 3 MB limit").isGreaterThan(3 << 20);

    assertThat(BlocklistLoader.load(file, TODAY).bans()).hasSize(60_000);
  }
}
