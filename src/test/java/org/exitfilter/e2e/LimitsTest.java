package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.RelayTestSupport.MIB;
import static org.exitfilter.e2e.RelayTestSupport.assertProxyError;
import static org.exitfilter.e2e.RelayTestSupport.get;
import static org.exitfilter.e2e.RelayTestSupport.request;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.BodyPattern;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Clients that misbehave or leave: whatever they do, the proxy answers what it can, closes what it
 * must, and ends with no connection open on either side. Each test starts its own proxy with the
 * limits it exercises.
 */
class LimitsTest {
  private static final Duration HEADER_TIMEOUT = Duration.ofSeconds(1);
  private static final Duration IDLE_TIMEOUT = Duration.ofSeconds(1);

  private HttpOrigin origin;
  private ProxyFixture proxy;

  @BeforeEach
  void startOrigin() {
    origin = HttpOrigin.start();
  }

  @AfterEach
  void everyConnectionIsClosed() {
    try {
      if (proxy != null) {
        proxy.awaitNoOpenChannels();
      }
    } finally {
      if (proxy != null) {
        proxy.close();
      }
      origin.close();
    }
  }

  private ProxyFixture start(String limits) throws Exception {
    proxy = ProxyFixture.builder().config("limits:\n" + limits).start();
    proxy.dns().put("origin.test", "127.0.0.1");
    return proxy;
  }

  private String at(String path) {
    return "http://origin.test:" + origin.port() + path;
  }

  private void awaitOriginConnectionsClosed() {
    Await.until(
        "the proxy closed its connection to the origin", () -> origin.openConnections() == 0);
  }

  @ParameterizedTest(name = "closing with {0}")
  @ValueSource(strings = {"FIN", "RST"})
  void aClientLeavingMidDownloadClosesTheUpstreamConnection(String how) throws Exception {
    start("  idle-timeout: 1m\n");
    RawClient client = proxy.rawClient();
    client.send(get(at("/bytes?n=" + 1024 * MIB)));
    RawResponse head = client.readResponseHead();
    byte[] first = client.openBody(head).readNBytes((int) MIB);
    assertThat(BodyPattern.matches(first)).isTrue();

    close(client, how);

    awaitOriginConnectionsClosed();
    proxy.awaitNoOpenChannels();
  }

  @ParameterizedTest(name = "closing with {0}")
  @ValueSource(strings = {"FIN", "RST"})
  void aClientLeavingMidUploadClosesTheUpstreamConnection(String how) throws Exception {
    start("  idle-timeout: 1m\n");
    RawClient client = proxy.rawClient();
    client.send(request("POST", at("/upload"), "Content-Length: " + 1024 * MIB));
    client.send(BodyPattern.bytes((int) (4 * MIB)));
    Await.until("the upload reached the origin", () -> origin.requestCount() == 1);

    close(client, how);

    awaitOriginConnectionsClosed();
    proxy.awaitNoOpenChannels();
    assertThat(origin.completeRequests()).as("the cut upload never ends as if whole").isZero();
  }

  private static void close(RawClient client, String how) throws IOException {
    if (how.equals("RST")) {
      client.socket().setSoLinger(true, 0);
    }
    client.close();
  }

  @Test
  void aClientLeavingWhileTheOriginThinksClosesTheUpstreamConnection() throws Exception {
    start("  idle-timeout: 1m\n");
    try (RawClient client = proxy.rawClient()) {
      client.send(get(at("/hang")));
      Await.until("the origin has the request", () -> origin.requestCount() == 1);
    }

    awaitOriginConnectionsClosed();
  }

  @Test
  void aClientLeavingWhileItsNameResolvesLeavesNothingOpen() throws Exception {
    start("  idle-timeout: 1m\n");
    proxy.dns().drop("silent.test");
    try (RawClient client = proxy.rawClient()) {
      client.send(get("http://silent.test:" + origin.port() + "/"));
      Await.until("the proxy asked for the name", () -> proxy.dns().queries("silent.test") > 0);
    }

    proxy.awaitNoOpenChannels();
    assertThat(origin.acceptedConnections()).isZero();
  }

  @Test
  void aHeadSentSlowerThanTheHeaderTimeoutGets408AndTheConnectionCloses() throws Exception {
    start("  header-timeout: " + HEADER_TIMEOUT.toMillis() + "ms\n  idle-timeout: 1m\n");
    byte[] head =
        (get(at("/echo")).replace("\r\n\r\n", "\r\nX-Slow: ") + "x".repeat(100))
            .getBytes(ISO_8859_1);
    ScheduledExecutorService sender = Executors.newSingleThreadScheduledExecutor();
    try (RawClient client = proxy.rawClient()) {
      // One byte every 50 ms: always moving, so never idle, but far slower than the deadline.
      AtomicInteger next = new AtomicInteger();
      ScheduledFuture<?> dripping =
          sender.scheduleAtFixedRate(
              () -> {
                int i = next.getAndIncrement();
                if (i < head.length) {
                  try {
                    client.send(new byte[] {head[i]});
                  } catch (IOException e) {
                    throw new IllegalStateException("closed", e);
                  }
                }
              },
              0,
              50,
              TimeUnit.MILLISECONDS);
      long start = System.nanoTime();

      RawResponse response = client.readResponse();
      Duration took = Duration.ofNanos(System.nanoTime() - start);
      dripping.cancel(false);

      assertProxyError(response, 408, "http_request_error");
      assertThat(took)
          .as("answered at the header timeout of %s", HEADER_TIMEOUT)
          .isGreaterThanOrEqualTo(HEADER_TIMEOUT.minusMillis(100));
      assertThat(next.get()).as("the head was still arriving").isLessThan(head.length);
      assertThat(client.awaitEnd()).isIn(RawClient.End.CLOSED, RawClient.End.RESET);
    } finally {
      sender.shutdownNow();
    }
    assertThat(origin.acceptedConnections()).isZero();
  }

  @Test
  void anIdleKeptAliveConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    start("  idle-timeout: " + IDLE_TIMEOUT.toMillis() + "ms\n");
    try (RawClient client = proxy.rawClient()) {
      // Timed from before the request: the connection's last activity is the response, later.
      long start = System.nanoTime();
      client.send(get(at("/echo")));
      assertThat(client.readResponse().status()).isEqualTo(200);

      assertThat(client.awaitEnd()).isEqualTo(RawClient.End.CLOSED);
      // Only the lower bound: not closed before the timeout. That it closes at all is awaitEnd's
      // job; an upper bound would time the machine, not the proxy.
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(IDLE_TIMEOUT);
    }
    awaitOriginConnectionsClosed();
  }

  @Test
  void aConnectionThatNeverSendsAByteIsClosedAfterTheIdleTimeout() throws Exception {
    start("  idle-timeout: " + IDLE_TIMEOUT.toMillis() + "ms\n");
    try (RawClient client = proxy.rawClient()) {
      assertThat(client.readToEnd()).as("closed without a word").isEmpty();
    }
  }

  @Test
  void aDownloadTheClientStoppedReadingIsEndedByTheIdleTimeout() throws Exception {
    start("  idle-timeout: " + IDLE_TIMEOUT.toMillis() + "ms\n");
    try (RawClient client = proxy.rawClient()) {
      client.send(get(at("/bytes?n=" + 1024 * MIB)));
      assertThat(client.readResponseHead().status()).isEqualTo(200);

      // Nothing read from here on: the proxy cannot tell a stalled reader from one that left.
      proxy.awaitNoOpenChannels();
    }
    awaitOriginConnectionsClosed();
  }

  @Test
  void anUploadTheOriginStoppedReadingIsEndedByTheIdleTimeout() throws Exception {
    start("  idle-timeout: " + IDLE_TIMEOUT.toMillis() + "ms\n");
    ExecutorService senders = Executors.newSingleThreadExecutor();
    try (Socket socket = new Socket()) {
      socket.connect(proxy.address(), 5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          request("POST", at("/stall"), "Content-Length: " + 1024 * MIB).getBytes(ISO_8859_1));
      Future<?> sending =
          senders.submit(
              () -> {
                byte[] block = new byte[64 * 1024];
                try {
                  while (!Thread.currentThread().isInterrupted()) {
                    out.write(block);
                  }
                } catch (IOException e) {
                  // The proxy closed the connection: the end of this sender.
                }
                return null;
              });

      // Whether the client is still there or left with a close queued behind the unread bytes,
      // the proxy sees the same silence; the idle timeout ends both connections.
      proxy.awaitNoOpenChannels();
      sending.get(5, TimeUnit.SECONDS);
    } finally {
      senders.shutdownNow();
    }
  }

  @Test
  void theConnectionOverMaxConnectionsGets503AndTheOthersKeepWorking() throws Exception {
    start("  max-connections: 5\n  idle-timeout: 1m\n");
    List<RawClient> admitted = new ArrayList<>();
    try {
      for (int i = 0; i < 5; i++) {
        RawClient client = proxy.rawClient();
        admitted.add(client);
        client.send(get(at("/echo?client=" + i)));
        assertThat(client.readResponse().status()).isEqualTo(200);
      }

      try (RawClient sixth = proxy.rawClient()) {
        RawResponse refused = sixth.readResponse();
        assertProxyError(refused, 503, "connection_limit_reached");
        assertThat(sixth.awaitEnd()).isEqualTo(RawClient.End.CLOSED);
      }

      for (RawClient client : admitted) {
        client.send(get(at("/echo?again")));
        assertThat(client.readResponse().status())
            .as("the five admitted connections are untouched")
            .isEqualTo(200);
      }

      admitted.remove(0).close();
      Await.untilAsserted(
          () -> {
            try (RawClient next = proxy.rawClient()) {
              next.send(get(at("/echo?freed")));
              assertThat(next.readResponse().status())
                  .as("a place freed by a closed connection is taken again")
                  .isEqualTo(200);
            }
          });
    } finally {
      for (RawClient client : admitted) {
        client.close();
      }
    }
    assertThat(origin.requestCount()).isEqualTo(11);
  }
}
