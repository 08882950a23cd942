package org.exitfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.exitfilter.testing.LoopbackDns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckCommandTest {
  @TempDir Path dir;
  Path config;
  Path blocklist;
  // check resolves as the proxy does, through the configured resolver: never the machine's.
  LoopbackDns dns;

  @BeforeEach
  void writeConfig() throws Exception {
    dns = LoopbackDns.start();
    config =
        Cli.write(
            dir,
            "exitfilter.yaml",
            "blocklist: blocklist.yaml",
            "resolver: 127.0.0.1:" + dns.port());
    blocklist =
        Cli.write(
            dir,
            "blocklist.yaml",
            "bans:",
            "  - domain: example.org",
            "    reason: \"Owner asked to block anonymous posting\"",
            "    requested-by: webmaster@example.org",
            "    requested-on: 2026-11-20",
            "  - host: login.example.net",
            "  - pattern: 'shop.example.*'",
            "    ports: [80, 443]",
            "  - domain: ports.example",
            "    ports: [8080]",
            "  - network: 203.0.113.0/24",
            "  - network: 2001:db8::/32",
            "  - network: 127.0.0.0/8",
            "exceptions:",
            "  - host: status.example.org");
  }

  @AfterEach
  void stopDns() {
    dns.close();
  }

  Cli.Result check(String... targets) {
    String[] args = new String[targets.length + 3];
    args[0] = "check";
    args[1] = "--config";
    args[2] = config.toString();
    System.arraycopy(targets, 0, args, 3, targets.length);
    return Cli.run(args);
  }

  @Test
  void aBlockedNameNamesTheEntryWithItsDetailsAndExitsOne() {
    Cli.Result result = check("www.example.org");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.BLOCKED);
    assertThat(result.out())
        .isEqualTo(
            "www.example.org -> www.example.org:443: BLOCKED by domain example.org at "
                + blocklist
                + ":2:5\n"
                + "  reason: Owner asked to block anonymous posting\n"
                + "  requested by webmaster@example.org on 2026-11-20\n");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void anAllowedNameExitsZero() {
    Cli.Result result = check("--no-resolve", "example.com");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .isEqualTo(
            "example.com -> example.com:443: allowed (no entry matches)\n"
                + "  not resolved (--no-resolve); network entries not checked\n");
  }

  @Test
  void anExceptionAllowsANameUnderABan() {
    dns.put("status.example.org", "198.51.100.20");

    Cli.Result result = check("status.example.org");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .isEqualTo(
            "status.example.org -> status.example.org:443: allowed by exception host"
                + " status.example.org at "
                + blocklist
                + ":15:5\n"
                + "  resolves to 198.51.100.20\n");
  }

  @Test
  void urlsAreReadForTheirHostAndPortOnly() {
    Cli.Result result =
        check(
            "http://WWW.Example.ORG./path?q=1#top",
            "https://user:secret@www.example.org/",
            "http://allowed.test@login.example.net/x",
            "HTTPS://shop.example.com");

    assertThat(result.out().lines().filter(l -> !l.startsWith(" ")))
        .containsExactly(
            "http://WWW.Example.ORG./path?q=1#top -> www.example.org:80: BLOCKED by domain"
                + " example.org at "
                + blocklist
                + ":2:5",
            "https://user:secret@www.example.org/ -> www.example.org:443: BLOCKED by domain"
                + " example.org at "
                + blocklist
                + ":2:5",
            "http://allowed.test@login.example.net/x -> login.example.net:80: BLOCKED by host"
                + " login.example.net at "
                + blocklist
                + ":6:5",
            "HTTPS://shop.example.com -> shop.example.com:443: BLOCKED by pattern shop.example.*"
                + " ports [80,443] at "
                + blocklist
                + ":7:5");
  }

  @Test
  void entriesLimitedToPortsApplyOnThosePortsOnly() {
    Cli.Result result =
        check(
            "--no-resolve",
            "ports.example:8080",
            "ports.example",
            "http://shop.example.com:80/",
            "shop.example.com:8443");

    assertThat(result.out().lines().filter(l -> !l.startsWith(" ")))
        .containsExactly(
            "ports.example:8080 -> ports.example:8080: BLOCKED by domain ports.example ports"
                + " [8080] at "
                + blocklist
                + ":9:5",
            "ports.example -> ports.example:443: allowed (no entry matches)",
            "http://shop.example.com:80/ -> shop.example.com:80: BLOCKED by pattern"
                + " shop.example.* ports [80,443] at "
                + blocklist
                + ":7:5",
            "shop.example.com:8443 -> shop.example.com:8443: allowed (no entry matches)");
    assertThat(result.exitCode()).as("one blocked target is enough").isEqualTo(ExitCodes.BLOCKED);
  }

  @Test
  void ipLiteralsInEverySpellingMeetTheNetworkEntries() {
    Cli.Result result =
        check(
            "203.0.113.9",
            "3405803785", // 203.0.113.9 as one number
            "http://[2001:db8::1]:8080/",
            "2001:DB8:0::5",
            "[::ffff:203.0.113.10]:443",
            "198.51.100.1");

    assertThat(result.out().lines())
        .containsExactly(
            "203.0.113.9 -> 203.0.113.9:443: BLOCKED by network 203.0.113.0/24 at "
                + blocklist
                + ":11:5",
            "3405803785 -> 203.0.113.9:443: BLOCKED by network 203.0.113.0/24 at "
                + blocklist
                + ":11:5",
            "http://[2001:db8::1]:8080/ -> [2001:db8::1]:8080: BLOCKED by network 2001:db8::/32"
                + " at "
                + blocklist
                + ":12:5",
            "2001:DB8:0::5 -> [2001:db8::5]:443: BLOCKED by network 2001:db8::/32 at "
                + blocklist
                + ":12:5",
            "[::ffff:203.0.113.10]:443 -> 203.0.113.10:443: BLOCKED by network 203.0.113.0/24"
                + " at "
                + blocklist
                + ":11:5",
            "198.51.100.1 -> 198.51.100.1:443: allowed (no entry matches)");
  }

  @Test
  void aNameIsCheckedAgainstTheNetworksItResolvesTo() {
    Cli.Result result = check("localhost:8080");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.BLOCKED);
    assertThat(result.out())
        .startsWith(
            "localhost:8080 -> localhost:8080: BLOCKED by network 127.0.0.0/8 at "
                + blocklist
                + ":13:5\n"
                + "  resolves to 127.");
  }

  @Test
  void anAllowedTargetAtANonPublicAddressSaysTheProxyRefusesItAnyway() {
    Cli.Result result = check("10.1.2.3", "198.51.100.1");

    assertThat(result.exitCode()).as("the blocklist allows both").isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .isEqualTo(
            "10.1.2.3 -> 10.1.2.3:443: allowed (no entry matches)\n"
                + "  but the proxy refuses non-public addresses (allow-private-destinations:"
                + " false)\n"
                + "198.51.100.1 -> 198.51.100.1:443: allowed (no entry matches)\n");
  }

  @Test
  void aNameWithAPrivateAndAPublicAddressIsAllowedAsTheProxyDialsThePublicOne() {
    dns.put("mixed.test", "10.1.2.3", "198.51.100.7");

    Cli.Result result = check("mixed.test");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .as("the proxy uses the public address; one private address does not refuse the name")
        .isEqualTo(
            "mixed.test -> mixed.test:443: allowed (no entry matches)\n"
                + "  resolves to 10.1.2.3, 198.51.100.7\n");
  }

  @Test
  void aNameWithOnlyNonPublicAddressesSaysTheProxyRefusesIt() {
    dns.put("inside.test", "10.1.2.3", "fd00::1");

    Cli.Result result = check("inside.test");

    assertThat(result.exitCode()).as("the blocklist allows it").isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .isEqualTo(
            "inside.test -> inside.test:443: allowed (no entry matches)\n"
                + "  resolves to 10.1.2.3, fd00:0:0:0:0:0:0:1\n"
                + "  but the proxy refuses non-public addresses (allow-private-destinations:"
                + " false)\n");
  }

  @Test
  void anExemptNameAtANonPublicAddressSaysTheProxyRefusesIt() {
    dns.put("status.example.org", "192.168.1.1");

    Cli.Result result = check("status.example.org");

    assertThat(result.out())
        .endsWith(
            "  resolves to 192.168.1.1\n"
                + "  but the proxy refuses non-public addresses (allow-private-destinations:"
                + " false)\n");
  }

  @Test
  void aNameIsLookedUpThroughTheConfiguredResolverExactlyAsGiven() {
    dns.put("intranet.corp.test", "198.51.100.8");

    Cli.Result result = check("intranet", "intranet.corp.test");

    assertThat(result.out().lines())
        .as("no search domain is appended, and the configured resolver answers")
        .containsExactly(
            "intranet -> intranet:443: allowed (no entry matches)",
            "  does not resolve here; network entries not checked",
            "intranet.corp.test -> intranet.corp.test:443: allowed (no entry matches)",
            "  resolves to 198.51.100.8");
    assertThat(dns.queries("intranet")).as("asked of the configured resolver").isPositive();
  }

  @Test
  void aTunnelTargetOnAPortOutsideConnectPortsSaysTheProxyRefusesIt() {
    Cli.Result result = check("--no-resolve", "example.com:8443", "http://example.com:8443/");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .isEqualTo(
            "example.com:8443 -> example.com:8443: allowed (no entry matches)\n"
                + "  not resolved (--no-resolve); network entries not checked\n"
                + "  but the proxy refuses CONNECT to this port (connect-ports)\n"
                + "http://example.com:8443/ -> example.com:8443: allowed (no entry matches)\n"
                + "  not resolved (--no-resolve); network entries not checked\n");
  }

  @Test
  void noResolveLeavesNetworkEntriesToIpTargets() {
    Cli.Result result = check("--no-resolve", "localhost");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .isEqualTo(
            "localhost -> localhost:443: allowed (no entry matches)\n"
                + "  not resolved (--no-resolve); network entries not checked\n");
  }

  @Test
  void invalidTargetsAreAllReportedAndExitTwoBeforeAnythingIsChecked() {
    Cli.Result result =
        check("www.example.org", "exa mple.org", "ftp://example.org/", "example.org:99999");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.out()).as("nothing checked").isEmpty();
    assertThat(result.err().lines())
        .hasSize(3)
        .allSatisfy(line -> assertThat(line).contains(": invalid target: "))
        .anySatisfy(line -> assertThat(line).startsWith("exa mple.org: "))
        .anySatisfy(line -> assertThat(line).contains("http:// and https:// only"))
        .anySatisfy(line -> assertThat(line).startsWith("example.org:99999: "));
  }

  @Test
  void anInvalidBlocklistExitsThreeWithEveryProblemAtItsPlace() throws Exception {
    Cli.write(
        dir,
        "blocklist.yaml",
        "bans:",
        "  - domain: exa mple.org",
        "  - network: 203.0.113.1/24",
        "  - hots: example.net");

    Cli.Result result = check("www.example.org");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(result.out()).isEmpty();
    assertThat(result.err().lines())
        .extracting(line -> line.substring(0, line.indexOf(": ")))
        .containsExactly(blocklist + ":2:13", blocklist + ":3:14", blocklist + ":4:5");
  }

  @Test
  void aMissingConfigFileExitsFourWithoutAStackTrace() {
    Cli.Result result = Cli.run("check", "--config", dir.resolve("nope.yaml").toString(), "x.test");

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(result.err())
        .isEqualTo("exitfilter: cannot read " + dir.resolve("nope.yaml") + ": no such file\n");
  }

  @Test
  void noTargetIsAUsageError() {
    Cli.Result result = Cli.run("check", "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(result.err()).contains("Missing required parameter").contains("Usage:");
  }
}
