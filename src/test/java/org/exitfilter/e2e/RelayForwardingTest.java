package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.RelayTestSupport.assertProxyError;
import static org.exitfilter.e2e.RelayTestSupport.get;
import static org.exitfilter.e2e.RelayTestSupport.http10;
import static org.exitfilter.e2e.RelayTestSupport.request;
import static org.exitfilter.e2e.RelayTestSupport.withBody;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.exitfilter.testing.BodyPattern;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.exitfilter.testing.RecordedRequest;
import org.exitfilter.testing.UploadReceipt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Plain HTTP requests forwarded through the proxy and answered: every method, keep-alive across
 * hosts and refusals, HTTP/1.0, pipelining, bodiless responses and 100-continue. One proxy and
 * three origins serve the whole class; every test ends with the proxy holding no connection.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayForwardingTest {
  private HttpOrigin a;
  private HttpOrigin b;
  private HttpOrigin banned;
  private ProxyFixture proxy;

  @BeforeAll
  void start() throws Exception {
    a = HttpOrigin.start();
    b = HttpOrigin.start();
    banned = HttpOrigin.start();
    proxy = ProxyFixture.start(RelayTestSupport.BAN_BLOCKED_TEST);
    proxy.dns().put("a.test", "127.0.0.1").put("b.test", "127.0.0.1");
    proxy.dns().put("blocked.test", "127.0.0.1");
  }

  @AfterEach
  void everyConnectionIsClosed() {
    proxy.awaitNoOpenChannels();
    assertThat(banned.acceptedConnections())
        .as("the banned destination is never connected to")
        .isZero();
  }

  @AfterAll
  void stop() {
    proxy.close();
    a.close();
    b.close();
    banned.close();
  }

  private String atA(String path) {
    return "http://a.test:" + a.port() + path;
  }

  private String atB(String path) {
    return "http://b.test:" + b.port() + path;
  }

  private String atBanned(String path) {
    return "http://blocked.test:" + banned.port() + path;
  }

  @ParameterizedTest(name = "{0} with a body of {1} bytes")
  @CsvSource({
    "GET, 0",
    "GET, 5",
    "HEAD, 0",
    "POST, 0",
    "POST, 11",
    "PUT, 0",
    "PUT, 7",
    "DELETE, 0",
    "DELETE, 3",
    "OPTIONS, 0",
    "OPTIONS, 4",
    "PATCH, 0",
    "PATCH, 9"
  })
  void everyMethodIsForwardedWithItsBody(String method, int length) throws Exception {
    String body = "x".repeat(length);
    try (RawClient client = proxy.rawClient()) {
      client.send(
          length == 0
              ? request(method, atA("/echo?m=" + method))
              : withBody(method, atA("/echo?m=" + method), body));
      RawResponse response = client.readResponse(method);

      assertThat(response.status()).isEqualTo(200);
      RecordedRequest received = a.lastRequest();
      assertThat(received.requestLine()).isEqualTo(method + " /echo?m=" + method + " HTTP/1.1");
      if (length > 0) {
        assertThat(received.header("Content-Length")).isEqualTo(String.valueOf(length));
      }
      if (!method.equals("HEAD")) {
        assertThat(response.bodyText())
            .as("the origin received the whole body")
            .endsWith("body-bytes: " + length + "\n");
      } else {
        assertThat(response.body()).isEmpty();
      }
    }
  }

  @Test
  void aKeptAliveConnectionJudgesEveryRequestOnItsOwn() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(get(atA("/echo?first")));
      assertThat(client.readResponse().bodyText()).startsWith("GET /echo?first");

      client.send(get(atB("/")));
      RawResponse fromB = client.readResponse();
      assertThat(fromB.status()).isEqualTo(200);
      assertThat(fromB.bodyText()).isEqualTo("hello\n");

      client.send(get(atBanned("/")));
      RawResponse refused = client.readResponse();
      assertProxyError(refused, 403, "http_request_denied");
      assertThat(refused.header("Connection"))
          .as("a refusal of a bodiless request keeps the connection")
          .isEqualToIgnoringCase("keep-alive");

      client.send(get(atA("/echo?after-the-refusal")));
      RawResponse after = client.readResponse();
      assertThat(after.status()).isEqualTo(200);
      assertThat(after.bodyText()).startsWith("GET /echo?after-the-refusal");
      assertThat(client.staysSilentFor(Duration.ofMillis(50)))
          .as("the connection is still open and quiet")
          .isTrue();
    }
  }

  @Test
  void aRefusedRequestWithABodyEndsTheConnection() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(withBody("POST", atBanned("/upload"), "body of a refused request"));
      RawResponse refused = client.readResponse();

      assertProxyError(refused, 403, "http_request_denied");
      assertThat(refused.header("Connection"))
          .as("an unread body is not skipped to find the next request")
          .isEqualToIgnoringCase("close");
      assertThat(client.awaitEnd()).isEqualTo(RawClient.End.CLOSED);
    }
  }

  @Test
  void aRequestAfterTheOriginClosedItsConnectionGoesOverANewOne() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(get(atA("/close?n=1000")));
      RawResponse closing = client.readResponse();
      assertThat(closing.body()).hasSize(1000);
      RecordedRequest first = a.lastRequest();

      client.send(get(atA("/echo?after-close")));
      assertThat(client.readResponse().status()).isEqualTo(200);
      assertThat(a.lastRequest().connection())
          .as("a new upstream connection, since the origin closed the first")
          .isNotEqualTo(first.connection());
    }
  }

  @Test
  void requestsToTheSameOriginOnOneConnectionReuseTheUpstreamConnection() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(get(atA("/echo?one")));
      client.readResponse();
      RecordedRequest first = a.lastRequest();
      client.send(get(atA("/echo?two")));
      client.readResponse();
      RecordedRequest second = a.lastRequest();

      assertThat(second.uri()).isEqualTo("/echo?two");
      assertThat(second.connection())
          .as("the second request went over the first one's upstream connection")
          .isEqualTo(first.connection());
    }
  }

  @Test
  void anHttp10RequestWithoutKeepAliveGetsItsResponseAndTheConnectionCloses() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(http10("GET", atA("/echo")));
      RawResponse response = client.readResponse();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText()).startsWith("GET /echo HTTP/1.1");
      assertThat(response.header("Connection")).isEqualToIgnoringCase("close");
      assertThat(client.awaitEnd()).isEqualTo(RawClient.End.CLOSED);
    }
  }

  @Test
  void anHttp10RequestWithKeepAliveKeepsTheConnectionForTheNext() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(http10("GET", atA("/echo?one"), "Connection: keep-alive"));
      RawResponse first = client.readResponse();
      assertThat(first.status()).isEqualTo(200);
      assertThat(first.header("Connection"))
          .as("an HTTP/1.0 client is told the connection stays open")
          .isEqualToIgnoringCase("keep-alive");

      client.send(http10("GET", atB("/")));
      RawResponse second = client.readResponse();
      assertThat(second.status()).isEqualTo(200);
      assertThat(second.bodyText()).isEqualTo("hello\n");
      assertThat(client.awaitEnd())
          .as("the second request did not ask for keep-alive")
          .isEqualTo(RawClient.End.CLOSED);
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderEachJudgedOnItsOwn() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(
          get(atA("/echo?first"))
              + get(atBanned("/second"))
              + get(atB("/echo?third"))
              + get(atA("/bytes?n=3000")));

      assertThat(client.readResponse().bodyText()).startsWith("GET /echo?first ");
      assertProxyError(client.readResponse(), 403, "http_request_denied");
      assertThat(client.readResponse().bodyText()).startsWith("GET /echo?third ");
      RawResponse last = client.readResponse();
      assertThat(last.body()).hasSize(3000);
      assertThat(BodyPattern.matches(last.body())).isTrue();
    }
  }

  @Test
  void pipelinedRequestsWithBodiesAreAnsweredInOrder() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(
          withBody("POST", atA("/upload"), "first body")
              + request("PUT", atB("/upload"), "Transfer-Encoding: chunked")
              + "6\r\nsecond\r\n5\r\n body\r\n0\r\n\r\n"
              + get(atA("/echo?third")));

      assertThat(UploadReceipt.parse(client.readResponse().bodyText()))
          .isEqualTo(UploadReceipt.of("first body".getBytes(UTF_8)));
      assertThat(UploadReceipt.parse(client.readResponse().bodyText()))
          .isEqualTo(UploadReceipt.of("second body".getBytes(UTF_8)));
      assertThat(client.readResponse().bodyText()).startsWith("GET /echo?third ");
    }
  }

  @ParameterizedTest(name = "HEAD {0}")
  @ValueSource(strings = {"/bytes?n=5000", "/chunked?n=5000", "/close?n=5000", "/echo"})
  void headResponsesCarryNoBodyWhateverTheOriginsFramingSays(String path) throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(request("HEAD", atA(path)));
      RawResponse head = client.readResponse("HEAD");
      assertThat(head.status()).isEqualTo(200);

      client.send(get(atA("/echo?after-head")));
      RawResponse next = client.readResponse();
      assertThat(next.statusLine())
          .as("no stray body bytes came before the next response")
          .startsWith("HTTP/1.1 200");
      assertThat(next.bodyText()).startsWith("GET /echo?after-head ");
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(ints = {204, 304})
  void bodilessStatusesEndWithoutABodyAndKeepTheConnection(int status) throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(get(atA("/status/" + status)));
      RawResponse response = client.readResponse();
      assertThat(response.status()).isEqualTo(status);
      assertThat(response.hasHeader("Transfer-Encoding"))
          .as("a %s has no body to frame", status)
          .isFalse();

      client.send(get(atA("/echo?after")));
      assertThat(client.readResponse().bodyText()).startsWith("GET /echo?after ");
    }
  }

  @Test
  void anUploadExpectingContinueGets100ThenItsFinalResponse() throws Exception {
    int n = 200_000;
    try (RawClient client = proxy.rawClient()) {
      client.send(request("POST", atA("/upload"), "Expect: 100-continue", "Content-Length: " + n));
      RawResponse interim = client.readResponseHead();
      assertThat(interim.status()).as("the origin's 100 Continue is relayed").isEqualTo(100);

      client.send(BodyPattern.bytes(n));
      RawResponse response = client.readResponse();
      assertThat(response.status()).isEqualTo(200);
      assertThat(UploadReceipt.parse(response.bodyText())).isEqualTo(UploadReceipt.ofPattern(n));
      assertThat(a.lastRequest().header("Expect")).isEqualToIgnoringCase("100-continue");
    }
  }

  @Test
  void hopByHopAndProxyFieldsFromTheClientNeverReachTheOrigin() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(
          get(
              atA("/echo"),
              "Connection: keep-alive, X-Foo",
              "X-Foo: for the proxy only",
              "Keep-Alive: timeout=300",
              "Proxy-Authorization: Basic dXNlcjpwYXNz",
              "Proxy-Connection: keep-alive",
              "TE: trailers",
              "Upgrade: websocket",
              "X-End-To-End: kept"));
      assertThat(client.readResponse().status()).isEqualTo(200);
    }

    RecordedRequest received = a.lastRequest();
    assertThat(received.headerNames())
        .map(name -> name.toLowerCase(Locale.ROOT))
        .doesNotContain(
            "connection",
            "x-foo",
            "keep-alive",
            "proxy-authorization",
            "proxy-connection",
            "te",
            "upgrade");
    assertThat(received.header("X-End-To-End")).isEqualTo("kept");
  }

  @Test
  void theProxyAddsNoFieldThatDescribesThePathOfTheRequest() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(get(atA("/echo")));
      assertThat(client.readResponse().status()).isEqualTo(200);
    }

    assertThat(a.lastRequest().headerNames())
        .map(name -> name.toLowerCase(Locale.ROOT))
        .containsExactly("host");
  }

  @Test
  void forwardingFieldsTheClientSentAreRemoved() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(
          get(
              atA("/echo"),
              "Via: 1.1 mix-cascade",
              "X-Forwarded-For: 203.0.113.9",
              "Forwarded: for=203.0.113.9",
              "X-Real-IP: 203.0.113.9"));
      assertThat(client.readResponse().status()).isEqualTo(200);
    }

    assertThat(a.lastRequest().headerNames())
        .as("nothing identifies the path the request took")
        .map(name -> name.toLowerCase(Locale.ROOT))
        .containsExactly("host");
  }

  @ParameterizedTest(name = "{0} with Host: {1}")
  @CsvSource({
    "http://a.test:PORT/echo?x=1, evil.test, a.test:PORT, /echo?x=1",
    "http://user:secret@a.test:PORT/echo, a.test:PORT, a.test:PORT, /echo",
    "http://A.Test.:PORT/echo#fragment, a.test:PORT, a.test:PORT, /echo",
    "http://127.0.0.1:PORT?q, a.test:PORT, 127.0.0.1:PORT, /?q",
  })
  void theOriginSeesAHostAndTargetGeneratedFromTheUri(
      String uri, String sentHost, String expectedHost, String expectedTarget) throws Exception {
    String port = String.valueOf(a.port());
    try (RawClient client = proxy.rawClient()) {
      client.send(
          "GET "
              + uri.replace("PORT", port)
              + " HTTP/1.1\r\nHost: "
              + sentHost.replace("PORT", port)
              + "\r\n\r\n");
      assertThat(client.readResponse().status()).isEqualTo(200);
    }

    RecordedRequest received = a.lastRequest();
    assertThat(received.headers("Host")).containsExactly(expectedHost.replace("PORT", port));
    assertThat(received.uri()).isEqualTo(expectedTarget);
    assertThat(received.hasHeader("Authorization"))
        .as("userinfo is dropped, not turned into credentials")
        .isFalse();
  }

  @Test
  void hopByHopFieldsOfTheOriginsResponseAreStripped() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(get(atA("/hop-by-hop")));
      RawResponse response = client.readResponse();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.headers("Connection")).noneMatch(v -> v.contains("X-Hop"));
      for (String field :
          List.of("X-Hop", "Keep-Alive", "Upgrade", "Proxy-Connection", "Proxy-Authenticate")) {
        assertThat(response.hasHeader(field)).as("%s reaches the client", field).isFalse();
      }
      assertThat(response.header("X-End-To-End")).isEqualTo("kept");
    }
  }
}
