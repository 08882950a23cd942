package org.exitfilter.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.EOFException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HttpOriginTest {
  private static HttpClient client;
  private HttpOrigin origin;

  @BeforeAll
  static void createClient() {
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
  }

  @BeforeEach
  void startOrigin() {
    origin = HttpOrigin.start();
  }

  @AfterEach
  void closeOrigin() {
    origin.close();
  }

  @AfterAll
  static void dropClient() {
    client = null;
  }

  private HttpResponse<String> get(String path) throws Exception {
    return client.send(
        HttpRequest.newBuilder(origin.uri(path)).timeout(Duration.ofSeconds(5)).build(),
        BodyHandlers.ofString());
  }

  @Test
  void bindsLoopbackOnAnEphemeralPort() {
    assertThat(origin.address().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
    assertThat(origin.port()).isPositive();
  }

  @Test
  void echoDescribesTheRequestLineAndHeadersAndRecordsThem() throws Exception {
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(origin.uri("/echo?x=1"))
                .header("X-Test", "one")
                .POST(BodyPublishers.ofString("hello"))
                .build(),
            BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body())
        .startsWith("POST /echo?x=1 HTTP/1.1\n")
        .containsIgnoringCase("x-test: one\n")
        .endsWith("\nbody-bytes: 5\n");
    RecordedRequest recorded = origin.lastRequest();
    assertThat(recorded.method()).isEqualTo("POST");
    assertThat(recorded.uri()).isEqualTo("/echo?x=1");
    assertThat(recorded.header("x-test")).isEqualTo("one");
    assertThat(recorded.header("Host")).isEqualTo("127.0.0.1:" + origin.port());
    assertThat(recorded.hasHeader("Via")).isFalse();
    assertThat(origin.requestCount()).isEqualTo(1);
  }

  @Test
  void bytesStreamsThePatternWithContentLength() throws Exception {
    long n = 8 * 1024 * 1024 + 17;
    HttpResponse<InputStream> response =
        client.send(
            HttpRequest.newBuilder(origin.uri("/bytes?n=" + n)).build(),
            BodyHandlers.ofInputStream());

    assertThat(response.headers().firstValueAsLong("Content-Length")).hasValue(n);
    try (InputStream body = response.body()) {
      assertThat(BodyPattern.verify(body)).isEqualTo(n);
    }
  }

  @Test
  void aReaderThatStopsReadingPausesTheBodyInsteadOfBufferingIt() throws Exception {
    long n = 1L << 40;
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.socket().setReceiveBufferSize(64 * 1024);
      raw.send("GET /bytes?n=" + n + " HTTP/1.1\r\nHost: a\r\n\r\n");
      raw.readResponseHead();

      Await.until("the origin waits for the reader", () -> origin.pausedStreams() == 1);
      long generated = origin.patternBytesGenerated();
      assertThat(generated)
          .as("only socket buffers and the write buffer's high water mark hold unread bytes")
          .isLessThan(32L * 1024 * 1024);

      byte[] more = raw.readExactly(Math.toIntExact(generated));
      assertThat(BodyPattern.matches(more)).isTrue();
      Await.until(
          "the origin resumes once the reader catches up",
          () -> origin.patternBytesGenerated() > generated);
    }
  }

  @Test
  void chunkedStreamsThePatternInChunks() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("GET /chunked?n=100000 HTTP/1.1\r\nHost: origin.test\r\n\r\n");
      RawResponse response = raw.readResponse();

      assertThat(response.header("Transfer-Encoding")).isEqualTo("chunked");
      assertThat(response.hasHeader("Content-Length")).isFalse();
      assertThat(response.body()).hasSize(100_000);
      assertThat(BodyPattern.matches(response.body())).isTrue();
    }
  }

  @Test
  void closeEndsTheBodyByClosingTheConnection() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("GET /close?n=70000 HTTP/1.1\r\nHost: origin.test\r\n\r\n");
      RawResponse response = raw.readResponse();

      assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
      assertThat(response.hasHeader("Content-Length")).isFalse();
      assertThat(response.hasHeader("Transfer-Encoding")).isFalse();
      assertThat(BodyPattern.matches(response.body())).isTrue();
      assertThat(response.body()).hasSize(70_000);
    }
  }

  @Test
  void halfPromisesTheLengthSendsHalfAndCloses() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("GET /half?n=20000 HTTP/1.1\r\nHost: origin.test\r\n\r\n");
      RawResponse head = raw.readResponseHead();
      byte[] body = raw.readToEnd();

      assertThat(head.header("Content-Length")).isEqualTo("20000");
      assertThat(body).hasSize(10_000);
      assertThat(BodyPattern.matches(body)).isTrue();
    }
  }

  @Test
  void uploadReportsLengthAndChecksumsOfAStreamedBody() throws Exception {
    long n = 5 * 1024 * 1024 + 3;
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(origin.uri("/upload"))
                .PUT(BodyPublishers.ofInputStream(() -> BodyPattern.stream(n)))
                .build(),
            BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(UploadReceipt.parse(response.body())).isEqualTo(UploadReceipt.ofPattern(n));
  }

  @Test
  void uploadReceiptOfAByteArrayMatchesTheOneComputedFromIt() throws Exception {
    byte[] body = "some bytes to check".getBytes(UTF_8);
    HttpResponse<String> response =
        client.send(
            HttpRequest.newBuilder(origin.uri("/upload"))
                .POST(BodyPublishers.ofByteArray(body))
                .build(),
            BodyHandlers.ofString());

    assertThat(UploadReceipt.parse(response.body())).isEqualTo(UploadReceipt.of(body));
    assertThat(UploadReceipt.of(BodyPattern.bytes(1000))).isEqualTo(UploadReceipt.ofPattern(1000));
  }

  @Test
  void statusAnswersTheRequestedStatus() throws Exception {
    assertThat(get("/status/418").statusCode()).isEqualTo(418);
    assertThat(get("/status/503").body()).isEqualTo("status 503\n");
    HttpResponse<String> noContent = get("/status/204");
    assertThat(noContent.statusCode()).isEqualTo(204);
    assertThat(noContent.body()).isEmpty();
    assertThat(get("/status/99").statusCode()).isEqualTo(400);
  }

  @Test
  void unknownPathsAre404AndBadLengthsAre400() throws Exception {
    assertThat(get("/nowhere").statusCode()).isEqualTo(404);
    assertThat(get("/bytes").statusCode()).isEqualTo(400);
    assertThat(get("/bytes?n=-1").statusCode()).isEqualTo(400);
    assertThat(get("/bytes?n=lots").statusCode()).isEqualTo(400);
  }

  @Test
  void requestsOnOneConnectionAreKeptAliveAndCounted() throws Exception {
    assertThat(get("/echo").statusCode()).isEqualTo(200);
    assertThat(get("/bytes?n=10").statusCode()).isEqualTo(200);
    assertThat(get("/chunked?n=10").statusCode()).isEqualTo(200);

    assertThat(origin.acceptedConnections()).as("the JDK client reuses the connection").isOne();
    assertThat(origin.requests()).extracting(RecordedRequest::connection).containsOnly(1);
    assertThat(origin.requestCount()).isEqualTo(3);
  }

  @Test
  void headGetsTheHeadersWithoutABodyAndTheConnectionStaysUsable() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("HEAD /bytes?n=1000 HTTP/1.1\r\nHost: origin.test\r\n\r\n");
      RawResponse bytes = raw.readResponse("HEAD");
      raw.send("HEAD /chunked?n=1000 HTTP/1.1\r\nHost: origin.test\r\n\r\n");
      RawResponse chunked = raw.readResponse("HEAD");
      raw.send("HEAD /echo HTTP/1.1\r\nHost: origin.test\r\n\r\n");
      RawResponse echo = raw.readResponse("HEAD");
      raw.send("GET /status/201 HTTP/1.1\r\nHost: origin.test\r\n\r\n");
      RawResponse next = raw.readResponse();

      assertThat(bytes.header("Content-Length")).isEqualTo("1000");
      assertThat(chunked.header("Transfer-Encoding")).isEqualTo("chunked");
      assertThat(echo.status()).isEqualTo(200);
      assertThat(next.status())
          .as("no stray body bytes came before the next response")
          .isEqualTo(201);
      assertThat(next.bodyText()).isEqualTo("status 201\n");
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send(
          "GET /bytes?n=200000 HTTP/1.1\r\nHost: a\r\n\r\n"
              + "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n\r\nabc"
              + "GET /status/202 HTTP/1.1\r\nHost: a\r\n\r\n");

      RawResponse first = raw.readResponse();
      RawResponse second = raw.readResponse();
      RawResponse third = raw.readResponse();

      assertThat(BodyPattern.matches(first.body())).isTrue();
      assertThat(first.body()).hasSize(200_000);
      assertThat(UploadReceipt.parse(second.bodyText()))
          .isEqualTo(UploadReceipt.of("abc".getBytes(UTF_8)));
      assertThat(third.status()).isEqualTo(202);
    }
  }

  @Test
  void connectionCloseFromTheClientIsHonoured() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("GET /echo HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");
      RawResponse response = raw.readResponse();

      assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
      assertThat(raw.awaitEnd()).isEqualTo(RawClient.End.CLOSED);
    }
  }

  @Test
  void http10KeepAliveIsHonoured() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("GET /echo HTTP/1.0\r\nConnection: keep-alive\r\n\r\n");
      RawResponse first = raw.readResponse();
      raw.send("GET /echo HTTP/1.0\r\n\r\n");
      RawResponse second = raw.readResponse();

      assertThat(first.header("Connection")).isEqualToIgnoringCase("keep-alive");
      assertThat(second.bodyText()).startsWith("GET /echo HTTP/1.0\n");
      assertThat(raw.awaitEnd()).isEqualTo(RawClient.End.CLOSED);
    }
  }

  @Test
  void hangReadsTheRequestAndNeverAnswers() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address(), Duration.ofMillis(200))) {
      raw.send("GET /hang HTTP/1.1\r\nHost: a\r\n\r\n");

      Await.until("the origin saw the request", () -> origin.requestCount() == 1);
      assertThatThrownBy(raw::readResponseHead).isInstanceOf(SocketTimeoutException.class);
      assertThat(origin.lastRequest().uri()).isEqualTo("/hang");
    }
  }

  @Test
  void resetResetsTheConnectionAfterTheRequestHead() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("GET /reset HTTP/1.1\r\nHost: a\r\n\r\n");

      assertThat(raw.awaitEnd()).isEqualTo(RawClient.End.RESET);
      assertThat(origin.lastRequest().uri()).isEqualTo("/reset");
    }
  }

  @Test
  void abortSendsHalfOfACloseDelimitedBodyAndResets() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("GET /abort?n=20000 HTTP/1.1\r\nHost: a\r\n\r\n");
      RawResponse head = raw.readResponseHead();

      assertThat(head.hasHeader("Content-Length")).isFalse();
      assertThat(head.hasHeader("Transfer-Encoding")).isFalse();
      assertThat(raw.awaitEnd()).isEqualTo(RawClient.End.RESET);
    }
  }

  @Test
  void stallReadsTheHeadThenHoldsBackTheBody() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("POST /stall HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000000\r\n\r\n");
      Await.until("the origin saw the head", () -> origin.requestCount() == 1);
      raw.send(new byte[64 * 1024]);

      assertThat(raw.staysSilentFor(Duration.ofMillis(100))).isTrue();
      assertThat(origin.completeRequests()).isZero();
    }
  }

  @Test
  void hopByHopAnswersWithConnectionSpecificFields() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("GET /hop-by-hop HTTP/1.1\r\nHost: a\r\n\r\n");
      RawResponse response = raw.readResponse();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.header("Connection")).isEqualTo("X-Hop");
      assertThat(response.header("X-Hop")).isEqualTo("connection-specific");
      assertThat(response.header("Keep-Alive")).isEqualTo("timeout=5");
      assertThat(response.header("Upgrade")).isEqualTo("h2c");
      assertThat(response.header("Proxy-Connection")).isEqualTo("keep-alive");
      assertThat(response.hasHeader("Proxy-Authenticate")).isTrue();
      assertThat(response.header("X-End-To-End")).isEqualTo("kept");
    }
  }

  @Test
  void completeRequestsCountsOnlyRequestsWhoseBodyArrivedWhole() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n");
      raw.readResponse();
      raw.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\nhalf");
      Await.until("the origin saw the second head", () -> origin.requestCount() == 2);
    }

    Await.until("the origin saw the close", () -> origin.openConnections() == 0);
    assertThat(origin.completeRequests()).isOne();
  }

  @Test
  void rawClientStreamsBodiesOfEveryFramingAndReportsACut() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("GET /chunked?n=100000 HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(BodyPattern.verify(raw.openBody(raw.readResponseHead()))).isEqualTo(100_000);
      raw.send("GET /bytes?n=5000 HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(BodyPattern.verify(raw.openBody(raw.readResponseHead()))).isEqualTo(5000);
      raw.send("GET /close?n=7000 HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(BodyPattern.verify(raw.openBody(raw.readResponseHead()))).isEqualTo(7000);
    }
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("GET /half?n=5000 HTTP/1.1\r\nHost: a\r\n\r\n");
      InputStream body = raw.openBody(raw.readResponseHead());

      assertThatThrownBy(() -> BodyPattern.verify(body)).isInstanceOf(EOFException.class);
    }
  }

  @Test
  void aMalformedRequestGets400AndTheConnectionCloses() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("GET /echo HTTP/1.1\r\nBad Header Name: x\r\n\r\n");
      RawResponse response = raw.readResponse();

      assertThat(response.status()).isEqualTo(400);
      assertThat(raw.awaitEnd()).isEqualTo(RawClient.End.CLOSED);
    }
  }

  @Test
  void openConnectionsFallToZeroWhenClientsLeave() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n");
      raw.readResponse();
      assertThat(origin.openConnections()).isOne();
    }
    Await.until("the origin saw the close", () -> origin.openConnections() == 0);
  }

  @Test
  void aProxySelectorOfSendsEvenLoopbackRequestsToTheProxy() throws Exception {
    // The "proxy" is the origin itself: it answers absolute-form targets like an origin would,
    // and its record shows whether the JDK client went through it for a loopback destination.
    HttpClient proxied =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .proxy(ProxySelector.of(origin.address()))
            .build();

    HttpResponse<String> response =
        proxied.send(
            HttpRequest.newBuilder(URI.create("http://localhost:1/echo")).build(),
            BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(origin.lastRequest().uri()).isEqualTo("http://localhost:1/echo");
  }

  @Test
  void closeStopsTheServer() throws Exception {
    InetSocketAddress address = origin.address();
    origin.close();

    assertThatThrownBy(() -> RawClient.connect(address).close())
        .isInstanceOf(ConnectException.class);
  }
}
