package org.exitfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Set;
import org.exitfilter.config.Limits;
import org.exitfilter.config.Ports;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;
import org.exitfilter.config.Source;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.Host;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A first end-to-end pass over the proxy with a hand-written matcher. */
class ProxySmokeTest {
  @TempDir Path dir;
  HttpServer origin;
  java.net.ServerSocket echo;
  ProxyServer proxy;

  static final Rule BAN =
      new Rule(
          RuleKind.HOST,
          "blocked.test",
          null,
          Ports.ALL,
          false,
          "asked",
          null,
          null,
          null,
          null,
          new Source(Path.of("b.yaml"), 1, 1));

  @BeforeEach
  void start() throws IOException {
    origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    origin.createContext(
        "/",
        ex -> {
          byte[] body =
              ("host="
                      + ex.getRequestHeaders().getFirst("Host")
                      + " via="
                      + ex.getRequestHeaders().getFirst("Via"))
                  .getBytes(StandardCharsets.UTF_8);
          ex.sendResponseHeaders(200, body.length);
          try (OutputStream out = ex.getResponseBody()) {
            out.write(body);
          }
        });
    origin.start();
    echo = new java.net.ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread echoThread =
        new Thread(
            () -> {
              while (!echo.isClosed()) {
                try (Socket c = echo.accept()) {
                  c.getInputStream().transferTo(c.getOutputStream());
                } catch (IOException e) {
                  // next
                }
              }
            });
    echoThread.setDaemon(true);
    echoThread.start();
    Path page = dir.resolve("blockpage.html");
    Files.writeString(page, "<p>{{host}} blocked: {{reason}}</p>");
    Matcher matcher =
        new Matcher() {
          @Override
          public Verdict check(Host.Name name, int port) {
            return name.ascii().equals("blocked.test")
                ? new Verdict(Verdict.Decision.BLOCK, BAN)
                : Verdict.NO_MATCH;
          }

          @Override
          public Verdict check(InetAddress address, int port) {
            return Verdict.NO_MATCH;
          }

          @Override
          public LocalDate day() {
            return LocalDate.now();
          }

          @Override
          public Matcher onDay(LocalDate day) {
            return this;
          }
        };
    ProxyConfig config =
        new ProxyConfig(
            dir.resolve("x.yaml"),
            new InetSocketAddress("127.0.0.1", 0),
            List.of(),
            null,
            Set.of(443, echo.getLocalPort()),
            true,
            dir.resolve("b.yaml"),
            page,
            null,
            Limits.DEFAULTS);
    proxy = ProxyServer.start(config, () -> matcher);
  }

  @AfterEach
  void stop() {
    proxy.close();
    origin.stop(0);
    try {
      echo.close();
    } catch (IOException e) {
      // closing
    }
  }

  @Test
  void tunnelRelaysBytesBothWays() throws Exception {
    try (Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              ("CONNECT 127.0.0.1:" + echo.getLocalPort() + " HTTP/1.1\r\nHost: x\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      String head = readHead(s.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 200");
      s.getOutputStream().write("hello tunnel".getBytes(StandardCharsets.US_ASCII));
      byte[] back = s.getInputStream().readNBytes(12);
      assertThat(new String(back, StandardCharsets.US_ASCII)).isEqualTo("hello tunnel");
    }
  }

  @Test
  void tunnelWithBannedSniIsClosedBeforeForwarding() throws Exception {
    javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
    tls.init(null, null, null);
    javax.net.ssl.SSLEngine engine = tls.createSSLEngine("blocked.test", 443);
    engine.setUseClientMode(true);
    javax.net.ssl.SSLParameters params = engine.getSSLParameters();
    params.setServerNames(List.of(new javax.net.ssl.SNIHostName("blocked.test")));
    engine.setSSLParameters(params);
    java.nio.ByteBuffer out =
        java.nio.ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.wrap(java.nio.ByteBuffer.allocate(0), out);
    out.flip();
    byte[] hello = new byte[out.remaining()];
    out.get(hello);
    try (Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              ("CONNECT 127.0.0.1:" + echo.getLocalPort() + " HTTP/1.1\r\nHost: x\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 200");
      s.getOutputStream().write(hello);
      assertThat(s.getInputStream().read()).as("closed without echoing the hello").isEqualTo(-1);
    }
  }

  static String readHead(InputStream in) throws IOException {
    StringBuilder b = new StringBuilder();
    while (!b.toString().endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        break;
      }
      b.append((char) c);
    }
    return b.toString();
  }

  HttpClient client() {
    return HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).build();
  }

  @Test
  void allowedRequestIsForwardedWithGeneratedHost() throws Exception {
    int port = origin.getAddress().getPort();
    HttpResponse<String> r =
        client()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("host=127.0.0.1:" + port + " via=null");
    HttpResponse<String> again =
        client()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/y")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(200);
  }

  @Test
  void blockedRequestGets403() throws Exception {
    HttpResponse<String> r =
        client()
            .send(
                HttpRequest.newBuilder(URI.create("http://BLOCKED.test./")).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("proxy-status"))
        .hasValue("exitfilter; error=http_request_denied");
    assertThat(r.body()).contains("blocked.test blocked: asked");
  }

  @Test
  void rawSmugglingFormsGet400() throws Exception {
    String resp =
        raw(
            "POST http://127.0.0.1/ HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assertThat(resp).startsWith("HTTP/1.1 400");
  }

  @Test
  void connectionStaysUsableAfterABlockPage() throws Exception {
    try (Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              "GET http://blocked.test/ HTTP/1.1\r\nHost: blocked.test\r\n\r\n"
                  .getBytes(StandardCharsets.ISO_8859_1));
      String head = readHead(s.getInputStream());
      assertThat(head).startsWith("HTTP/1.1 403");
      int length = Integer.parseInt(head.replaceAll("(?is).*content-length: (\\d+).*", "$1"));
      s.getInputStream().readNBytes(length);
      s.getOutputStream()
          .write(
              ("GET http://127.0.0.1:"
                      + origin.getAddress().getPort()
                      + "/ HTTP/1.1\r\nHost: x\r\n\r\n")
                  .getBytes(StandardCharsets.ISO_8859_1));
      assertThat(readHead(s.getInputStream())).startsWith("HTTP/1.1 200");
    }
  }

  String raw(String request) throws IOException {
    try (Socket s = new Socket(proxy.address().getAddress(), proxy.address().getPort())) {
      s.setSoTimeout(5000);
      s.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
      InputStream in = s.getInputStream();
      return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }
}
