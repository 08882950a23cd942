package org.exitfilter.policy;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.Host;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.net.HostParser;
import org.exitfilter.net.InvalidHostException;
import org.exitfilter.policy.Decision.Allowed;
import org.exitfilter.policy.Decision.Refusal;
import org.exitfilter.policy.Decision.Refused;
import org.exitfilter.policy.Decision.Resolve;
import org.exitfilter.policy.DestinationPolicy.Access;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class DestinationPolicyTest {
  @TempDir static Path dir;
  static Path file;
  static Matcher matcher;

  static final DestinationPolicy PUBLIC_ONLY = new DestinationPolicy(false, Set.of(443));
  static final DestinationPolicy PRIVATE_TOO = new DestinationPolicy(true, Set.of(443));

  @BeforeAll
  static void compile() throws Exception {
    file = dir.resolve("blocklist.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "bans:",
            "  - domain: banned.test",
            "  - domain: ports.test",
            "    ports: [8080]",
            "  - network: 203.0.113.0/24",
            "  - network: 10.9.0.0/16",
            "exceptions:",
            "  - host: open.banned.test",
            "  - network: 203.0.113.7/32",
            ""));
    matcher = Matcher.compile(BlocklistLoader.load(file), LocalDate.of(2026, 12, 5));
  }

  /**
   * The decision table: target, access, resolved addresses (space-separated, '-' for none), the
   * policy, and the expected outcome: a refusal's name, or ALLOWED with the addresses to dial.
   */
  @ParameterizedTest(name = "{0} via {1} resolving to [{2}], private allowed {3}: {4}")
  @CsvSource(
      delimiter = '|',
      value = {
        // names the blocklist decides before DNS
        "www.banned.test:443    | HTTP    | 198.51.100.1           | false | BLOCKED_NAME",
        "ports.test:8080        | HTTP    | 198.51.100.1           | false | BLOCKED_NAME",
        "ports.test:80          | HTTP    | 198.51.100.1           | false | ALLOWED 198.51.100.1",
        // the exception for a name lifts network bans, not the address class
        "open.banned.test:443   | HTTP    | 203.0.113.9            | false | ALLOWED 203.0.113.9",
        "open.banned.test:443   | HTTP    | 10.0.0.1               | false | NON_PUBLIC_ADDRESS",
        // any address in a banned network refuses the whole name, whatever its place
        "site.test:443          | HTTP    | 198.51.100.1 203.0.113.9 | false | BLOCKED_ADDRESS",
        "site.test:443          | HTTP    | 10.9.1.1 198.51.100.1  | true  | BLOCKED_ADDRESS",
        // a network exception inside a banned network
        "site.test:443          | HTTP    | 203.0.113.7            | false | ALLOWED 203.0.113.7",
        // private and mixed answers: the public addresses are dialled, the others dropped
        "site.test:443          | HTTP    | 10.0.0.1 198.51.100.1  | false | ALLOWED 198.51.100.1",
        "site.test:443          | HTTP    | 10.0.0.1 127.0.0.1     | false | NON_PUBLIC_ADDRESS",
        "site.test:443          | HTTP    | 10.0.0.1 127.0.0.1     | true  | ALLOWED 10.0.0.1 127.0.0.1",
        // families interleaved, IPv6 first (RFC 8305)
        "site.test:443          | HTTP    | 198.51.100.1 198.51.100.2 2001:db9::1 | false | ALLOWED 2001:db9::1 198.51.100.1 198.51.100.2",
        // IP literals in several spellings are decided at once
        "203.0.113.9:443        | HTTP    | -                      | false | BLOCKED_ADDRESS",
        "3405803785:443         | HTTP    | -                      | false | BLOCKED_ADDRESS",
        "[::ffff:203.0.113.9]:443 | HTTP  | -                      | false | BLOCKED_ADDRESS",
        "0x7f.1:80              | HTTP    | -                      | false | NON_PUBLIC_ADDRESS",
        "0x7f.1:80              | HTTP    | -                      | true  | ALLOWED 127.0.0.1",
        // CONNECT is limited to connect-ports, before anything else
        "site.test:8443         | CONNECT | 198.51.100.1           | false | PORT_NOT_ALLOWED",
        "www.banned.test:22     | CONNECT | 198.51.100.1           | false | PORT_NOT_ALLOWED",
        "site.test:443          | CONNECT | 198.51.100.1           | false | ALLOWED 198.51.100.1",
        "site.test:8443         | HTTP    | 198.51.100.1           | false | ALLOWED 198.51.100.1",
      })
  void decidesEachDestinationAsTheTableSays(
      String target, Access access, String resolved, boolean allowPrivate, String expected)
      throws Exception {
    DestinationPolicy policy = allowPrivate ? PRIVATE_TOO : PUBLIC_ONLY;
    Decision decision =
        policy.decide(matcher, HostAndPort.parse(target, -1), access, addresses(resolved));

    assertThat(outcome(decision)).isEqualTo(expected);
  }

  @Test
  void aBannedNameIsRefusedBeforeDnsWithItsEntryAndProvenance() throws Exception {
    Decision decision =
        PUBLIC_ONLY.decide(matcher, HostAndPort.parse("a.banned.test:443", -1), Access.HTTP);

    assertThat(decision).isInstanceOf(Refused.class);
    Refused refused = (Refused) decision;
    assertThat(refused.refusal()).isEqualTo(Refusal.BLOCKED_NAME);
    assertThat(refused.rule().value()).isEqualTo("banned.test");
    assertThat(refused.rule().source().file()).isEqualTo(file);
    assertThat(refused.rule().source().line()).isEqualTo(2);
    assertThat(refused.why()).isEqualTo("destination is on the blocklist");
  }

  @Test
  void aNameThatPassesAsksForItsAddressesAndKeepsItsException() throws Exception {
    Decision decision =
        PUBLIC_ONLY.decide(matcher, HostAndPort.parse("open.banned.test:443", -1), Access.HTTP);

    assertThat(decision).isInstanceOf(Resolve.class);
    assertThat(((Resolve) decision).nameVerdict().decision()).isEqualTo(Verdict.Decision.EXEMPT);

    Decision after = PUBLIC_ONLY.decide(matcher, (Resolve) decision, addresses("203.0.113.9"));
    assertThat(after).isInstanceOf(Allowed.class);
    assertThat(((Allowed) after).verdict().rule().value())
        .as("the allowed decision names the exception that let it through")
        .isEqualTo("open.banned.test");
  }

  @Test
  void aBannedAddressIsNamedInTheRefusal() throws Exception {
    Decision decision =
        PUBLIC_ONLY.decide(
            matcher,
            HostAndPort.parse("site.test:443", -1),
            Access.HTTP,
            addresses("198.51.100.1 203.0.113.9"));

    assertThat(((Refused) decision).address()).isEqualTo(ip("203.0.113.9"));
    assertThat(((Refused) decision).rule().value()).isEqualTo("203.0.113.0/24");
  }

  @ParameterizedTest(name = "server name {0} on port {1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "WWW.Banned.Test.   | 443 | BLOCKED_NAME",
        "ports.test         | 443 | ALLOWED",
        "ports.test         | 8080| BLOCKED_NAME",
        "203.0.113.9        | 443 | BLOCKED_ADDRESS",
        "exa mple.test      | 443 | INVALID_SERVER_NAME",
        "site.test          | 443 | ALLOWED",
      })
  void aTunnelsServerNameIsJudgedByTheSameList(String serverName, int port, String expected) {
    assertThat(outcome(PUBLIC_ONLY.decideServerName(matcher, serverName, port)))
        .isEqualTo(expected);
  }

  private static List<InetAddress> addresses(String text) {
    if (text.equals("-")) {
      return List.of();
    }
    return Arrays.stream(text.trim().split("\\s+")).map(DestinationPolicyTest::ip).toList();
  }

  private static InetAddress ip(String literal) {
    try {
      return ((Host.Ip) HostParser.parse(literal)).address();
    } catch (InvalidHostException e) {
      throw new IllegalArgumentException(literal, e);
    }
  }

  private static String outcome(Decision decision) {
    if (decision instanceof Refused refused) {
      return refused.refusal().name();
    }
    if (decision instanceof Allowed allowed) {
      StringBuilder b = new StringBuilder("ALLOWED");
      for (InetAddress address : allowed.addresses()) {
        b.append(' ').append(new Host.Ip(address).authority().replaceAll("[\\[\\]]", ""));
      }
      return b.toString();
    }
    return "RESOLVE";
  }
}
