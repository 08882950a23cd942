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
  ProxyServer proxy;

  static final Rule BAN =
      new Rule(RuleKind.HOST, "blocked.test", null, Ports.ALL, false, "asked", null, null, null,
          null, new Source(Path.of("b.yaml"), 1, 1));

  @BeforeEach
  void start() throws IOException {
    origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    origin.createContext("/", ex -> {
      byte[] body = ("host=" + ex.getRequestHeaders().getFirst("Host") + " via="
          + ex.getRequestHeaders().getFirst("Via")).getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(200, body.length);
      try (OutputStream out = ex.getResponseBody()) {
        out.write(body);
      }
    });
    origin.start();
    Path page = dir.resolve("blockpage.html");
    Files.writeString(page, "<p>{{host}} blocked: {{reason}}</p>");
    Matcher matcher = new Matcher() {
      @Override public Verdict check(Host.Name name, int port) {
        return name.ascii().equals("blocked.test") ? new Verdict(Verdict.Decision.BLOCK, BAN) : Verdict.NO_MATCH;
      }
      @Override public Verdict check(InetAddress address, int port) { return Verdict.NO_MATCH; }
      @Override public LocalDate day() { return LocalDate.now(); }
    };
    ProxyConfig config = new ProxyConfig(dir.resolve("x.yaml"),
        new InetSocketAddress("127.0.0.1", 0), List.of(), null, Set.of(443), true,
        dir.resolve("b.yaml"), page, null, Limits.DEFAULTS);
    proxy = ProxyServer.start(config, () -> matcher);
  }

  @AfterEach
  void stop() {
    proxy.close();
    origin.stop(0);
  }

  HttpClient client() {
    return HttpClient.newBuilder().proxy(ProxySelector.of(proxy.address())).build();
  }

  @Test
  void allowedRequestIsForwardedWithGeneratedHost() throws Exception {
    int port = origin.getAddress().getPort();
    HttpResponse<String> r = client().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/x")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.body()).isEqualTo("host=127.0.0.1:" + port + " via=null");
    HttpResponse<String> again = client().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/y")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(again.statusCode()).isEqualTo(200);
  }

  @Test
  void blockedRequestGets403() throws Exception {
    HttpResponse<String> r = client().send(
        HttpRequest.newBuilder(URI.create("http://BLOCKED.test./")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(403);
    assertThat(r.headers().firstValue("proxy-status")).hasValue("exitfilter; error=http_request_denied");
    assertThat(r.body()).contains("blocked.test blocked: asked");
  }

  @Test
  void rawSmugglingFormsGet400() throws Exception {
    String resp = raw("POST http://127.0.0.1/ HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    assertThat(resp).startsWith("HTTP/1.1 400");
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
