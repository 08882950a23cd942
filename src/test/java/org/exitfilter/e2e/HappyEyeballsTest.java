package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.RelayTestSupport.assertProxyError;
import static org.exitfilter.e2e.RelayTestSupport.get;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.exitfilter.testing.SilentListener;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The proxy dials a name's addresses like a browser (RFC 8305): a dead or silent address does not
 * make a site unreachable while another address of the name answers. Every address is on loopback:
 * 127.0.0.1 where the origin listens, other 127.x addresses and ::1 where nothing does, or where a
 * listener with a full accept queue drops every SYN.
 *
 * <p>The connect timeout is far longer than the client waits: a dial that waited for the silent
 * address to time out before trying the next would fail these tests, not merely slow them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HappyEyeballsTest {
  private static final Duration CLIENT_PATIENCE = Duration.ofSeconds(15);

  private HttpOrigin origin;
  private ProxyFixture proxy;

  @BeforeAll
  void start() throws Exception {
    origin = HttpOrigin.start();
    proxy = ProxyFixture.builder().config("limits:\n  connect-timeout: 60s\n").start();
  }

  @AfterEach
  void everyAttemptIsClosed() {
    proxy.awaitNoOpenChannels();
  }

  @AfterAll
  void stop() {
    proxy.close();
    origin.close();
  }

  private RawResponse exchange(String host, int port) throws IOException {
    try (RawClient client = RawClient.connect(proxy.address(), CLIENT_PATIENCE)) {
      client.send(get("http://" + host + ":" + port + "/echo"));
      return client.readResponse();
    }
  }

  @Test
  void aFirstAddressWithNothingListeningIsPassedOverForTheSecond() throws Exception {
    proxy.dns().put("refusing-first.test", "127.0.0.2", "127.0.0.1");
    int before = origin.acceptedConnections();

    RawResponse response = exchange("refusing-first.test", origin.port());

    assertThat(response.status()).as("the second address answered").isEqualTo(200);
    assertThat(origin.acceptedConnections() - before).isEqualTo(1);
  }

  @Test
  void aSilentFirstAddressDoesNotHoldTheNextOneBackUntilTheConnectTimeout() throws Exception {
    // Same port as the origin, another loopback address: a listener that never accepts.
    try (SilentListener silent = SilentListener.start("127.0.0.2", origin.port())) {
      proxy.dns().put("silent-first.test", "127.0.0.2", "127.0.0.1");

      RawResponse response = exchange("silent-first.test", origin.port());

      assertThat(response.status())
          .as("the next attempt started while the first was still connecting")
          .isEqualTo(200);
      // While the silent address still drops SYNs: the attempt to it was closed when the other
      // won, not left connecting until the timeout.
      proxy.awaitNoOpenChannels();
    }
  }

  @Test
  void aNameWithIpv6AndIpv4WhereOnlyIpv4AnswersIsReachedOverIpv4() throws Exception {
    // Nothing listens on [::1] at the origin's port (or the machine has no IPv6 loopback).
    proxy.dns().put("dual-stack.test", "::1", "127.0.0.1");

    RawResponse response = exchange("dual-stack.test", origin.port());

    assertThat(response.status()).isEqualTo(200);
    assertThat(proxy.dns().queries("dual-stack.test"))
        .as("both families were asked for")
        .isGreaterThanOrEqualTo(2);
  }

  @Test
  void aNameWhoseEveryAddressRefusesGets502ConnectionRefused() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }
    proxy.dns().put("all-dead.test", "127.0.0.2", "::1", "127.0.0.1");

    RawResponse response = exchange("all-dead.test", closedPort);

    assertProxyError(response, 502, "connection_refused");
  }
}
