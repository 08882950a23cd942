package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.RelayTestSupport.assertProxyError;
import static org.exitfilter.e2e.RelayTestSupport.get;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Requests the proxy must refuse before anything reaches an origin: the smuggling forms, broken
 * syntax, oversized heads and targets that are not absolute http URIs. Each gets its status with
 * {@code Proxy-Status: exitfilter; error=http_request_error}, the connection closes, the origin it
 * names sees no connection, and the proxy serves the next connection as usual.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MalformedInputTest {
  private static final String ORIGIN = "http://origin.test:PORT";

  /** The origin every malformed request names; it must never be connected to. */
  private HttpOrigin target;

  /** The origin of the well-formed request after each case. */
  private HttpOrigin control;

  private ProxyFixture proxy;
  private int targetConnectionsBefore;

  @BeforeAll
  void start() throws Exception {
    target = HttpOrigin.start();
    control = HttpOrigin.start();
    proxy = ProxyFixture.builder().config("limits:\n  header-timeout: 2s\n").start();
    proxy.dns().put("origin.test", "127.0.0.1").put("control.test", "127.0.0.1");
  }

  @BeforeEach
  void countTargetConnections() {
    targetConnectionsBefore = target.acceptedConnections();
  }

  @AfterEach
  void theProxyStillServesAFreshConnection() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(get("http://control.test:" + control.port() + "/echo"));
      assertThat(client.readResponse().status()).isEqualTo(200);
    }
    proxy.awaitNoOpenChannels();
    assertThat(target.acceptedConnections())
        .as("a refused request never reaches its origin")
        .isEqualTo(targetConnectionsBefore);
  }

  @AfterAll
  void stop() {
    proxy.close();
    target.close();
    control.close();
  }

  private static Arguments row(String name, int status, String request) {
    return Arguments.of(name, status, request.getBytes(ISO_8859_1));
  }

  private static Arguments row(String name, int status, byte[] request) {
    return Arguments.of(name, status, request);
  }

  private static String post(String... fields) {
    return "POST " + ORIGIN + "/echo HTTP/1.1\r\nHost: origin.test\r\n" + lines(fields) + "\r\n";
  }

  private static String lines(String... fields) {
    StringBuilder text = new StringBuilder();
    for (String field : fields) {
      text.append(field).append("\r\n");
    }
    return text.toString();
  }

  static Stream<Arguments> refusedRequests() throws Exception {
    return Stream.of(
        row(
            "Content-Length beside Transfer-Encoding",
            400,
            post("Content-Length: 5", "Transfer-Encoding: chunked") + "5\r\nhello\r\n0\r\n\r\n"),
        row(
            "Transfer-Encoding before Content-Length",
            400,
            post("Transfer-Encoding: chunked", "Content-Length: 5") + "5\r\nhello\r\n0\r\n\r\n"),
        row(
            "two equal Content-Length fields",
            400,
            post("Content-Length: 5", "Content-Length: 5") + "hello"),
        row(
            "two different Content-Length fields",
            400,
            post("Content-Length: 5", "Content-Length: 6") + "hello!"),
        row("a Content-Length list", 400, post("Content-Length: 5, 5") + "hello"),
        row("space before the colon", 400, post("Content-Length : 5") + "hello"),
        row("a negative Content-Length", 400, post("Content-Length: -1")),
        row("a Content-Length that is no number", 400, post("Content-Length: five")),
        row(
            "Transfer-Encoding gzip, chunked",
            400,
            post("Transfer-Encoding: gzip, chunked") + "0\r\n\r\n"),
        row("Transfer-Encoding identity", 400, post("Transfer-Encoding: identity")),
        row(
            "Transfer-Encoding chunked, chunked",
            400,
            post("Transfer-Encoding: chunked, chunked") + "0\r\n\r\n"),
        row(
            "two Transfer-Encoding fields",
            400,
            post("Transfer-Encoding: chunked", "Transfer-Encoding: chunked") + "0\r\n\r\n"),
        row(
            "two Host fields",
            400,
            "GET " + ORIGIN + "/echo HTTP/1.1\r\nHost: origin.test\r\nHost: other.test\r\n\r\n"),
        row(
            "a space in a field name",
            400,
            "GET " + ORIGIN + "/echo HTTP/1.1\r\nHost: origin.test\r\nBad Name: x\r\n\r\n"),
        row("bare LF line endings", 400, "GET " + ORIGIN + "/echo HTTP/1.1\nHost: origin.test\n\n"),
        row(
            "a bare LF inside the head",
            400,
            "GET " + ORIGIN + "/echo HTTP/1.1\r\nHost: origin.test\nX-A: b\r\n\r\n"),
        row("an invalid method token", 400, "G(T " + ORIGIN + "/echo HTTP/1.1\r\n\r\n"),
        row("an unknown protocol", 400, "GET " + ORIGIN + "/echo HTTQ/1.1\r\n\r\n"),
        row("garbage text", 400, "this is not http at all\r\n\r\n"),
        row("garbage bytes", 400, garbageBytes()),
        row("a TLS ClientHello", 400, clientHello()),
        row(
            "a request line of 1 MB",
            414,
            "GET " + ORIGIN + "/" + "a".repeat(1 << 20) + " HTTP/1.1\r\n\r\n"),
        row(
            "a header section over max-header-size",
            431,
            "GET "
                + ORIGIN
                + "/echo HTTP/1.1\r\nHost: origin.test\r\nX-Big: "
                + "b".repeat(20_000)
                + "\r\n\r\n"),
        row(
            "more fields than max-header-count",
            431,
            "GET " + ORIGIN + "/echo HTTP/1.1\r\nHost: origin.test\r\n" + manyFields(101) + "\r\n"),
        row(
            "an absolute https URI",
            400,
            "GET https://origin.test:PORT/echo HTTP/1.1\r\nHost: origin.test\r\n\r\n"),
        row(
            "an absolute ftp URI",
            400,
            "GET ftp://origin.test:PORT/echo HTTP/1.1\r\nHost: origin.test\r\n\r\n"),
        row("a URI without host", 400, "GET http:///echo HTTP/1.1\r\nHost: origin.test\r\n\r\n"),
        row(
            "a URI with an invalid port",
            400,
            "GET http://origin.test:99999/echo HTTP/1.1\r\nHost: origin.test\r\n\r\n"));
  }

  @ParameterizedTest(name = "{0} gets {1}")
  @MethodSource("refusedRequests")
  void aMalformedRequestIsRefusedAndTheConnectionCloses(String name, int status, byte[] request)
      throws Exception {
    byte[] bytes =
        new String(request, ISO_8859_1)
            .replace("PORT", String.valueOf(target.port()))
            .getBytes(ISO_8859_1);
    try (RawClient client = proxy.rawClient()) {
      sendIgnoringReset(client, bytes);
      RawResponse response = client.readResponse();

      assertProxyError(response, status, "http_request_error");
      assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
      assertThat(client.awaitEnd()).isIn(RawClient.End.CLOSED, RawClient.End.RESET);
    }
  }

  /**
   * Sends what may be refused before it is all sent: the proxy then closes with unread bytes, which
   * resets the connection, and the rest cannot be written; its answer was sent before and is read.
   */
  private static void sendIgnoringReset(RawClient client, byte[] bytes) {
    try {
      client.send(bytes);
    } catch (IOException e) {
      // Refused early; the response is already on its way.
    }
  }

  private static String manyFields(int count) {
    StringBuilder fields = new StringBuilder();
    for (int i = 0; i < count; i++) {
      fields.append("X-Field-").append(i).append(": ").append(i).append("\r\n");
    }
    return fields.toString();
  }

  private static byte[] garbageBytes() {
    byte[] bytes = new byte[512];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) (i * 151 + 7);
    }
    return bytes;
  }

  /** The first flight of a TLS client, as a browser would send it to an https port. */
  private static byte[] clientHello() throws Exception {
    SSLContext tls = SSLContext.getInstance("TLS");
    tls.init(null, null, null);
    SSLEngine engine = tls.createSSLEngine("origin.test", 443);
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName("origin.test")));
    engine.setSSLParameters(parameters);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] hello = new byte[out.remaining()];
    out.get(hello);
    return hello;
  }

  @Test
  void anInvalidChunkSizeEndsTheRequestBeforeTheOriginSeesACompleteBody() throws Exception {
    // The head is valid and goes upstream; the body breaks on the way, so its own origin.
    try (HttpOrigin origin = HttpOrigin.start();
        RawClient client = proxy.rawClient()) {
      client.send(
          post("Transfer-Encoding: chunked").replace("PORT", String.valueOf(origin.port()))
              + "5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n");

      RawResponse response = client.readResponse();
      assertProxyError(response, 400, "http_request_error");
      assertThat(client.awaitEnd()).isIn(RawClient.End.CLOSED, RawClient.End.RESET);
      proxy.awaitNoOpenChannels();
      assertThat(origin.completeRequests())
          .as("the origin never received a body that ended as if whole")
          .isZero();
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("requestsToTheProxyItself")
  void aRequestAddressedToTheProxyItselfGetsTheInformationPage(String request) throws Exception {
    int queries = proxy.dns().totalQueries();
    try (RawClient client = proxy.rawClient()) {
      client.send(request.replace("PORT", String.valueOf(target.port())));
      RawResponse response = client.readResponse();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("Content-Type")).startsWith("text/html");
      assertThat(response.bodyText()).contains("exit of an anonymization network");
      assertThat(response.bodyText())
          .as("without notice: there is no address to promise")
          .doesNotContain("by email")
          .doesNotContain("mailto:");
      assertThat(response.hasHeader("Proxy-Status")).isFalse();

      client.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(client.readResponse().status())
          .as("the connection stays open for the next request")
          .isEqualTo(200);
    }
    assertThat(proxy.dns().totalQueries())
        .as("the Host field of a request to the proxy itself is not looked up")
        .isEqualTo(queries);
  }

  static Stream<String> requestsToTheProxyItself() {
    return Stream.of(
        "GET / HTTP/1.1\r\nHost: origin.test:PORT\r\n\r\n",
        "GET /echo?x=1 HTTP/1.1\r\nHost: origin.test:PORT\r\n\r\n",
        "OPTIONS * HTTP/1.1\r\nHost: origin.test:PORT\r\n\r\n");
  }

  @Test
  void theHttp2PrefaceIsAnsweredInHttp11AndNeverForwarded() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

      RawResponse first = client.readResponse();
      assertThat(first.statusLine())
          .as("PRI * is a request for the proxy itself, answered with the information page")
          .startsWith("HTTP/1.1 200");
      assertProxyError(client.readResponse(), 400, "http_request_error");
      assertThat(client.awaitEnd()).isIn(RawClient.End.CLOSED, RawClient.End.RESET);
    }
  }

  @Test
  void aFoldedHeaderLineReachesTheOriginUnfolded() throws Exception {
    // RFC 9112 section 5.2 allows a proxy to replace obs-fold with spaces instead of refusing;
    // the origin then sees one plain line, never the fold.
    try (RawClient client = proxy.rawClient()) {
      client.send(
          "GET http://control.test:"
              + control.port()
              + "/echo HTTP/1.1\r\nHost: control.test\r\nX-A: one\r\n two\r\n\r\n");
      assertThat(client.readResponse().status()).isEqualTo(200);
    }
    assertThat(control.lastRequest().headers("X-A")).containsExactly("one two");
  }
}
