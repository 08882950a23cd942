package org.exitfilter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ShadowedBansTest {
  static final LocalDate TODAY = LocalDate.of(2026, 12, 1);

  @TempDir Path dir;

  Path write(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  /** The shadow warnings as "line message", with the folder left out. */
  List<String> shadowed(String... lines) throws Exception {
    Path file = write("blocklist.yaml", lines);
    return BlocklistLoader.load(file, TODAY).warnings().stream()
        .filter(w -> w.message().contains("shadowed"))
        .map(w -> w.where().line() + " " + w.message().replace(dir + "/", ""))
        .toList();
  }

  @Test
  void hostsAndSubdomainsUnderABannedDomainAreShadowed() throws Exception {
    assertThat(
            shadowed(
                "bans:",
                "  - domain: example.org",
                "  - host: www.example.org",
                "  - domain: a.example.org",
                "  - host: example.org",
                "  - domain: deep.b.example.org",
                "  - domain: example.net"))
        .containsExactly(
            "3 host www.example.org is shadowed by domain example.org at blocklist.yaml:2, which"
                + " already refuses all it covers, so it never decides anything",
            "4 domain a.example.org is shadowed by domain example.org at blocklist.yaml:2, which"
                + " already refuses all it covers, so it never decides anything",
            "5 host example.org is shadowed by domain example.org at blocklist.yaml:2, which"
                + " already refuses all it covers, so it never decides anything",
            "6 domain deep.b.example.org is shadowed by domain example.org at blocklist.yaml:2,"
                + " which already refuses all it covers, so it never decides anything");
  }

  @Test
  void theNearestBroaderBanIsNamed() throws Exception {
    assertThat(
            shadowed(
                "bans:",
                "  - domain: example.org",
                "  - domain: a.example.org",
                "  - host: www.a.example.org"))
        .extracting(w -> w.substring(0, w.indexOf(", which")))
        .containsExactly(
            "3 domain a.example.org is shadowed by domain example.org at blocklist.yaml:2",
            "4 host www.a.example.org is shadowed by domain a.example.org at blocklist.yaml:3");
  }

  @Test
  void aBanOnPortsTheBroaderBanDoesNotCoverIsNotShadowed() throws Exception {
    assertThat(
            shadowed(
                "bans:",
                "  - domain: example.org",
                "    ports: [80, 443]",
                "  - host: a.example.org", // every port: more than the domain ban
                "  - host: b.example.org",
                "    ports: [443]", // shadowed
                "  - host: c.example.org",
                "    ports: [443, 8080]"))
        .extracting(w -> w.substring(0, w.indexOf(" is ")))
        .containsExactly("5 host b.example.org ports [443]");
  }

  @Test
  void theSameEntryOnFewerPortsIsShadowedButAnExactRepeatIsOnlyADuplicate() throws Exception {
    assertThat(
            shadowed(
                "bans:",
                "  - domain: example.org",
                "  - domain: example.org",
                "    ports: [80]",
                "  - host: www.example.net",
                "    ports: [80, 443]",
                "  - host: www.example.net",
                "    ports: [443]",
                "  - host: api.example.net",
                "  - host: api.example.net",
                "  - network: 203.0.113.0/24",
                "    ports: [443]",
                "  - network: 203.0.113.0/24"))
        .extracting(w -> w.substring(0, w.indexOf(", which")))
        .containsExactly(
            "3 domain example.org ports [80] is shadowed by domain example.org at"
                + " blocklist.yaml:2",
            "7 host www.example.net ports [443] is shadowed by host www.example.net ports [80,443]"
                + " at blocklist.yaml:5",
            "11 network 203.0.113.0/24 ports [443] is shadowed by network 203.0.113.0/24 at"
                + " blocklist.yaml:13");
  }

  @Test
  void anExceptionBetweenTheTwoBansKeepsTheNarrowerOneNeeded() throws Exception {
    assertThat(
            shadowed(
                "bans:",
                "  - domain: example.org",
                "  - host: www.a.example.org", // a.example.org is excepted: this ban decides
                "  - host: c.example.org", // a pattern exception is next without the host ban
                "  - domain: d.example.org", // exceptions below it or on it do not matter
                "  - domain: example.net",
                "  - domain: b.example.net", // the exception on example.net wins a tie with it
                "exceptions:",
                "  - domain: a.example.org",
                "  - pattern: '*.example.org'",
                "    ports: [8080]",
                "  - host: www.d.example.org",
                "  - domain: d.example.org",
                "    ports: [80]",
                "  - domain: example.net",
                "    ports: [8080]"))
        .extracting(w -> w.substring(0, w.indexOf(" is ")))
        .containsExactly("5 domain d.example.org");
  }

  @Test
  void anExceptionOnOtherPortsDoesNotStandBetween() throws Exception {
    assertThat(
            shadowed(
                "bans:",
                "  - domain: example.org",
                "  - host: www.a.example.org",
                "    ports: [443]",
                "exceptions:",
                "  - domain: a.example.org",
                "    ports: [80]"))
        .extracting(w -> w.substring(0, w.indexOf(" is ")))
        .containsExactly("3 host www.a.example.org ports [443]");
  }

  @Test
  void aBroaderBanThatExpiresFirstDoesNotShadow() throws Exception {
    assertThat(
            shadowed(
                "bans:",
                "  - domain: example.org",
                "    expires: 2027-01-31",
                "  - host: forever.example.org",
                "  - host: longer.example.org",
                "    expires: 2027-02-01",
                "  - host: shorter.example.org",
                "    expires: 2027-01-31",
                "  - domain: old.example.org", // expired: warned as such, not as shadowed
                "    expires: 2026-11-30"))
        .extracting(w -> w.substring(0, w.indexOf(" is ")))
        .containsExactly("7 host shorter.example.org");
  }

  @Test
  void patternsWithAFixedTailUnderABannedDomainAreShadowed() throws Exception {
    assertThat(
            shadowed(
                "bans:",
                "  - domain: example.org",
                "  - pattern: '*.example.org'",
                "  - pattern: 'shop.*.example.org'",
                "  - pattern: 'www.example.*'", // no fixed tail
                "  - pattern: '*.forum.example.org'", // an exception under it reaches its names
                "exceptions:",
                "  - host: x.y.forum.example.org",
                "  - domain: z.forum.example.org"))
        .extracting(w -> w.substring(0, w.indexOf(" is ")))
        .containsExactly("3 pattern *.example.org", "4 pattern shop.*.example.org");
  }

  @Test
  void networksInsideABroaderNetworkBanAreShadowed() throws Exception {
    assertThat(
            shadowed(
                "bans:",
                "  - network: 203.0.113.0/24",
                "  - network: 203.0.113.200",
                "  - network: 203.0.113.128/25",
                "  - network: 203.0.113.64/26", // an exception lies between
                "  - network: 2001:db8::/32",
                "  - network: 2001:db8:1::/48",
                "  - network: 198.51.100.0/24",
                "    ports: [443]",
                "  - network: 198.51.100.1", // every port: more than the /24
                "exceptions:",
                "  - network: 203.0.113.0/25",
                "    ports: [80]"))
        .extracting(w -> w.substring(0, w.indexOf(", which")))
        .containsExactly(
            "3 network 203.0.113.200/32 is shadowed by network 203.0.113.128/25 at"
                + " blocklist.yaml:4",
            "4 network 203.0.113.128/25 is shadowed by network 203.0.113.0/24 at"
                + " blocklist.yaml:2",
            "7 network 2001:db8:1::/48 is shadowed by network 2001:db8::/32 at blocklist.yaml:6");
  }

  @Test
  void bansFromAListFileUnderADomainAreShadowedAndCountedBeyondTheLimit() throws Exception {
    StringBuilder names = new StringBuilder();
    for (int i = 0; i < CappedProblems.MAX_WARNINGS_PER_FILE + 5; i++) {
      names.append("site-").append(i).append(".example.org\n");
    }
    Files.writeString(dir.resolve("names.txt"), names);
    List<String> warnings =
        shadowed(
            "bans:", "  - domain: example.org", "lists:", "  - file: names.txt", "    kind: host");

    assertThat(warnings).hasSize(CappedProblems.MAX_WARNINGS_PER_FILE + 1);
    assertThat(warnings.get(0))
        .startsWith(
            "1 host site-0.example.org is shadowed by domain example.org at blocklist.yaml:2");
    assertThat(warnings.get(warnings.size() - 1))
        .isEqualTo("21 5 more shadowed bans in this file from this line on are not listed");
  }
}
