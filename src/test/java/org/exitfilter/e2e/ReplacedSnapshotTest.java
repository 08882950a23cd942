package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.lang.ref.WeakReference;
import org.exitfilter.match.Matcher;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.TlsOrigin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A blocklist snapshot a reload has replaced can be collected while what was judged on it goes on:
 * a CONNECT tunnel (open for hours, e.g. a web socket), a client connection keeping its upstream
 * for the next request, a request waiting on a slow DNS server, a tunnel waiting for its
 * ClientHello. Were they to hold it, every edit would add a whole list to the heap for as long as
 * one of them lives or waits; with a million bans (some 50 MB each) an exit ran out of heap at its
 * fifth edit in a row, and the launcher's ExitOnOutOfMemoryError ended it. What waited is judged on
 * the list in force when it goes on.
 */
class ReplacedSnapshotTest {
  private HttpOrigin origin;
  private TlsOrigin tls;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    origin = HttpOrigin.start();
    tls = TlsOrigin.start();
    proxy =
        ProxyFixture.builder()
            .blocklist("bans:\n  - domain: before.test\n")
            .connectPorts(origin.port(), tls.port())
            .start();
  }

  @AfterEach
  void stop() {
    try {
      proxy.close();
    } finally {
      origin.close();
      tls.close();
    }
  }

  @Test
  void aTunnelAndAKeptUpstreamDoNotKeepTheSnapshotAReloadReplaced() throws Exception {
    String target = "127.0.0.1:" + origin.port();
    try (RawClient tunnel = proxy.rawClient();
        RawClient keepAlive = proxy.rawClient()) {
      tunnel.send("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
      assertThat(tunnel.readResponseHead().status()).isEqualTo(200);
      assertThat(getThroughTunnel(tunnel)).as("the guard let plain HTTP pass").isEqualTo(200);
      // Twice over one client connection: the second request reuses the kept upstream, whose
      // address is allowed again on the snapshot in force and remembered as allowed on it.
      assertThat(getThroughProxy(keepAlive, target)).isEqualTo(200);
      assertThat(getThroughProxy(keepAlive, target)).isEqualTo(200);
      assertThat(origin.acceptedConnections()).as("the tunnel's and the kept one").isEqualTo(2);
      WeakReference<Matcher> replaced = new WeakReference<>(proxy.blocklist().get());

      proxy.rewriteBlocklist("bans:\n  - domain: after.test\n");

      assertThat(collected(replaced))
          .as("the replaced snapshot was collected while both connections stayed open")
          .isTrue();
      assertThat(getThroughTunnel(tunnel)).as("the tunnel still carries traffic").isEqualTo(200);
      assertThat(getThroughProxy(keepAlive, target)).isEqualTo(200);
      assertThat(origin.acceptedConnections()).as("the kept upstream was reused").isEqualTo(2);
    }
  }

  @Test
  void aRequestWaitingOnDnsDoesNotKeepTheSnapshotAndIsJudgedOnTheNewOne() throws Exception {
    String target = "slow.test:" + origin.port();
    proxy.dns().put("slow.test", "127.0.0.1").hold("slow.test");
    try (RawClient client = proxy.rawClient()) {
      client.send("GET http://" + target + "/echo HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
      Await.until("the proxy asked for slow.test", () -> proxy.dns().queries("slow.test") > 0);
      WeakReference<Matcher> replaced = new WeakReference<>(proxy.blocklist().get());

      proxy.rewriteBlocklist("bans:\n  - domain: slow.test\n");

      assertThat(collected(replaced))
          .as("the replaced snapshot was collected while the request waited on DNS")
          .isTrue();
      proxy.dns().release("slow.test");
      assertThat(client.readResponse().status())
          .as("banned while its request waited: judged on the list in force when DNS answered")
          .isEqualTo(403);
    }
    assertThat(origin.acceptedConnections()).isZero();
  }

  @Test
  void aTunnelWaitingForItsClientHelloDoesNotKeepTheSnapshotAndIsJudgedOnTheNewOne()
      throws Exception {
    String target = "127.0.0.1:" + tls.port();
    try (RawClient tunnel = proxy.rawClient()) {
      tunnel.send("CONNECT " + target + " HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
      assertThat(tunnel.readResponseHead().status()).isEqualTo(200);
      WeakReference<Matcher> replaced = new WeakReference<>(proxy.blocklist().get());

      proxy.rewriteBlocklist("bans:\n  - domain: after.test\n");

      assertThat(collected(replaced))
          .as("the replaced snapshot was collected while the tunnel waited for its hello")
          .isTrue();
      tunnel.send(TunnelClientHello.fromJdk("after.test"));
      assertThat(tunnel.awaitEnd()).isEqualTo(RawClient.End.CLOSED);
    }
    Await.until("the proxy closed its side towards the origin", () -> tls.openConnections() == 0);
    assertThat(tls.sniNames())
        .as("a name banned while the tunnel waited for its hello never reached the origin")
        .isEmpty();
  }

  private static int getThroughTunnel(RawClient tunnel) throws IOException {
    tunnel.send("GET /echo HTTP/1.1\r\nHost: origin.test\r\n\r\n");
    return tunnel.readResponse().status();
  }

  private static int getThroughProxy(RawClient client, String target) throws IOException {
    client.send("GET http://" + target + "/echo HTTP/1.1\r\nHost: " + target + "\r\n\r\n");
    return client.readResponse().status();
  }

  /** Whether a full collection clears {@code reference}; a few tries, each a System.gc(). */
  private static boolean collected(WeakReference<?> reference) throws InterruptedException {
    for (int i = 0; i < 10 && reference.get() != null; i++) {
      System.gc();
      Thread.sleep(20);
    }
    return reference.get() == null;
  }
}
