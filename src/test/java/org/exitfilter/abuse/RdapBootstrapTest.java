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
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.ProxyConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RDAP bootstrap (RFC 9224) against one loopback HTTP server that plays IANA (the registries
 * under {@code /iana/}) and the RDAP servers they name. Nothing here leaves the machine.
 */
class RdapBootstrapTest {
  static final Instant NOW = Instant.parse("2026-03-14T10:00:00Z");

  @TempDir Path dir;
  HttpServer server;
  String base;
  final Map<String, Integer> hits = new ConcurrentHashMap<>();
  final Map<String, String> cacheControl = new ConcurrentHashMap<>();
  final Map<String, String> answers = new ConcurrentHashMap<>();

  static String abuseAnswer(String email) {
    return """
        {"objectClassName": "entity", "entities": [{"objectClassName": "entity",
          "roles": ["abuse"], "vcardArray": ["vcard", [["version", {}, "text", "4.0"],
          ["email", {}, "text", "%s"]]]}]}
        """
        .formatted(email);
  }

  @BeforeEach
  void startServer() throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          hits.merge(path, 1, Integer::sum);
          String answer = answers.get(path);
          byte[] body = answer == null ? new byte[0] : answer.getBytes(StandardCharsets.UTF_8);
          if (cacheControl.containsKey(path)) {
            exchange.getResponseHeaders().set("Cache-Control", cacheControl.get(path));
          }
          exchange.getResponseHeaders().set("Content-Type", "application/json");
          exchange.sendResponseHeaders(
              answer == null ? 404 : 200, answer == null ? -1 : body.length);
          try (InputStream ignored = exchange.getRequestBody()) {
            exchange.getResponseBody().write(body);
          }
          exchange.close();
        });
    server.start();
    base = "http://127.0.0.1:" + server.getAddress().getPort() + "/";
    answers.put(
        "/iana/dns.json",
        """
        {"version": "1.0", "services": [
          [["net", "com"], ["https://127.0.0.1:1/unused/", "%1$srdap-com"]],
          [["example.net"], ["%1$srdap-example-net/"]],
          [["org"], ["%1$srdap-org/"]]]}
        """
            .formatted(base));
    answers.put(
        "/iana/ipv4.json",
        """
        {"version": "1.0", "services": [
          [["203.0.0.0/8"], ["%1$srdap-wide/"]],
          [["203.0.113.0/24", "198.51.100.0/24"], ["%1$srdap-narrow/"]]]}
        """
            .formatted(base));
    answers.put(
        "/iana/ipv6.json",
        """
        {"version": "1.0", "services": [[["2001:db8::/32"], ["%1$srdap-v6/"]]]}
        """
            .formatted(base));
    answers.put("/rdap-com/domain/example.com", abuseAnswer("abuse-desk@example.com"));
    answers.put("/rdap-example-net/domain/example.net", abuseAnswer("abuse@registry.example"));
    answers.put("/rdap-narrow/ip/203.0.113.99", abuseAnswer("noc@isp.example.net"));
    answers.put("/rdap-v6/ip/2001:db8:0:0:0:0:0:99", abuseAnswer("noc6@isp.example.net"));
  }

  @AfterEach
  void stopServer() {
    server.stop(0);
  }

  ProxyConfig config(boolean allowPrivate) throws Exception {
    Files.writeString(dir.resolve("blocklist.yaml"), "");
    Path config = dir.resolve("exitfilter.yaml");
    Files.writeString(
        config,
        String.join(
            "\n",
            "allow-private-destinations: " + allowPrivate,
            "abuse:",
            "  addresses: [203.0.113.10]",
            "  mailbox: abuse@exitnode-operator.example",
            ""));
    return ConfigLoader.load(config);
  }

  AbuseContacts contacts(Instant now) throws Exception {
    return new AbuseContacts(
        List.of(),
        config(true),
        URI.create(base + "iana/"),
        dir.resolve("cache"),
        Clock.fixed(now, ZoneOffset.UTC));
  }

  @Test
  void aDomainIsAskedOfTheServerOfItsLongestMatchingSuffix() throws Exception {
    AbuseContacts contacts = contacts(NOW);
    assertThat(contacts.lookup("webmail.example.com"))
        .as("com's HTTPS server refuses connections; its http one, without a slash, answers")
        .isEqualTo(new AbuseContacts.Contact("abuse-desk@example.com", "rdap"));
    assertThat(contacts.lookup("mail.example.net"))
        .as("example.net is a longer match than net")
        .isEqualTo(new AbuseContacts.Contact("abuse@registry.example", "rdap"));
  }

  @Test
  void anAddressIsAskedOfTheServerOfItsLongestMatchingPrefix() throws Exception {
    AbuseContacts contacts = contacts(NOW);
    assertThat(contacts.lookup("203.0.113.99"))
        .isEqualTo(new AbuseContacts.Contact("noc@isp.example.net", "rdap"));
    assertThat(contacts.lookup("2001:db8::99"))
        .isEqualTo(new AbuseContacts.Contact("noc6@isp.example.net", "rdap"));
    assertThat(hits).doesNotContainKey("/rdap-wide/ip/203.0.113.99");
  }

  @Test
  void whatTheBootstrapCannotPlaceFallsBackToAbuseAtTheRegistrableDomain() throws Exception {
    AbuseContacts contacts = contacts(NOW);
    assertThat(contacts.lookup("mail.example.org"))
        .as("org's server has no answer")
        .isEqualTo(new AbuseContacts.Contact("abuse@example.org", "rfc2142"));
    assertThat(contacts.lookup("mail.example.de"))
        .as("no service for de")
        .isEqualTo(new AbuseContacts.Contact("abuse@example.de", "rfc2142"));
    assertThat(contacts.lookup("192.0.2.1"))
        .as("no service, and no domain to fall back on")
        .isNull();
  }

  @Test
  void aBootstrapThatCannotBeFetchedFallsBackToAbuseAtTheRegistrableDomain() throws Exception {
    answers.remove("/iana/dns.json");
    assertThat(contacts(NOW).lookup("webmail.example.com"))
        .isEqualTo(new AbuseContacts.Contact("abuse@example.com", "rfc2142"));
    answers.put("/iana/dns.json", "{\"version\": \"1.0\", \"services\": \"not a list\"");
    assertThat(contacts(NOW).lookup("webmail.example.com"))
        .isEqualTo(new AbuseContacts.Contact("abuse@example.com", "rfc2142"));
  }

  @Test
  void theBootstrapIsFetchedThroughTheDestinationCheck() throws Exception {
    AbuseContacts refused =
        new AbuseContacts(
            List.of(),
            config(false),
            URI.create(base + "iana/"),
            dir.resolve("cache"),
            Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(refused.lookup("webmail.example.com"))
        .isEqualTo(new AbuseContacts.Contact("abuse@example.com", "rfc2142"));
    assertThat(hits).as("a loopback address is private: nothing asked").isEmpty();
  }

  @Test
  void theRegistriesAreFetchedOncePerRunAndKeptOnDiskForADay() throws Exception {
    AbuseContacts contacts = contacts(NOW);
    contacts.lookup("webmail.example.com");
    contacts.lookup("other.example.com");
    assertThat(hits.get("/iana/dns.json")).as("once per run").isEqualTo(1);
    assertThat(dir.resolve("cache/dns.json")).exists();

    contacts(NOW.plus(Duration.ofHours(23))).lookup("webmail.example.com");
    assertThat(hits.get("/iana/dns.json")).as("fresh on disk for a day").isEqualTo(1);

    contacts(NOW.plus(Duration.ofHours(25))).lookup("webmail.example.com");
    assertThat(hits.get("/iana/dns.json")).as("refetched after a day").isEqualTo(2);

    answers.remove("/iana/dns.json");
    assertThat(contacts(NOW.plus(Duration.ofDays(3))).lookup("webmail.example.com"))
        .as("an expired copy serves when the registry cannot be fetched")
        .isEqualTo(new AbuseContacts.Contact("abuse-desk@example.com", "rdap"));
  }

  @Test
  void theResponsesCacheControlSaysHowLongARegistryIsKept() throws Exception {
    cacheControl.put("/iana/ipv4.json", "public, max-age=60");
    contacts(NOW).lookup("203.0.113.99");
    contacts(NOW.plusSeconds(59)).lookup("203.0.113.99");
    assertThat(hits.get("/iana/ipv4.json")).isEqualTo(1);
    contacts(NOW.plusSeconds(61)).lookup("203.0.113.99");
    assertThat(hits.get("/iana/ipv4.json")).isEqualTo(2);

    assertThat(RdapBootstrap.maxAge(null)).isEqualTo(Duration.ofDays(1));
    assertThat(RdapBootstrap.maxAge("no-store")).isZero();
    assertThat(RdapBootstrap.maxAge("max-age=99999999")).isEqualTo(Duration.ofDays(7));
  }

  @Test
  void configuredServersAreAskedInsteadOfTheBootstrap() throws Exception {
    AbuseContacts contacts =
        new AbuseContacts(
            List.of(URI.create(base + "rdap-com/")),
            config(true),
            URI.create(base + "iana/"),
            dir.resolve("cache"),
            Clock.fixed(NOW, ZoneOffset.UTC));
    assertThat(contacts.lookup("webmail.example.com"))
        .isEqualTo(new AbuseContacts.Contact("abuse-desk@example.com", "rdap"));
    assertThat(hits).doesNotContainKey("/iana/dns.json");
  }

  @Test
  void withoutRdapServersTheDeskFindsTheProviderThroughTheBootstrap() throws Exception {
    AbuseDesk desk =
        new AbuseDesk(config(true), Clock.fixed(NOW, ZoneOffset.UTC), URI.create(base + "iana/"));
    byte[] mail;
    try (InputStream in =
        RdapBootstrapTest.class.getResourceAsStream("/abuse/01-isp-forward-attached-en.eml")) {
      mail = in.readAllBytes();
    }
    AbuseCase c = desk.importBytes("01", mail).c();
    assertThat(c.forwardTo()).isEqualTo("abuse-desk@example.com");
    assertThat(desk.folder().resolve(AbuseDesk.RDAP_BOOTSTRAP_CACHE).resolve("dns.json"))
        .as("kept beside the cases")
        .exists();
  }
}
