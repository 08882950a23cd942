package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.exitfilter.e2e.RelayTestSupport.assertProxyError;
import static org.exitfilter.e2e.RelayTestSupport.get;
import static org.exitfilter.e2e.RelayTestSupport.http10;
import static org.exitfilter.e2e.RelayTestSupport.request;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.BodyPattern;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.exitfilter.testing.SilentListener;
import org.exitfilter.testing.UploadReceipt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Origins and names that fail in every way the proxy can see: each failure before a response is
 * answered with its status and {@code Proxy-Status} and ends the connection quickly; a failure in
 * the middle of a body ends the client's connection so that the cut shows. Short timeouts (connect
 * and DNS 500 ms, response 1 s) keep the class fast.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class UpstreamFailureTest {
  private static final Duration CONNECT_TIMEOUT = Duration.ofMillis(500);
  private static final Duration RESPONSE_TIMEOUT = Duration.ofSeconds(1);

  private HttpOrigin origin;
  private ProxyFixture proxy;

  @BeforeAll
  void start() throws Exception {
    origin = HttpOrigin.start();
    proxy =
        ProxyFixture.builder()
            .config(
                "limits:\n  connect-timeout: "
                    + CONNECT_TIMEOUT.toMillis()
                    + "ms\n  response-timeout: "
                    + RESPONSE_TIMEOUT.toMillis()
                    + "ms\n")
            .start();
    proxy.dns().put("origin.test", "127.0.0.1");
  }

  @AfterEach
  void everyConnectionIsClosed() {
    proxy.awaitNoOpenChannels();
  }

  @AfterAll
  void stop() {
    proxy.close();
    origin.close();
  }

  private String at(String path) {
    return "http://origin.test:" + origin.port() + path;
  }

  /** Sends one GET, reads the answer and checks that the proxy closes the connection after it. */
  private RawResponse failedExchange(String uri) throws IOException {
    try (RawClient client = RawClient.connect(proxy.address(), Duration.ofSeconds(10))) {
      client.send(get(uri));
      RawResponse response = client.readResponse();
      assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
      assertThat(client.awaitEnd()).isEqualTo(RawClient.End.CLOSED);
      return response;
    }
  }

  private static Duration timed(ThrowingRunnable action) throws Exception {
    long start = System.nanoTime();
    action.run();
    return Duration.ofNanos(System.nanoTime() - start);
  }

  private interface ThrowingRunnable {
    void run() throws Exception;
  }

  @Test
  void aPortWithNothingListeningGets502ConnectionRefused() throws Exception {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      closedPort = socket.getLocalPort();
    }

    RawResponse response = failedExchange("http://origin.test:" + closedPort + "/");

    assertProxyError(response, 502, "connection_refused");
  }

  @Test
  void anOriginThatNeverAcceptsGets504ConnectionTimeoutAfterTheConnectTimeout() throws Exception {
    // A listener whose accept queue is full drops further SYNs: a silent destination that never
    // leaves loopback.
    try (SilentListener silent = SilentListener.start("127.0.0.1", 0)) {
      RawResponse[] response = new RawResponse[1];
      Duration took =
          timed(() -> response[0] = failedExchange("http://origin.test:" + silent.port() + "/"));

      assertProxyError(response[0], 504, "connection_timeout");
      assertThat(took)
          .as("answered once the connect timeout of %s passed", CONNECT_TIMEOUT)
          .isGreaterThanOrEqualTo(CONNECT_TIMEOUT.minusMillis(50));
    }
  }

  @Test
  void aNameThatDoesNotExistGets502DnsError() throws Exception {
    RawResponse response = failedExchange("http://nowhere.test:" + origin.port() + "/");

    assertProxyError(response, 502, "dns_error");
  }

  @Test
  void aNameWhoseServerFailsGets502DnsError() throws Exception {
    proxy.dns().servfail("broken.test");

    RawResponse response = failedExchange("http://broken.test:" + origin.port() + "/");

    assertProxyError(response, 502, "dns_error");
  }

  @Test
  void aNameWhoseQueriesGoUnansweredGets504DnsTimeoutQuickly() throws Exception {
    proxy.dns().drop("silent.test");

    RawResponse[] response = new RawResponse[1];
    Duration took =
        timed(() -> response[0] = failedExchange("http://silent.test:" + origin.port() + "/"));

    assertProxyError(response[0], 504, "dns_timeout");
    assertThat(took)
        .as("bounded by the DNS query timeout (the connect timeout, %s)", CONNECT_TIMEOUT)
        .isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void anOriginThatNeverAnswersGets504ResponseTimeout() throws Exception {
    RawResponse[] response = new RawResponse[1];
    Duration took = timed(() -> response[0] = failedExchange(at("/hang")));

    assertProxyError(response[0], 504, "http_response_timeout");
    assertThat(took)
        .as("answered once the response timeout of %s passed", RESPONSE_TIMEOUT)
        .isGreaterThanOrEqualTo(RESPONSE_TIMEOUT.minusMillis(50));
    Await.until("the hanging origin connection is closed", () -> origin.openConnections() == 0);
  }

  @Test
  void anUploadSlowerThanTheResponseTimeoutIsNotCutShort() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(request("POST", at("/upload"), "Content-Length: 10"));
      client.send("first");
      // The origin cannot answer before the body is complete; the wait is the client's.
      assertThat(client.staysSilentFor(RESPONSE_TIMEOUT.plusMillis(500)))
          .as("no 504 while the client is still sending its body")
          .isTrue();
      client.send("-last");

      RawResponse response = client.readResponse();
      assertThat(response.status()).isEqualTo(200);
      assertThat(UploadReceipt.parse(response.bodyText()))
          .isEqualTo(UploadReceipt.of("first-last".getBytes(StandardCharsets.US_ASCII)));
    }
  }

  @Test
  void theResponseTimeoutStillAppliesAfterA100Continue() throws Exception {
    try (RawClient client = RawClient.connect(proxy.address(), Duration.ofSeconds(10))) {
      client.send(request("POST", at("/hang"), "Expect: 100-continue", "Content-Length: 4"));
      assertThat(client.readResponseHead().status()).isEqualTo(100);
      client.send("body");

      assertProxyError(client.readResponse(), 504, "http_response_timeout");
    }
  }

  @Test
  void anOriginThatResetsBeforeAnsweringGets502() throws Exception {
    RawResponse response = failedExchange(at("/reset"));

    assertProxyError(response, 502, "http_response_incomplete");
  }

  @Test
  void aBodyCutShortByTheOriginReachesTheClientCutShortAndTheConnectionCloses() throws Exception {
    int n = 200_000;
    try (RawClient client = proxy.rawClient()) {
      client.send(get(at("/half?n=" + n)));
      RawResponse head = client.readResponseHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(n));

      InputStream body = client.openBody(head);
      assertThatThrownBy(() -> BodyPattern.verify(body))
          .as("the connection ends before the promised length")
          .isInstanceOf(EOFException.class);
    }
  }

  @Test
  void aCloseDelimitedBodyCutByAResetNeverLooksCompleteToAnHttp11Client() throws Exception {
    int n = 200_000;
    try (RawClient client = proxy.rawClient()) {
      client.send(get(at("/abort?n=" + n)));
      RawResponse head = client.readResponseHead();
      assertThat(head.status()).isEqualTo(200);
      assertThat(head.header("Transfer-Encoding")).isEqualToIgnoringCase("chunked");

      InputStream body = client.openBody(head);
      assertThatThrownBy(() -> BodyPattern.verify(body))
          .as("no last chunk after a reset: the body must not end as if complete")
          .isInstanceOf(IOException.class);
    }
  }

  @Test
  void aCloseDelimitedBodyCutByAResetIsResetForAnHttp10Client() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(http10("GET", at("/abort?n=200000")));
      RawResponse head = client.readResponseHead();
      assertThat(head.status()).isEqualTo(200);

      assertThat(client.awaitEnd())
          .as("a close-delimited body can only show its cut by a reset")
          .isEqualTo(RawClient.End.RESET);
    }
  }
}
