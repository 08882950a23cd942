package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.FilterProbe.assertBlocked;

import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.exitfilter.testing.TlsOrigin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A reloaded blocklist decides every request that starts after the swap, on new connections and on
 * kept-alive ones alike; a tunnel already open carries on, since its bytes are no longer requests
 * the proxy can judge.
 */
class FilterReloadTest {
  private static final String BAN_ALLOWED_TEST = "bans:\n  - domain: allowed.test\n";

  private HttpOrigin origin;
  private TlsOrigin tls;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    origin = HttpOrigin.start();
    tls = TlsOrigin.start();
    proxy = ProxyFixture.builder().connectPorts(tls.port()).start();
    proxy.dns().put("allowed.test", "127.0.0.1");
  }

  @AfterEach
  void stop() {
    try {
      proxy.close();
    } finally {
      tls.close();
      origin.close();
    }
  }

  private String get() {
    return "GET http://allowed.test:"
        + origin.port()
        + "/ HTTP/1.1\r\nHost: allowed.test:"
        + origin.port()
        + "\r\n\r\n";
  }

  @Test
  void aRewrittenListDecidesTheNextRequestOnAnOpenConnectionAndANewOne() throws Exception {
    try (RawClient kept = proxy.rawClient()) {
      kept.send(get());
      assertThat(kept.readResponse().status()).isEqualTo(200);

      proxy.rewriteBlocklist(BAN_ALLOWED_TEST);

      kept.send(get());
      assertBlocked(kept.readResponse());
      assertBlocked(FilterProbe.get(proxy, "http://allowed.test:" + origin.port() + "/"));
      assertThat(origin.requestCount()).as("nothing after the ban").isOne();

      proxy.rewriteBlocklist("bans: []\n");

      kept.send(get());
      assertThat(kept.readResponse().status()).isEqualTo(200);
    }
    assertThat(origin.requestCount()).isEqualTo(2);
    proxy.awaitNoOpenChannels();
  }

  @Test
  void aKeptUpstreamConnectionIsJudgedAgainstTheNewList() throws Exception {
    try (RawClient kept = proxy.rawClient()) {
      kept.send(get());
      assertThat(kept.readResponse().status()).isEqualTo(200);
      // Reused once on the old list, so its address has been allowed on that list since it was
      // opened (an answer the next request on the same list may take without asking again).
      kept.send(get());
      assertThat(kept.readResponse().status()).isEqualTo(200);
      assertThat(origin.acceptedConnections()).as("the upstream connection was reused").isOne();

      // The name is still allowed; the address of the upstream connection kept open is not.
      proxy.rewriteBlocklist("bans:\n  - network: 127.0.0.1\n");

      kept.send(get());
      assertBlocked(kept.readResponse());
    }
    assertThat(origin.requestCount()).isEqualTo(2);
    proxy.awaitNoOpenChannels();
  }

  @Test
  void aTunnelOpenBeforeTheReloadCarriesOn() throws Exception {
    String authority = "allowed.test:" + tls.port();
    String connect = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
    try (RawClient tunnel = proxy.rawClient()) {
      tunnel.send(connect);
      assertThat(tunnel.readResponse("CONNECT").status()).isEqualTo(200);
      tunnel.startTls(tls.clientContext(), "allowed.test");
      tunnel.send("GET / HTTP/1.1\r\nHost: allowed.test\r\n\r\n");
      assertThat(tunnel.readResponse().bodyText()).isEqualTo(TlsOrigin.HELLO);

      proxy.rewriteBlocklist(BAN_ALLOWED_TEST);

      try (RawClient fresh = proxy.rawClient()) {
        fresh.send(connect);
        RawResponse refused = fresh.readResponse("CONNECT");
        assertBlocked(refused);
      }
      tunnel.send("GET / HTTP/1.1\r\nHost: allowed.test\r\n\r\n");
      assertThat(tunnel.readResponse().bodyText())
          .as("the open tunnel is not cut by the reload")
          .isEqualTo(TlsOrigin.HELLO);
    }
    assertThat(tls.acceptedConnections()).as("only the tunnel opened before").isOne();
    assertThat(tls.requestCount()).isEqualTo(2);
    proxy.awaitNoOpenChannels();
  }
}
