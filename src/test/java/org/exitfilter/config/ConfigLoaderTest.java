package org.exitfilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.testing.ConfigFiles.problems;
import static org.exitfilter.testing.ConfigFiles.write;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  ProxyConfig load(String... lines) throws Exception {
    return ConfigLoader.load(write(dir, lines));
  }

  static InetSocketAddress address(String ip, int port) throws Exception {
    return new InetSocketAddress(InetAddress.getByName(ip), port);
  }

  @Test
  void anEmptyFileGivesTheSafeDefaults() throws Exception {
    ProxyConfig config = load("# all defaults");

    assertThat(config.file()).isEqualTo(dir.resolve("exitfilter.yaml"));
    assertThat(config.listen()).isEqualTo(address("127.0.0.1", 3128));
    assertThat(config.clients()).isEmpty();
    assertThat(config.resolver()).isNull();
    assertThat(config.connectPorts()).containsExactly(443);
    assertThat(config.allowPrivateDestinations()).isFalse();
    assertThat(config.blocklist()).isEqualTo(dir.resolve("blocklist.yaml"));
    assertThat(config.blockPage()).as("the built-in page").isNull();
    assertThat(config.admin()).isEqualTo(address("127.0.0.1", 9128));
    assertThat(config.limits()).isEqualTo(Limits.DEFAULTS);
  }

  @Test
  void everyKeyIsRead() throws Exception {
    Path page = Files.createDirectory(dir.resolve("srv")).resolve("page.html");
    Files.writeString(page, "<p>{{host}}</p>\n");
    ProxyConfig config =
        load(
            "listen: '[::]:8080'",
            "clients: [10.0.0.0/8, 2001:db8::/32]",
            "resolver: 127.0.0.53",
            "connect-ports: [443, 8443]",
            "allow-private-destinations: true",
            "blocklist: lists/bans.yaml",
            "block-page: " + page.toAbsolutePath(),
            "admin: 10.0.0.1:9000",
            "limits:",
            "  max-connections: 500",
            "  max-request-line-length: 4096",
            "  max-header-size: 8192",
            "  max-header-count: 50",
            "  header-timeout: 500ms",
            "  idle-timeout: 2m",
            "  connect-timeout: 3s",
            "  response-timeout: 1h");

    assertThat(config.listen()).isEqualTo(address("::", 8080));
    assertThat(config.clients()).extracting(n -> n.prefixLength()).containsExactly(8, 32);
    assertThat(config.resolver()).isEqualTo(address("127.0.0.53", 53));
    assertThat(config.connectPorts()).isEqualTo(Set.of(443, 8443));
    assertThat(config.allowPrivateDestinations()).isTrue();
    assertThat(config.blocklist()).isEqualTo(dir.resolve("lists/bans.yaml"));
    assertThat(config.blockPage()).isEqualTo(page.toAbsolutePath());
    assertThat(config.admin()).isEqualTo(address("10.0.0.1", 9000));
    assertThat(config.limits())
        .isEqualTo(
            new Limits(
                500,
                4096,
                8192,
                50,
                Duration.ofMillis(500),
                Duration.ofMinutes(2),
                Duration.ofSeconds(3),
                Duration.ofHours(1)));
  }

  @Test
  void adminCanBeTurnedOffAndPortsMayBeZeroForTests() throws Exception {
    ProxyConfig config =
        load("listen: 127.0.0.1:0", "admin: off", "resolver: '[::1]:5353'", "connect-ports: []");

    assertThat(config.admin()).isNull();
    assertThat(config.listen().getPort()).isZero();
    assertThat(config.resolver()).isEqualTo(address("::1", 5353));
    assertThat(config.connectPorts()).isEmpty();
  }

  @Test
  void aPublicListenerWithoutClientsIsRefused() throws Exception {
    assertThat(problems(dir, "listen: 0.0.0.0:3128", "admin: '[::]:9128'"))
        .containsExactly(
            "1:9 listening on 0.0.0.0:3128 is refused without a clients: list; name the networks"
                + " allowed to connect, e.g. clients: [10.0.0.0/8]",
            "2:8 admin on [::]:9128 is refused without a clients: list; name the"
                + " networks allowed to connect, e.g. clients: [10.0.0.0/8]");
    assertThat(problems(dir, "listen: 192.0.2.1:3128", "clients: []"))
        .singleElement()
        .asString()
        .startsWith("1:9 listening on 192.0.2.1:3128 is refused without a clients: list");
  }

  @Test
  void aBrokenClientsListIsNotAlsoReportedAsMissing() throws Exception {
    assertThat(problems(dir, "listen: 0.0.0.0:3128", "clients: [10.0.0.0/33]"))
        .singleElement()
        .asString()
        .startsWith("2:11 invalid network: ");
  }

  @Test
  void aPublicListenerWithClientsIsAccepted() throws Exception {
    ProxyConfig config = load("listen: 0.0.0.0:3128", "clients: 192.0.2.0/24");

    assertThat(config.clients()).hasSize(1);
  }

  @Test
  void badAddressesSayWhatIsExpected() throws Exception {
    assertThat(
            problems(
                dir,
                "listen: localhost:3128",
                "admin: 127.0.0.1",
                "resolver: 127.0.0.1:0",
                "clients: [10.0.0.0/33, 10.0.0.1/8]"))
        .satisfiesExactly(
            p ->
                assertThat(p)
                    .isEqualTo(
                        "1:9 listen needs an IP address and a port, such as 127.0.0.1:3128 or"
                            + " [::1]:3128, not 'localhost:3128'"),
            p ->
                assertThat(p)
                    .isEqualTo("2:8 admin needs a port, such as 127.0.0.1:3128 or [::1]:3128"),
            p ->
                assertThat(p)
                    .isEqualTo(
                        "3:11 resolver has an invalid port '0', such as 127.0.0.1:53 or"
                            + " [::1]:53"),
            p -> assertThat(p).startsWith("4:11 invalid network: ").contains("10.0.0.0/33"),
            p -> assertThat(p).startsWith("4:24 invalid network: ").contains("10.0.0.1/8"));
    assertThat(problems(dir, "listen: ::1:3128"))
        .containsExactly(
            "1:9 listen: write an IPv6 address in brackets with a port, such as [::1]:3128");
  }

  @Test
  void badValuesAreEachReportedWithTheirLocation() throws Exception {
    assertThat(
            problems(
                dir,
                "connect-ports: [443, https]",
                "allow-private-destinations: maybe",
                "blocklist: [a, b]",
                "limits:",
                "  max-connections: -1",
                "  max-header-size: lots",
                "  header-timeout: 10",
                "  idle-timeout: 5 minutes",
                "  connect-timeout: 0s",
                "  response-timeout: 2d"))
        .containsExactly(
            "1:22 invalid port 'https': a port is a whole number from 1 to 65535",
            "2:29 allow-private-destinations must be true or false, not 'maybe'",
            "3:12 blocklist must be a single value, not a list",
            "5:20 max-connections must be a whole number of at least 1, not '-1'",
            "6:20 max-header-size must be a whole number of at least 1, not 'lots'",
            "7:19 invalid duration '10' for header-timeout: write a whole number and a unit, such"
                + " as 500ms, 10s, 5m or 1h",
            "8:17 invalid duration '5 minutes' for idle-timeout: write a whole number and a unit,"
                + " such as 500ms, 10s, 5m or 1h",
            "9:20 connect-timeout must be longer than 0s",
            "10:21 invalid duration '2d' for response-timeout: write a whole number and a unit,"
                + " such as 500ms, 10s, 5m or 1h");
  }

  @Test
  void unknownKeysAreErrorsWithSuggestions() throws Exception {
    assertThat(
            problems(
                dir, "listen-on: 127.0.0.1:3128", "limits:", "  max-conections: 5", "cache: 1"))
        .containsExactly(
            "1:1 unknown key 'listen-on'; allowed keys: listen, clients, resolver,"
                + " connect-ports, allow-private-destinations, blocklist, block-page, admin,"
                + " limits, notice, shared-lists, state-dir, abuse, dnsbl",
            "3:3 unknown key 'max-conections' (did you mean 'max-connections'?); allowed keys:"
                + " max-connections, max-request-line-length, max-header-size, max-header-count,"
                + " header-timeout, idle-timeout, connect-timeout, response-timeout",
            "4:1 unknown key 'cache'; allowed keys: listen, clients, resolver, connect-ports,"
                + " allow-private-destinations, blocklist, block-page, admin, limits, notice,"
                + " shared-lists, state-dir, abuse, dnsbl");
  }

  @Test
  void wrongShapesAreErrors() throws Exception {
    assertThat(problems(dir, "- listen: 127.0.0.1:3128"))
        .containsExactly("1:1 the configuration is a mapping of keys such as listen:, not a list");
    assertThat(problems(dir, "limits: 5", "clients: {a: 1}"))
        .containsExactly(
            "1:9 limits must be a mapping of keys, not a number",
            "2:10 clients must be a list of networks such as [10.0.0.0/8, 2001:db8::/32], not a"
                + " mapping");
  }

  @Test
  void syntaxErrorsHaveTheirLocation() throws Exception {
    assertThat(problems(dir, "listen: 127.0.0.1:3128", "\tadmin: off"))
        .singleElement()
        .asString()
        .startsWith("2:1 YAML syntax error: ")
        .contains("TAB");
  }

  @Test
  void aBlockPageTheConfigNamesMustExistAndIsReportedWhereItIsNamed() throws Exception {
    assertThat(problems(dir, "admin: off", "block-page: pages/missing.html"))
        .singleElement()
        .asString()
        .startsWith("2:13 block-page: " + dir.resolve("pages/missing.html") + " not found");
  }

  @Test
  void aRelativeBlockPageIsResolvedAgainstTheConfigsFolder() throws Exception {
    Files.writeString(dir.resolve("mine.html"), "<p>{{host}}</p>\n");

    assertThat(load("block-page: mine.html").blockPage()).isEqualTo(dir.resolve("mine.html"));
  }

  @Test
  void theBlocklistFileIsNotCheckedHere() throws Exception {
    assertThat(load("blocklist: missing.yaml").blocklist()).doesNotExist();
  }
}
