package org.exitfilter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TlsOriginTest {
  private TlsOrigin origin;

  @BeforeEach
  void startOrigin() {
    origin = TlsOrigin.start();
  }

  @AfterEach
  void closeOrigin() {
    origin.close();
  }

  private HttpClient client() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .proxy(HttpClient.Builder.NO_PROXY)
        .sslContext(origin.clientContext())
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  @Test
  void theJdkClientTrustingTheCertificateGetsHelloOverTls() throws Exception {
    HttpResponse<String> response =
        client()
            .send(
                HttpRequest.newBuilder(origin.uri("localhost", "/")).build(),
                BodyHandlers.ofString());

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo(TlsOrigin.HELLO);
    assertThat(origin.handshakes()).isOne();
    assertThat(origin.acceptedConnections()).isOne();
    assertThat(origin.sniNames()).containsExactly("localhost");
    assertThat(origin.lastRequest().header("Host")).isEqualTo("localhost:" + origin.port());
  }

  @Test
  void theOriginEndpointsWorkOverTls() throws Exception {
    HttpResponse<InputStream> response =
        client()
            .send(
                HttpRequest.newBuilder(origin.uri("127.0.0.1", "/bytes?n=1000000")).build(),
                BodyHandlers.ofInputStream());

    try (InputStream body = response.body()) {
      assertThat(BodyPattern.verify(body)).isEqualTo(1_000_000);
    }
    assertThat(origin.sniNames()).as("the JDK client sends no SNI for an IP literal").isEmpty();
  }

  @Test
  void theServerNameOfAClientHelloIsRecorded() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.startTls(origin.clientContext(), "allowed.test");
      raw.send("GET / HTTP/1.1\r\nHost: allowed.test\r\n\r\n");
      RawResponse response = raw.readResponse();

      assertThat(response.bodyText()).isEqualTo(TlsOrigin.HELLO);
    }
    assertThat(origin.sniNames()).containsExactly("allowed.test");
    assertThat(origin.handshakes()).isOne();
  }

  @Test
  void aClientHelloWithoutServerNameRecordsNone() throws Exception {
    try (RawClient raw = RawClient.connect(origin.address())) {
      raw.startTls(origin.clientContext(), (String) null);
      raw.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(raw.readResponse().status()).isEqualTo(200);
    }
    assertThat(origin.sniNames()).isEmpty();
  }

  @Test
  void theCertificatePassesTheJdkHostnameCheckForTheTestNamesOnly() throws Exception {
    assertThat(origin.certificateNames()).containsExactlyInAnyOrder("allowed.test", "localhost");

    handshakeVerifyingHostname("allowed.test");

    assertThatThrownBy(() -> handshakeVerifyingHostname("other.test"))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateFailsItsHandshake() throws Exception {
    SSLContext untrusting = SSLContext.getInstance("TLS");
    untrusting.init(null, null, null);
    try (RawClient raw = RawClient.connect(origin.address())) {
      assertThatThrownBy(() -> raw.startTls(untrusting, "allowed.test"))
          .isInstanceOf(SSLHandshakeException.class);
    }
    Await.until("the origin saw the failed handshake", () -> origin.failedHandshakes() == 1);
    assertThat(origin.handshakes()).isZero();
    assertThat(origin.sniNames()).containsExactly("allowed.test");
  }

  @Test
  void startNamesEveryGivenNameInTheCertificate() {
    try (TlsOrigin other = TlsOrigin.start("a.test", "b.test")) {
      assertThat(other.certificateNames())
          .containsExactlyInAnyOrder("a.test", "b.test", "localhost");
    }
  }

  /** A handshake with the JDK's HTTPS hostname check on, as the JDK HttpClient does it. */
  private void handshakeVerifyingHostname(String host) throws Exception {
    try (Socket plain = new Socket(origin.address().getAddress(), origin.port());
        SSLSocket tls =
            (SSLSocket)
                origin
                    .clientContext()
                    .getSocketFactory()
                    .createSocket(plain, host, origin.port(), true)) {
      tls.setSoTimeout(5_000);
      SSLParameters parameters = tls.getSSLParameters();
      parameters.setEndpointIdentificationAlgorithm("HTTPS");
      parameters.setServerNames(List.of(new SNIHostName(host)));
      tls.setSSLParameters(parameters);
      tls.startHandshake();
    }
  }
}
