package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.exitfilter.e2e.FilterProbe.assertBlocked;
import static org.exitfilter.e2e.TunnelClientHello.fragmented;
import static org.exitfilter.e2e.TunnelClientHello.fromJdk;
import static org.exitfilter.e2e.TunnelClientHello.nameList;
import static org.exitfilter.e2e.TunnelClientHello.withServerNameExtensions;

import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import javax.net.ssl.SNIHostName;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.exitfilter.testing.TlsOrigin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CONNECT through the running proxy: the target is judged like a URI's host, then the TLS server
 * name of the ClientHello in every shape a client could give it; a tunnel that is refused is closed
 * before the origin sees a byte of it.
 */
class TunnelSniTest {
  private static final String BLOCKLIST =
      """
      bans:
        - domain: blocked.test
        - domain: bücher.test
      """;

  private TlsOrigin tls;
  private HttpOrigin http;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    tls = TlsOrigin.start();
    http = HttpOrigin.start();
    proxy =
        ProxyFixture.builder().blocklist(BLOCKLIST).connectPorts(tls.port(), http.port()).start();
    proxy.dns().put("allowed.test", "127.0.0.1").put("blocked.test", "127.0.0.1");
  }

  @AfterEach
  void stop() {
    try {
      proxy.close();
    } finally {
      tls.close();
      http.close();
    }
  }

  /** Sends {@code CONNECT authority} (as UTF-8) and reads the answer's head and any body. */
  private static RawResponse connect(RawClient raw, String authority) throws IOException {
    raw.send(
        ("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n").getBytes(UTF_8));
    return raw.readResponse("CONNECT");
  }

  private RawClient tunnelTo(String host) throws IOException {
    RawClient raw = proxy.rawClient();
    RawResponse established = connect(raw, host + ":" + tls.port());
    assertThat(established.status()).as("%s", established).isEqualTo(200);
    return raw;
  }

  /** The TLS origin got no ClientHello: no name recorded, no handshake, nothing left open. */
  private void assertTlsOriginSawNoHello() {
    Await.until("the proxy closed its side towards the origin", () -> tls.openConnections() == 0);
    assertThat(tls.sniNames()).as("no ClientHello reached the origin").isEmpty();
    assertThat(tls.handshakes()).isZero();
    assertThat(tls.failedHandshakes()).as("not even a broken one").isZero();
  }

  // ---------------------------------------------------------------- the CONNECT target

  @Test
  void httpsToAnAllowedNameWorksEndToEnd() throws Exception {
    HttpResponse<String> response =
        proxy
            .httpClient(tls.clientContext())
            .send(
                HttpRequest.newBuilder(tls.uri("allowed.test", "/")).build(),
                BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(TlsOrigin.HELLO);
    assertThat(tls.sniNames()).containsExactly("allowed.test");
    assertThat(tls.lastRequest().header("Host")).isEqualTo("allowed.test:" + tls.port());
  }

  @Test
  void theJdkClientCannotTunnelToABannedName() {
    assertThatThrownBy(
            () ->
                proxy
                    .httpClient(tls.clientContext())
                    .send(
                        HttpRequest.newBuilder(tls.uri("blocked.test", "/")).build(),
                        BodyHandlers.ofString()))
        .isInstanceOf(IOException.class)
        .hasMessageContaining("403");
    assertThat(tls.acceptedConnections()).isZero();
  }

  static Stream<String> bannedTargets() {
    return Stream.of(
        "blocked.test",
        "BLOCKED.TEST.",
        "www.blocked.test",
        "xn--bcher-kva.test",
        "WWW.XN--BCHER-KVA.TEST",
        "bücher.test");
  }

  @ParameterizedTest(name = "CONNECT {0}")
  @MethodSource("bannedTargets")
  void aConnectToABannedNameGets403AndTheConnectionCloses(String host) throws Exception {
    try (RawClient raw = proxy.rawClient()) {
      RawResponse response = connect(raw, host + ":" + tls.port());

      assertBlocked(response);
      assertThat(raw.awaitEnd()).isEqualTo(RawClient.End.CLOSED);
    }
    assertThat(tls.acceptedConnections()).as("never connected to").isZero();
    proxy.awaitNoOpenChannels();
  }

  @Test
  void aConnectToAPortNotInConnectPortsGets403() throws Exception {
    try (HttpOrigin unlisted = HttpOrigin.start()) {
      for (String host : new String[] {"allowed.test", "127.0.0.1"}) {
        try (RawClient raw = proxy.rawClient()) {
          RawResponse response = connect(raw, host + ":" + unlisted.port());

          assertThat(response.status()).isEqualTo(403);
          assertThat(response.header("Proxy-Status")).startsWith(FilterProbe.DENIED);
          assertThat(raw.awaitEnd()).isEqualTo(RawClient.End.CLOSED);
        }
      }
      assertThat(unlisted.acceptedConnections()).isZero();
    }
    proxy.awaitNoOpenChannels();
  }

  static Stream<String> unparsableTargets() {
    return Stream.of(
        "blocked%2etest:PORT",
        "allowed.test@blocked.test:PORT",
        "blocked.test",
        "blocked.test:",
        "blocked.test:PORT:PORT",
        "http://blocked.test:PORT",
        "[::1:PORT",
        "::1:PORT",
        "blocked..test:PORT");
  }

  @ParameterizedTest(name = "CONNECT {0}")
  @MethodSource("unparsableTargets")
  void anUnparsableConnectTargetGets400(String template) throws Exception {
    try (RawClient raw = proxy.rawClient()) {
      RawResponse response = connect(raw, template.replace("PORT", String.valueOf(tls.port())));

      FilterProbe.assertBadRequest(response);
      assertThat(raw.awaitEnd()).isEqualTo(RawClient.End.CLOSED);
    }
    assertThat(tls.acceptedConnections()).isZero();
    proxy.awaitNoOpenChannels();
  }

  // ---------------------------------------------------------------- the server name

  static Stream<Arguments> bannedServerNames() {
    return Stream.of(
        Arguments.of("127.0.0.1", "blocked.test"),
        Arguments.of("allowed.test", "blocked.test"),
        Arguments.of("allowed.test", "WWW.BLOCKED.TEST"),
        Arguments.of("127.0.0.1", "Blocked.Test"),
        Arguments.of("127.0.0.1", "xn--bcher-kva.test"),
        Arguments.of("allowed.test", "a.b.xn--bcher-kva.test"));
  }

  @ParameterizedTest(name = "CONNECT {0} with server name {1}")
  @MethodSource("bannedServerNames")
  void aBannedServerNameClosesTheTunnelBeforeTheOriginSeesIt(String target, String serverName)
      throws Exception {
    try (RawClient raw = tunnelTo(target)) {
      // The exact bytes, case included: SNIHostName(String) would normalize them.
      SNIHostName name = new SNIHostName(serverName.getBytes(StandardCharsets.US_ASCII));

      assertThatThrownBy(() -> raw.startTls(tls.clientContext(), name))
          .as("the tunnel closes during the handshake")
          .isInstanceOf(IOException.class);
    }
    assertTlsOriginSawNoHello();
    proxy.awaitNoOpenChannels();
  }

  static Stream<Arguments> allowedServerNames() {
    return Stream.of(
        Arguments.of("127.0.0.1", "allowed.test"),
        Arguments.of("allowed.test", "allowed.test"),
        Arguments.of("127.0.0.1", null));
  }

  @ParameterizedTest(name = "CONNECT {0} with server name {1}")
  @MethodSource("allowedServerNames")
  void anAllowedServerNameOrNoneReachesTheOrigin(String target, String serverName)
      throws Exception {
    try (RawClient raw = tunnelTo(target)) {
      raw.startTls(tls.clientContext(), serverName);
      raw.send("GET / HTTP/1.1\r\nHost: allowed.test\r\n\r\n");

      assertThat(raw.readResponse().bodyText()).isEqualTo(TlsOrigin.HELLO);
    }
    assertThat(tls.handshakes()).isOne();
  }

  /**
   * ClientHellos no JDK client sends, each carrying a banned name where some TLS stack would find
   * it. The proxy must close the tunnel without forwarding them: an origin that received one would
   * answer with a ServerHello or an alert, and the client would read that.
   */
  static Stream<Arguments> bentClientHellos() throws Exception {
    byte[] allowed = fromJdk("allowed.test");
    byte[] banned = fromJdk("blocked.test");
    return Stream.of(
        Arguments.of(
            "a trailing dot", withServerNameExtensions(allowed, nameList(0, "blocked.test."))),
        Arguments.of(
            "a Unicode name in UTF-8",
            withServerNameExtensions(allowed, nameList(0, "bücher.test"))),
        Arguments.of(
            "the banned name second in the list",
            withServerNameExtensions(allowed, nameList(0, "allowed.test", 0, "blocked.test"))),
        Arguments.of(
            "the banned name after an entry of another type",
            withServerNameExtensions(allowed, nameList(1, "allowed.test", 0, "blocked.test"))),
        Arguments.of(
            "a second server_name extension",
            withServerNameExtensions(
                allowed, nameList(0, "allowed.test"), nameList(0, "blocked.test"))),
        Arguments.of("an empty server_name list", withServerNameExtensions(allowed, nameList())),
        Arguments.of(
            "a server_name list longer than its extension",
            withServerNameExtensions(allowed, truncated(nameList(0, "blocked.test")))),
        Arguments.of("the hello split over two records", fragmented(banned, 40)),
        Arguments.of("a first record shorter than the handshake header", fragmented(banned, 2)),
        Arguments.of("the hello split over four records", fragmented(banned, 1, 100, 101)),
        Arguments.of(
            "a handshake record that is no ClientHello",
            TunnelClientHello.withHandshakeType(banned, 2)));
  }

  private static byte[] truncated(byte[] body) {
    return java.util.Arrays.copyOf(body, body.length - 3);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bentClientHellos")
  void aClientHelloBentAroundTheCheckIsNotForwarded(String shape, byte[] hello) throws Exception {
    try (RawClient raw = tunnelTo("127.0.0.1")) {
      raw.send(hello);

      assertThat(raw.readToEnd()).as("nothing came back from the origin").isEmpty();
    }
    assertTlsOriginSawNoHello();
    proxy.awaitNoOpenChannels();
  }

  /** The control for the table above: a rebuilt hello naming an allowed host does get through. */
  @Test
  void aRebuiltClientHelloForAnAllowedNameReachesTheOrigin() throws Exception {
    byte[] hello = withServerNameExtensions(fromJdk("blocked.test"), nameList(0, "allowed.test"));
    try (RawClient raw = tunnelTo("127.0.0.1")) {
      raw.send(hello);

      byte[] reply = raw.readExactly(1);
      assertThat(reply[0]).as("a handshake record from the origin").isEqualTo((byte) 22);
    }
    Await.until("the origin read the name", () -> tls.sniNames().contains("allowed.test"));
  }

  // ---------------------------------------------------------------- what is not a ClientHello

  @Test
  void aTunnelCarryingPlainHttpPassesOnItsTargetAlone() throws Exception {
    try (RawClient raw = proxy.rawClient()) {
      assertThat(connect(raw, "allowed.test:" + http.port()).status()).isEqualTo(200);
      raw.send("GET /echo HTTP/1.1\r\nHost: allowed.test\r\n\r\n");

      RawResponse response = raw.readResponse();
      assertThat(response.status()).isEqualTo(200);
    }
    assertThat(http.lastRequest().requestLine()).isEqualTo("GET /echo HTTP/1.1");
    assertThat(http.lastRequest().header("Host"))
        .as("inside a tunnel the proxy changes nothing")
        .isEqualTo("allowed.test");
  }

  static Stream<Arguments> firstRecordsOtherThanAHandshake() throws Exception {
    byte[] alert = TunnelClientHello.record(21, new byte[] {2, 40});
    byte[] changeCipherSpec = TunnelClientHello.record(20, new byte[] {1});
    byte[] applicationData = TunnelClientHello.record(23, "hello".getBytes(UTF_8));
    byte[] hello = fromJdk("blocked.test");
    return Stream.of(
        Arguments.of("an alert", alert),
        Arguments.of("a change_cipher_spec", changeCipherSpec),
        Arguments.of("application data", applicationData),
        Arguments.of("a change_cipher_spec, then a ClientHello", concat(changeCipherSpec, hello)),
        Arguments.of("an alert, then a ClientHello", concat(alert, hello)));
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] both = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, both, a.length, b.length);
    return both;
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("firstRecordsOtherThanAHandshake")
  void aTunnelOpeningWithAnotherTlsRecordIsClosed(String what, byte[] bytes) throws Exception {
    try (RawClient raw = tunnelTo("allowed.test")) {
      raw.send(bytes);

      assertThat(raw.readToEnd()).as("nothing came back from the origin").isEmpty();
    }
    assertTlsOriginSawNoHello();
    proxy.awaitNoOpenChannels();
  }

  // ---------------------------------------------------------------- curl

  @Test
  void curlTunnelsToAnAllowedNameAndIsRefusedABannedOne() throws Exception {
    FilterProbe.assumeCurl();

    FilterProbe.CurlRun banned =
        FilterProbe.curl(proxy, "-p", "-k", "https://blocked.test:" + tls.port() + "/");
    assertThat(banned.exitCode()).as("curl: %s", banned.err()).isNotZero();
    assertThat(banned.err()).contains("403");
    assertThat(tls.acceptedConnections()).isZero();

    FilterProbe.CurlRun allowed =
        FilterProbe.curl(proxy, "--proxytunnel", "-k", "https://allowed.test:" + tls.port() + "/");
    assertThat(allowed.exitCode()).as("curl: %s", allowed.err()).isZero();
    assertThat(allowed.out()).isEqualTo(TlsOrigin.HELLO);
    assertThat(tls.sniNames()).containsExactly("allowed.test");
  }
}
