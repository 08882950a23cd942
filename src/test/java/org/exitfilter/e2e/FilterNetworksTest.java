package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.FilterProbe.assertBlocked;

import io.netty.util.NetUtil;
import java.net.Inet6Address;
import java.util.stream.Stream;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Network entries through the running proxy. The origin listens on 127.0.0.1, the address the bans
 * cover, so a refusal that still connected would show in its connection count.
 */
class FilterNetworksTest {
  private static final String BLOCKLIST =
      """
      bans:
        - network: 127.0.0.1/32
          reason: "Hosting provider asked"
        - network: "::1/128"
      exceptions:
        - host: exempt.test
      """;

  private HttpOrigin origin;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    origin = HttpOrigin.start();
    proxy = ProxyFixture.start(BLOCKLIST);
    proxy.dns().put("into-ban.test", "127.0.0.1");
    proxy.dns().put("v6-into-ban.test", "::1");
    // The first address is outside the ban: a proxy that tried addresses in turn could use it.
    proxy.dns().put("partly-banned.test", "127.0.0.2", "127.0.0.1");
    proxy.dns().put("exempt.test", "127.0.0.1");
    proxy.dns().put("www.exempt.test", "127.0.0.1");
  }

  @AfterEach
  void stop() {
    try {
      proxy.awaitNoOpenChannels();
    } finally {
      proxy.close();
      origin.close();
    }
  }

  static Stream<Arguments> refusedAfterDns() {
    return Stream.of(
        Arguments.of("into-ban.test"),
        Arguments.of("v6-into-ban.test"),
        Arguments.of("partly-banned.test"),
        Arguments.of("www.exempt.test"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusedAfterDns")
  void aNameResolvingIntoABannedNetworkIsRefusedAfterDnsWithoutConnecting(String name)
      throws Exception {
    RawResponse response = FilterProbe.get(proxy, "http://" + name + ":" + origin.port() + "/");

    assertBlocked(response);
    assertThat(proxy.dns().queries(name)).as("the verdict came after the lookup").isPositive();
    assertThat(origin.acceptedConnections()).as("never connected to").isZero();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("literals")
  void anIpLiteralInABannedNetworkIsRefusedWithoutConnecting(String host) throws Exception {
    RawResponse response = FilterProbe.get(proxy, "http://" + host + ":" + origin.port() + "/");

    assertBlocked(response);
    assertThat(proxy.dns().totalQueries()).as("a literal needs no lookup").isZero();
    assertThat(origin.acceptedConnections()).isZero();
  }

  static Stream<String> literals() {
    return Stream.of("127.0.0.1", "[::1]");
  }

  static Stream<Arguments> ipv6FormsOfTheBannedAddress() {
    return Stream.of(
        Arguments.of("NAT64", "64:ff9b::7f00:1"),
        Arguments.of("IPv4-compatible", "::7f00:1"),
        Arguments.of("IPv4-mapped", "::ffff:7f00:1"));
  }

  /**
   * An AAAA record embedding a banned IPv4 address is that address. Private destinations are
   * refused here as well, so that a form slipping past the ban would be refused as non-public
   * instead of dialled: 64:ff9b::7f00:1 is not a loopback address.
   */
  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("ipv6FormsOfTheBannedAddress")
  void aNameResolvingToAnIpv6FormOfABannedAddressIsRefused(String form, String address)
      throws Exception {
    try (ProxyFixture strict =
        ProxyFixture.builder().blocklist(BLOCKLIST).allowPrivateDestinations(false).start()) {
      byte[] bytes = NetUtil.createByteArrayFromIpAddressString(address);
      // Inet6Address as such: InetAddress.getByAddress would turn ::ffff:a.b.c.d into IPv4.
      strict.dns().put("embedded.test", Inet6Address.getByAddress(null, bytes, -1));

      RawResponse response = FilterProbe.get(strict, "http://embedded.test:" + origin.port() + "/");

      assertBlocked(response);
      assertThat(origin.acceptedConnections()).isZero();
      strict.awaitNoOpenChannels();
    }
  }

  @Test
  void aNameLetThroughByAnExceptionIsExemptFromNetworkBansOnItsAddress() throws Exception {
    RawResponse response = FilterProbe.get(proxy, "http://exempt.test:" + origin.port() + "/echo");

    assertThat(response.status()).isEqualTo(200);
    assertThat(origin.lastRequest().header("Host")).isEqualTo("exempt.test:" + origin.port());
  }

  @Test
  void aNetworkExceptionCarvesAHoleInABroaderNetworkBan() throws Exception {
    proxy.rewriteBlocklist(
        """
        bans:
          - network: 127.0.0.0/8
        exceptions:
          - network: 127.0.0.1
        """);
    proxy.dns().put("inside-hole.test", "127.0.0.1").put("outside-hole.test", "127.0.0.5");

    RawResponse outside = FilterProbe.get(proxy, "http://outside-hole.test:" + origin.port() + "/");
    assertBlocked(outside);
    assertBlocked(FilterProbe.get(proxy, "http://127.0.0.5:" + origin.port() + "/"));
    assertThat(origin.acceptedConnections()).isZero();

    RawResponse inside = FilterProbe.get(proxy, "http://inside-hole.test:" + origin.port() + "/");
    assertThat(inside.status()).isEqualTo(200);
    assertThat(FilterProbe.get(proxy, "http://127.0.0.1:" + origin.port() + "/").status())
        .isEqualTo(200);
  }

  @Test
  void aNetworkBanLimitedToOtherPortsLeavesTheOriginsPortAlone() throws Exception {
    proxy.rewriteBlocklist(
        """
        bans:
          - network: 127.0.0.1
            ports: [80, 443]
        """);
    proxy.dns().put("ported.test", "127.0.0.1");

    assertThat(FilterProbe.get(proxy, "http://ported.test:" + origin.port() + "/").status())
        .isEqualTo(200);
    assertBlocked(FilterProbe.get(proxy, "http://ported.test/"));
    assertBlocked(FilterProbe.get(proxy, "http://127.0.0.1:443/"));
    assertThat(origin.requestCount()).isOne();
  }
}
