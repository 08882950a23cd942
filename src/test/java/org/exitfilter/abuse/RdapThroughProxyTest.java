package org.exitfilter.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.testing.LoopbackDns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The desk's RDAP lookups go through the proxy's own resolution, checks and connect: the RDAP
 * server and IANA's bootstrap are named by names under {@code .example}, which only the loopback
 * DNS server knows, and which it points at the loopback origin. The system resolver cannot resolve
 * them, so a lookup that reaches the origin was resolved by the proxy, and connected to the very
 * address the proxy checked (no second resolution a rebinding answer could change).
 */
class RdapThroughProxyTest {
  static final String RDAP_NAME = "rdap.registry.example";
  static final String IANA_NAME = "iana.registry.example";

  @TempDir Path dir;
  LoopbackDns dns;
  HttpServer origin;
  int port;
  final Map<String, Integer> hits = new ConcurrentHashMap<>();
  final Map<String, String> answers = new ConcurrentHashMap<>();

  @BeforeEach
  void start() throws IOException {
    dns = LoopbackDns.start();
    origin = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    origin.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          hits.merge(path, 1, Integer::sum);
          String answer = answers.get(path);
          try (InputStream ignored = exchange.getRequestBody()) {
            if (path.equals("/rdap/domain/example.net")) {
              exchange.getResponseHeaders().set("Location", "/rdap/domain/example.com");
              exchange.sendResponseHeaders(302, -1);
            } else if (answer == null) {
              exchange.sendResponseHeaders(404, -1);
            } else {
              byte[] body = answer.getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().set("Content-Type", "application/rdap+json");
              exchange.sendResponseHeaders(200, body.length);
              exchange.getResponseBody().write(body);
            }
          }
          exchange.close();
        });
    origin.start();
    port = origin.getAddress().getPort();
    dns.put(RDAP_NAME, "127.0.0.1");
    dns.put(IANA_NAME, "127.0.0.1");
    answers.put(
        "/rdap/domain/example.com", RdapBootstrapTest.abuseAnswer("abuse-desk@example.com"));
    answers.put(
        "/iana/dns.json",
        """
        {"version": "1.0", "services": [[["com"], ["http://%s:%d/rdap/"]]]}
        """
            .formatted(RDAP_NAME, port));
  }

  @AfterEach
  void stop() {
    origin.stop(0);
    dns.close();
  }

  ProxyConfig config(boolean allowPrivate) throws Exception {
    Files.writeString(dir.resolve("blocklist.yaml"), "");
    Path config = dir.resolve("exitfilter.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "resolver: 127.0.0.1:" + dns.port(),
            "allow-private-destinations: " + allowPrivate,
            "connect-ports: [443]",
            "abuse:",
            "  addresses: [203.0.113.10]",
            "  mailbox: abuse@exitnode-operator.example",
            ""));
    return ConfigLoader.load(config);
  }

  AbuseContacts withServer(boolean allowPrivate) throws Exception {
    return new AbuseContacts(
        List.of(URI.create("http://" + RDAP_NAME + ":" + port + "/rdap/")),
        config(allowPrivate),
        URI.create("http://" + IANA_NAME + ":" + port + "/iana/"),
        null,
        Clock.fixed(RdapBootstrapTest.NOW, ZoneOffset.UTC));
  }

  AbuseContacts withBootstrap(boolean allowPrivate) throws Exception {
    return new AbuseContacts(
        List.of(),
        config(allowPrivate),
        URI.create("http://" + IANA_NAME + ":" + port + "/iana/"),
        null,
        Clock.fixed(RdapBootstrapTest.NOW, ZoneOffset.UTC));
  }

  @Test
  void anRdapServerWhoseNameResolvesToLoopbackIsRefusedWithoutPrivateDestinations()
      throws Exception {
    assertThat(withServer(false).lookup("webmail.example.com"))
        .as("the fallback, since the proxy refused the server")
        .isEqualTo(new AbuseContacts.Contact("abuse@example.com", "rfc2142"));
    assertThat(dns.queries(RDAP_NAME)).as("the proxy's resolver was asked").isPositive();
    assertThat(hits).as("no request reached the RDAP server").isEmpty();
  }

  @Test
  void anRdapServerWhoseNameResolvesToLoopbackIsReachedWithPrivateDestinations() throws Exception {
    assertThat(withServer(true).lookup("webmail.example.com"))
        .as("reached by the name only the proxy's resolver knows")
        .isEqualTo(new AbuseContacts.Contact("abuse-desk@example.com", "rdap"));
    assertThat(hits).containsEntry("/rdap/domain/example.com", 1);
  }

  @Test
  void theBootstrapWhoseNameResolvesToLoopbackIsRefusedWithoutPrivateDestinations()
      throws Exception {
    assertThat(withBootstrap(false).lookup("webmail.example.com"))
        .isEqualTo(new AbuseContacts.Contact("abuse@example.com", "rfc2142"));
    assertThat(dns.queries(IANA_NAME)).as("the proxy's resolver was asked").isPositive();
    assertThat(hits).as("neither the registry nor a server was asked").isEmpty();
  }

  @Test
  void theBootstrapAndTheServerItNamesAreReachedWithPrivateDestinations() throws Exception {
    assertThat(withBootstrap(true).lookup("webmail.example.com"))
        .isEqualTo(new AbuseContacts.Contact("abuse-desk@example.com", "rdap"));
    assertThat(hits)
        .containsEntry("/iana/dns.json", 1)
        .containsEntry("/rdap/domain/example.com", 1);
  }

  @Test
  void aRedirectIsNotFollowed() throws Exception {
    assertThat(withServer(true).lookup("webmail.example.net"))
        .as("the redirect's target holds an answer, but is not asked")
        .isEqualTo(new AbuseContacts.Contact("abuse@example.net", "rfc2142"));
    assertThat(hits)
        .containsEntry("/rdap/domain/example.net", 1)
        .doesNotContainKey("/rdap/domain/example.com");
  }
}
