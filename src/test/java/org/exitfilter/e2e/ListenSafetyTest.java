package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.config.Source;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.exitfilter.testing.TlsOrigin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The proxy is not an open door: by default it refuses to reach the machine it runs on and the
 * networks behind it, it serves only the clients it is told to, and a config that would listen on
 * every interface for anyone does not load.
 */
class ListenSafetyTest {
  @TempDir Path dir;

  // ---------------------------------------------------------------- private destinations

  static Stream<Arguments> privateDestinations() {
    return Stream.of(
        Arguments.of("a name resolving to 127.0.0.1", "loopback.test"),
        Arguments.of("a name resolving to ::1", "v6-loopback.test"),
        Arguments.of("a name resolving to 0.0.0.0", "zero.test"),
        Arguments.of("the literal 127.0.0.1", "127.0.0.1"),
        Arguments.of("the literal 127.0.0.2", "127.0.0.2"),
        Arguments.of("127.0.0.1 as one number", "2130706433"),
        Arguments.of("127.0.0.1 in hex", "0x7f.1"),
        Arguments.of("0.0.0.0, which reaches the local host", "0.0.0.0"),
        Arguments.of("0 alone", "0"),
        Arguments.of("the literal ::1", "[::1]"),
        Arguments.of("IPv4-mapped loopback", "[::ffff:127.0.0.1]"),
        Arguments.of("NAT64 of loopback", "[64:ff9b::7f00:1]"),
        Arguments.of("the unspecified IPv6 address", "[::]"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("privateDestinations")
  void byDefaultLoopbackIsProhibitedAndNeverConnectedTo(String what, String host) throws Exception {
    try (HttpOrigin origin = HttpOrigin.start();
        ProxyFixture proxy = privateDestinationsRefused()) {
      RawResponse response = FilterProbe.get(proxy, "http://" + host + ":" + origin.port() + "/");

      assertThat(response.status()).as("%s", response).isEqualTo(403);
      assertThat(response.header("Proxy-Status")).startsWith(FilterProbe.IP_PROHIBITED);
      assertThat(origin.acceptedConnections()).as("never connected to").isZero();
      proxy.awaitNoOpenChannels();
    }
  }

  @Test
  void byDefaultATunnelToLoopbackIsProhibited() throws Exception {
    try (TlsOrigin tls = TlsOrigin.start();
        ProxyFixture proxy =
            ProxyFixture.builder()
                .allowPrivateDestinations(false)
                .connectPorts(tls.port())
                .start()) {
      proxy.dns().put("allowed.test", "127.0.0.1");
      for (String host : new String[] {"allowed.test", "127.0.0.1", "[::1]"}) {
        try (RawClient raw = proxy.rawClient()) {
          String authority = host + ":" + tls.port();
          raw.send("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n");
          RawResponse response = raw.readResponse("CONNECT");

          assertThat(response.status()).as("CONNECT %s", authority).isEqualTo(403);
          assertThat(response.header("Proxy-Status")).startsWith(FilterProbe.IP_PROHIBITED);
          assertThat(raw.awaitEnd()).isEqualTo(RawClient.End.CLOSED);
        }
      }
      assertThat(tls.acceptedConnections()).isZero();
    }
  }

  private static ProxyFixture privateDestinationsRefused() throws Exception {
    ProxyFixture proxy = ProxyFixture.builder().allowPrivateDestinations(false).start();
    proxy.dns().put("loopback.test", "127.0.0.1");
    proxy.dns().put("v6-loopback.test", "::1");
    proxy.dns().put("zero.test", "0.0.0.0");
    return proxy;
  }

  @Test
  void theShippedConfigRefusesPrivateDestinationsAndListensOnLoopback() throws Exception {
    ProxyConfig shipped = ConfigLoader.load(Path.of("conf", "exitfilter.yaml"));

    assertThat(shipped.allowPrivateDestinations()).isFalse();
    assertThat(shipped.listen().getAddress().isLoopbackAddress()).isTrue();
    assertThat(shipped.admin().getAddress().isLoopbackAddress()).isTrue();
    assertThat(shipped.clients()).isEmpty();
  }

  // ---------------------------------------------------------------- clients

  @Test
  void aClientOutsideTheAllowlistIsClosedAtOnceWithoutAResponse() throws Exception {
    try (HttpOrigin origin = HttpOrigin.start();
        ProxyFixture proxy = ProxyFixture.builder().config("clients: [127.0.0.2/32]").start()) {
      proxy.dns().put("allowed.test", "127.0.0.1");

      try (RawClient outsider = proxy.rawClient()) {
        assertThat(outsider.readToEnd())
            .as("127.0.0.1 is not in clients: closed before a single byte")
            .isEmpty();
      }

      InetAddress listed = InetAddress.getByAddress(new byte[] {127, 0, 0, 2});
      try (RawClient client = RawClient.connectFrom(listed, proxy.address())) {
        String target = "http://allowed.test:" + origin.port() + "/";
        client.send("GET " + target + " HTTP/1.1\r\nHost: allowed.test\r\n\r\n");

        assertThat(client.readResponse().status()).isEqualTo(200);
      }
      assertThat(origin.requestCount()).isOne();
      proxy.awaitNoOpenChannels();
    }
  }

  // ---------------------------------------------------------------- the listen address

  static Stream<Arguments> openListeners() {
    return Stream.of(
        Arguments.of("listen: 0.0.0.0:3128", "listening on 0.0.0.0:3128"),
        Arguments.of("listen: \"[::]:3128\"", "listening on [::]:3128"),
        Arguments.of("admin: 0.0.0.0:9128", "admin on 0.0.0.0:9128"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("openListeners")
  void listeningOnEveryInterfaceWithoutClientsIsRefusedWhereItIsWritten(String line, String message)
      throws Exception {
    Path config = dir.resolve("exitfilter.yaml");
    Files.writeString(
        config, "# an operator's config\nconnect-ports: [443]\n" + line + "\n", UTF_8);

    assertThatThrownBy(() -> ConfigLoader.load(config))
        .isInstanceOfSatisfying(
            ConfigException.class,
            e -> {
              assertThat(e.problems()).hasSize(1);
              Source where = e.problems().get(0).where();
              assertThat(where.file()).isEqualTo(config);
              assertThat(where.line()).as("the line of the listen address").isEqualTo(3);
              assertThat(where.column())
                  .as("the column of its value")
                  .isEqualTo(line.indexOf(' ') + 2);
              assertThat(e.problems().get(0).message()).contains(message).contains("clients:");
              assertThat(e.getMessage())
                  .as("reported as file:line:column")
                  .startsWith(config + ":3:" + where.column() + ": ");
            });
  }

  @Test
  void listeningOnEveryInterfaceLoadsOnceClientsAreNamed() throws Exception {
    Path config = dir.resolve("exitfilter.yaml");
    Files.writeString(config, "listen: 0.0.0.0:3128\nclients: [10.0.0.0/8]\n", UTF_8);

    assertThat(ConfigLoader.load(config).listen().getAddress().isAnyLocalAddress()).isTrue();
  }
}
