package org.exitfilter.match;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.exitfilter.config.RuleKind.DOMAIN;
import static org.exitfilter.config.RuleKind.HOST;
import static org.exitfilter.config.RuleKind.NETWORK;
import static org.exitfilter.config.RuleKind.PATTERN;
import static org.exitfilter.match.TestLists.address;
import static org.exitfilter.match.TestLists.list;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.LocalDate;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.Ports;
import org.exitfilter.config.Source;
import org.exitfilter.match.Verdict.Decision;
import org.exitfilter.net.Host;
import org.junit.jupiter.api.Test;

/** The matching rules by example. */
class MatcherTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 25);

  private static Matcher compile(TestLists list) {
    return Matcher.compile(list.build(), DAY);
  }

  private static Decision decide(Matcher matcher, String name) {
    return decide(matcher, name, 443);
  }

  private static Decision decide(Matcher matcher, String name, int port) {
    // Twice: a repeated lookup gives the very same verdict.
    Verdict first = matcher.check(new Host.Name(name), port);
    Verdict second = matcher.check(new Host.Name(name), port);
    assertThat(second).as("the same verdict on a repeated lookup").isSameAs(first);
    return first.decision();
  }

  private static Decision decide(Matcher matcher, InetAddress address) {
    return matcher.check(address, 443).decision();
  }

  @Test
  void domainCoversItselfAndNamesBelowItAtALabelBoundary() {
    Matcher matcher = compile(list().ban(DOMAIN, "example.org"));

    assertThat(decide(matcher, "example.org")).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, "www.example.org")).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, "a.b.c.example.org")).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, "badexample.org")).isEqualTo(Decision.NO_MATCH);
    assertThat(decide(matcher, "example.org.evil")).isEqualTo(Decision.NO_MATCH);
    assertThat(decide(matcher, "org")).isEqualTo(Decision.NO_MATCH);
  }

  @Test
  void hostCoversExactlyOneName() {
    Matcher matcher = compile(list().ban(HOST, "www.example.org"));

    assertThat(decide(matcher, "www.example.org")).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, "a.www.example.org")).isEqualTo(Decision.NO_MATCH);
    assertThat(decide(matcher, "example.org")).isEqualTo(Decision.NO_MATCH);
  }

  @Test
  void patternStarStandsForExactlyOneWholeLabel() {
    Matcher matcher = compile(list().ban(PATTERN, "*.cdn.example.org"));

    assertThat(decide(matcher, "x.cdn.example.org")).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, "xn--bcher-kva.cdn.example.org")).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, "cdn.example.org")).isEqualTo(Decision.NO_MATCH);
    assertThat(decide(matcher, "a.b.cdn.example.org")).isEqualTo(Decision.NO_MATCH);
    assertThat(decide(matcher, "x.cdn.example.com")).isEqualTo(Decision.NO_MATCH);
  }

  @Test
  void starsMayStandInTheMiddleAndSeveralTimes() {
    Matcher matcher = compile(list().ban(PATTERN, "www.*.*.example"));

    assertThat(decide(matcher, "www.a.b.example")).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, "web.a.b.example")).isEqualTo(Decision.NO_MATCH);
    assertThat(decide(matcher, "www.a.example")).isEqualTo(Decision.NO_MATCH);
  }

  @Test
  void hostExceptionInsideBannedDomainIsExempt() {
    Matcher matcher = compile(list().ban(DOMAIN, "example.org").except(HOST, "status.example.org"));

    assertThat(decide(matcher, "status.example.org")).isEqualTo(Decision.EXEMPT);
    assertThat(decide(matcher, "www.example.org")).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, "x.status.example.org"))
        .as("a host exception does not reach below its name")
        .isEqualTo(Decision.BLOCK);
  }

  @Test
  void bannedHostBeatsExemptDomainAroundIt() {
    Matcher matcher =
        compile(list().ban(HOST, "api.status.example.org").except(DOMAIN, "status.example.org"));

    assertThat(decide(matcher, "api.status.example.org")).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, "x.status.example.org")).isEqualTo(Decision.EXEMPT);
    assertThat(decide(matcher, "status.example.org")).isEqualTo(Decision.EXEMPT);
  }

  @Test
  void longerDomainBeatsShorterOne() {
    Matcher matcher = compile(list().except(DOMAIN, "example.org").ban(DOMAIN, "ads.example.org"));

    assertThat(decide(matcher, "x.ads.example.org")).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, "www.example.org")).isEqualTo(Decision.EXEMPT);
  }

  @Test
  void patternBeatsAnyDomainAndHostBeatsPattern() {
    Matcher matcher =
        compile(
            list()
                .ban(DOMAIN, "x.cdn.example.org")
                .except(PATTERN, "*.cdn.example.org")
                .ban(HOST, "y.cdn.example.org"));

    assertThat(decide(matcher, "x.cdn.example.org"))
        .as("the pattern decides even against a domain equal to the name")
        .isEqualTo(Decision.EXEMPT);
    assertThat(decide(matcher, "y.cdn.example.org")).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, "a.x.cdn.example.org"))
        .as("the pattern does not match five labels; the domain does")
        .isEqualTo(Decision.BLOCK);
  }

  @Test
  void patternWithFewerStarsBeatsPatternWithMore() {
    Matcher matcher =
        compile(list().ban(PATTERN, "*.*.example.org").except(PATTERN, "*.b.example.org"));

    assertThat(decide(matcher, "a.b.example.org")).isEqualTo(Decision.EXEMPT);
    assertThat(decide(matcher, "a.c.example.org")).isEqualTo(Decision.BLOCK);
  }

  @Test
  void exceptionWinsATieOfSpecificity() {
    Matcher matcher =
        compile(
            list()
                .ban(DOMAIN, "example.org")
                .except(DOMAIN, "example.org")
                .ban(PATTERN, "*.b.example")
                .except(PATTERN, "a.*.example"));

    assertThat(decide(matcher, "www.example.org")).isEqualTo(Decision.EXEMPT);
    assertThat(decide(matcher, "a.b.example"))
        .as("two different patterns with one star each tie")
        .isEqualTo(Decision.EXEMPT);
  }

  @Test
  void firstOfTiedBansInFileOrderDecides() {
    Blocklist blocklist =
        list()
            .ban(PATTERN, "*.b.example")
            .ban(PATTERN, "a.*.example")
            .ban(HOST, "h.example")
            .ban(HOST, "h.example")
            .build();
    Matcher matcher = Matcher.compile(blocklist, DAY);

    assertThat(matcher.check(new Host.Name("a.b.example"), 443).rule())
        .isSameAs(blocklist.bans().get(0));
    assertThat(matcher.check(new Host.Name("h.example"), 443).rule())
        .isSameAs(blocklist.bans().get(2));
  }

  @Test
  void entryLimitedToPortsAppliesOnThosePortsOnly() {
    Matcher matcher =
        compile(
            list()
                .ban(DOMAIN, "example.org", Ports.of(25, 465))
                .except(HOST, "mx.example.org", Ports.of(25))
                .ban(DOMAIN, "org", Ports.of(443)));

    assertThat(decide(matcher, "www.example.org", 25)).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, "mx.example.org", 25)).isEqualTo(Decision.EXEMPT);
    assertThat(decide(matcher, "mx.example.org", 465)).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, "www.example.org", 443))
        .as("the longer domain does not apply on 443, so the shorter one decides")
        .isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, "www.example.org", 80)).isEqualTo(Decision.NO_MATCH);
  }

  @Test
  void verdictsOnManyPortsOfOneNameStayApart() {
    Matcher matcher = compile(list().ban(DOMAIN, "example.org", Ports.of(2, 4, 6, 8, 10)));

    for (int round = 0; round < 3; round++) {
      for (int port = 1; port <= 10; port++) {
        assertThat(decide(matcher, "www.example.org", port))
            .as("port " + port + ", round " + round)
            .isEqualTo(port % 2 == 0 ? Decision.BLOCK : Decision.NO_MATCH);
      }
    }
  }

  @Test
  void expiredEntriesAreLeftOutAndExpiryDayIsIncluded() {
    TestLists list =
        list()
            .add(DOMAIN, "yesterday.example", false, Ports.ALL, DAY.minusDays(1))
            .add(DOMAIN, "today.example", false, Ports.ALL, DAY)
            .add(DOMAIN, "example", false, Ports.ALL, null)
            .add(HOST, "www.example", true, Ports.ALL, DAY.minusDays(1));
    Matcher matcher = compile(list);

    assertThat(matcher.day()).isEqualTo(DAY);
    assertThat(matcher.check(new Host.Name("yesterday.example"), 443).rule().value())
        .isEqualTo("example");
    assertThat(matcher.check(new Host.Name("today.example"), 443).rule().value())
        .isEqualTo("today.example");
    assertThat(decide(matcher, "www.example")).isEqualTo(Decision.BLOCK);
    assertThat(decide(Matcher.compile(list.build(), DAY.plusDays(1)), "today.example"))
        .as("the day after, the entry has expired and the wider ban decides")
        .isEqualTo(Decision.BLOCK);
  }

  @Test
  void longestNetworkPrefixDecidesAndExceptionWinsATie() {
    Matcher matcher =
        compile(
            list()
                .ban(NETWORK, "203.0.113.0/24")
                .except(NETWORK, "203.0.113.128/25")
                .ban(NETWORK, "203.0.113.200")
                .ban(NETWORK, "198.51.100.0/24")
                .except(NETWORK, "198.51.100.0/24")
                .ban(NETWORK, "2001:db8::/32")
                .except(NETWORK, "2001:db8:1::/48"));

    assertThat(decide(matcher, address("203.0.113.5"))).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, address("203.0.113.129"))).isEqualTo(Decision.EXEMPT);
    assertThat(decide(matcher, address("203.0.113.200"))).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, address("198.51.100.7"))).isEqualTo(Decision.EXEMPT);
    assertThat(decide(matcher, address("192.0.2.1"))).isEqualTo(Decision.NO_MATCH);
    assertThat(decide(matcher, address("2001:db8:2::1"))).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, address("2001:db8:1::1"))).isEqualTo(Decision.EXEMPT);
    assertThat(decide(matcher, address("2001:db9::1"))).isEqualTo(Decision.NO_MATCH);
  }

  @Test
  void bannedIpv4RangeStaysBannedInEveryIpv6Spelling() throws UnknownHostException {
    Matcher matcher =
        compile(
            list()
                .ban(NETWORK, "203.0.113.0/24")
                .except(NETWORK, "64:ff9b::/96")
                .except(NETWORK, "::/8"));
    byte[] mapped = new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, -1, -1, (byte) 203, 0, 113, 9};

    assertThat(decide(matcher, address("64:ff9b::203.0.113.9")))
        .as("NAT64: exempting the IPv6 prefix does not lift the IPv4 ban")
        .isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, address("::203.0.113.9"))).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, address("::ffff:203.0.113.9")))
        .as("Java turns IPv4-mapped into IPv4")
        .isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, Inet6Address.getByAddress(null, mapped, -1)))
        .as("an IPv4-mapped address kept as IPv6")
        .isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, address("64:ff9b::192.0.2.1"))).isEqualTo(Decision.EXEMPT);
  }

  @Test
  void ipv4ExceptionExemptsItsIpv6SpellingsToo() {
    Matcher matcher =
        compile(list().ban(NETWORK, "203.0.113.0/24").except(NETWORK, "203.0.113.9/32"));

    assertThat(decide(matcher, address("64:ff9b::203.0.113.9"))).isEqualTo(Decision.EXEMPT);
    assertThat(decide(matcher, address("64:ff9b::203.0.113.10"))).isEqualTo(Decision.BLOCK);
  }

  @Test
  void addressesAreNotMatchedByNameEntriesNorNamesByNetworks() {
    Matcher matcher = compile(list().ban(DOMAIN, "example.org").ban(NETWORK, "0.0.0.0/0"));

    assertThat(decide(matcher, address("192.0.2.1"))).isEqualTo(Decision.BLOCK);
    assertThat(decide(matcher, address("2001:db8::1"))).isEqualTo(Decision.NO_MATCH);
    assertThat(decide(matcher, "example.com")).isEqualTo(Decision.NO_MATCH);
  }

  @Test
  void emptyListMatchesNothing() {
    Matcher matcher = compile(list());

    assertThat(decide(matcher, "example.org")).isEqualTo(Decision.NO_MATCH);
    assertThat(decide(matcher, address("192.0.2.1"))).isEqualTo(Decision.NO_MATCH);
    assertThat(decide(matcher, address("2001:db8::1"))).isEqualTo(Decision.NO_MATCH);
    assertThat(matcher.check(new Host.Name("example.org"), 443)).isSameAs(Verdict.NO_MATCH);
  }

  @Test
  void verdictNamesTheOriginalEntry() {
    Blocklist blocklist = list().ban(DOMAIN, "example.org").except(NETWORK, "192.0.2.0/24").build();
    Matcher matcher = Matcher.compile(blocklist, DAY);

    Verdict verdict = matcher.check(new Host.Name("www.example.org"), 80);
    assertThat(verdict.rule()).isSameAs(blocklist.bans().get(0));
    assertThat(matcher.check(new Host.Name("example.org"), 443))
        .as("verdicts are made at compile time, not per lookup")
        .isSameAs(verdict);
    assertThat(matcher.check(address("192.0.2.1"), 443).rule())
        .isSameAs(blocklist.exceptions().get(0));
  }

  @Test
  void entryReadFromListIsReportedEqualToTheLoadedOne() {
    Path listFile = Path.of("conf/lists/ads.txt");
    TestLists list = list();
    for (int line = 1; line <= 3; line++) {
      list.add(
          TestLists.rule(
              DOMAIN,
              "ads" + line + ".example",
              false,
              Ports.ALL,
              null,
              "ads list",
              new Source(listFile, line, 1)));
    }
    Blocklist blocklist = list.build();
    Matcher matcher = Matcher.compile(blocklist, DAY);

    Verdict verdict = matcher.check(new Host.Name("x.ads2.example"), 443);
    assertThat(verdict.rule()).isEqualTo(blocklist.bans().get(1));
    assertThat(verdict.rule().describe()).isEqualTo("domain ads2.example (ads.txt:2)");
    assertThat(matcher.check(new Host.Name("ads2.example"), 80))
        .as("the verdict of a list entry is built once, then reused")
        .isSameAs(verdict);
  }

  @Test
  void nameNotNormalizedIsRefusedAtCompile() {
    TestLists list = list().ban(DOMAIN, "Example.org");

    assertThatThrownBy(() -> compile(list))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("Example.org");
  }
}
