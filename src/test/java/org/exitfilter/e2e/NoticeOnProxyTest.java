package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.FilterProbe.assertBlocked;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the proxy's own clients see of the exit notice when {@code notice:} is configured: a request
 * addressed to the proxy itself gets the notice, and a banned destination gets the block page in
 * the client's language, linking to the ban's row on the notice's {@code /bans}. Without a notice,
 * and with the operator's own {@code block-page:}, the proxy answers as before.
 */
class NoticeOnProxyTest {
  private static final String BLOCKLIST =
      """
      bans:
        - domain: blocked.test
          reason: "Owner asked <not> to be reached"
        - host: quiet.test
        - domain: other-secret.test
          reason: "Another site's reason"
      """;

  private static final String NOTICE =
      """
      notice:
        listen: ["127.0.0.1:0"]
        operator: "Example Exit e.V."
        contact: abuse@exit.example
        addresses: [203.0.113.10]
      """;

  private ProxyFixture proxy;

  @BeforeEach
  void startProxyWithNotice() throws Exception {
    proxy = ProxyFixture.builder().blocklist(BLOCKLIST).builtInBlockPage().config(NOTICE).start();
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  private String noticeBase() {
    return "http://127.0.0.1:" + proxy.notice().addresses().get(0).getPort();
  }

  private RawResponse send(RawClient client, String head) throws Exception {
    client.send(head.getBytes(UTF_8));
    return client.readResponse();
  }

  @Test
  void aRequestToTheProxyItselfGetsTheNoticeInTheBrowsersLanguageWithItsHeaders() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      RawResponse german =
          send(client, "GET / HTTP/1.1\r\nHost: exit\r\nAccept-Language: de-DE, en;q=0.5\r\n\r\n");

      assertThat(german.status()).isEqualTo(200);
      assertThat(german.header("Content-Language")).isEqualTo("de");
      assertThat(german.header("Content-Security-Policy"))
          .isEqualTo("default-src 'none'; style-src 'self'; img-src 'self'");
      assertThat(german.header("Referrer-Policy")).isEqualTo("no-referrer");
      assertThat(german.header("X-Content-Type-Options")).isEqualTo("nosniff");
      assertThat(german.hasHeader("Proxy-Status")).isFalse();
      assertThat(german.bodyText())
          .contains("<h1>Dies ist ein Exit eines Anonymisierungsnetzes</h1>")
          .as("the contact the old paragraph promised but never gave")
          .contains("href=\"mailto:abuse@exit.example\"")
          .as("the address named is the exit's, not the proxy's loopback listener")
          .contains("Die Adresse 203.0.113.10")
          .as("the other pages are on the notice's own listener")
          .contains("href=\"" + noticeBase() + "/bans?lang=de\"")
          .contains("href=\"" + noticeBase() + "/request-a-ban?lang=de\"");

      RawResponse english =
          send(client, "GET /?lang=en HTTP/1.1\r\nHost: exit\r\nAccept-Language: de\r\n\r\n");
      assertThat(english.status())
          .as("the connection stays open for the next request, as before")
          .isEqualTo(200);
      assertThat(english.header("Content-Language")).as("?lang= goes first").isEqualTo("en");
      assertThat(english.bodyText())
          .contains("<h1>This is an exit of an anonymization network</h1>")
          .contains("Write to <a href=\"mailto:abuse@exit.example\">");
    }
  }

  @Test
  void theNoticeOnTheProxyLoadsItsStylesheetFromTheProxy() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      RawResponse css = send(client, "GET /style.css HTTP/1.1\r\nHost: exit\r\n\r\n");

      assertThat(css.status()).isEqualTo(200);
      assertThat(css.header("Content-Type")).startsWith("text/css");
      assertThat(css.bodyText()).contains("font-family");
    }
  }

  @Test
  void aBannedNameGetsTheBlockPageInGermanLinkingToItsPublishedEntry() throws Exception {
    RawResponse response =
        rawGet("http://www.blocked.test/some/page?x=1", "Accept-Language: de;q=0.9, fr;q=0.8");

    assertBlocked(response);
    assertThat(response.header("Content-Language")).isEqualTo("de");
    assertThat(response.header("Referrer-Policy"))
        .as("following the link tells the notice nothing about the page asked for")
        .isEqualTo("no-referrer");
    assertThat(response.header("Content-Security-Policy"))
        .isEqualTo("default-src 'none'; style-src 'unsafe-inline'");
    String link = noticeBase() + "/bans?q=blocked.test#domain-blocked.test";
    assertThat(response.bodyText())
        .contains("<h1>www.blocked.test ist über diesen Dienst nicht erreichbar</h1>")
        .as("the reason, HTML-escaped")
        .contains("Owner asked &lt;not&gt; to be reached")
        .as("nothing about the other bans")
        .doesNotContain("other-secret.test")
        .doesNotContain("Another site's reason");
    assertThat(links(response.bodyText())).contains(link);

    HttpResponse<String> bans =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .build()
            .send(
                HttpRequest.newBuilder(URI.create(link.substring(0, link.indexOf('#'))))
                    .header("Accept-Language", "de")
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(bans.statusCode()).isEqualTo(200);
    assertThat(bans.body())
        .as("the link leads to the ban's row on the notice")
        .contains("<tr id=\"domain-blocked.test\">");
  }

  @Test
  void aBanWithoutReasonGetsTheLocalizedDefaultReasonInEnglishByDefault() throws Exception {
    RawResponse response = rawGet("http://quiet.test/", null);

    assertBlocked(response);
    assertThat(response.header("Content-Language")).isEqualTo("en");
    assertThat(response.bodyText())
        .contains("<h1>quiet.test is not reachable through this service</h1>")
        .contains("The owner of this site asked that it not be reachable through this service.");
    assertThat(links(response.bodyText()))
        .contains(noticeBase() + "/bans?q=quiet.test#host-quiet.test");
  }

  @Test
  void aBannedConnectGetsTheBlockPageInTheClientsLanguage() throws Exception {
    try (RawClient client = proxy.rawClient()) {
      RawResponse response =
          send(
              client,
              "CONNECT blocked.test:443 HTTP/1.1\r\nHost: blocked.test:443\r\n"
                  + "Accept-Language: de\r\n\r\n");

      assertBlocked(response);
      assertThat(response.bodyText())
          .contains("blocked.test ist über diesen Dienst nicht erreichbar");
    }
  }

  @Test
  void aLanguageWithoutABlockPageTemplateStartsAndGetsTheOverriddenPageOfAnotherLanguage(
      @TempDir Path templates) throws Exception {
    for (String page : List.of("index", "bans", "request-a-ban")) {
      Files.writeString(templates.resolve(page + ".nl.mustache"), "<p>nl</p>\n");
    }
    Files.writeString(
        templates.resolve("blocked.en.mustache"), "<p>Own page: {{host}}, {{entry}}</p>\n");
    try (ProxyFixture dutch =
        ProxyFixture.builder()
            .blocklist(BLOCKLIST)
            .builtInBlockPage()
            .config(NOTICE + "  languages: [nl, en]\n  templates: " + templates + "\n")
            .start()) {
      RawResponse response;
      try (RawClient raw = dutch.rawClient()) {
        response =
            send(
                raw,
                "GET http://blocked.test/ HTTP/1.1\r\nHost: blocked.test\r\n"
                    + "Accept-Language: nl\r\nConnection: close\r\n\r\n");
      }

      assertBlocked(response);
      assertThat(response.header("Content-Language")).isEqualTo("en");
      assertThat(response.bodyText()).startsWith("<p>Own page: blocked.test, http://127.0.0.1:");
    }
  }

  @Test
  void theOperatorsOwnBlockPageKeepsServingWithANotice() throws Exception {
    try (ProxyFixture own =
        ProxyFixture.builder()
            .blocklist(BLOCKLIST)
            .blockPage("<p>Mine: {{host}} ({{reason}})</p>")
            .config(NOTICE)
            .start()) {
      RawResponse response =
          FilterProbe.get(own, "http://blocked.test/"); // no Accept-Language needed

      assertBlocked(response);
      assertThat(response.bodyText())
          .isEqualTo("<p>Mine: blocked.test (Owner asked &lt;not&gt; to be reached)</p>");
    }
  }

  @Test
  void withoutANoticeTheProxyItselfAnswersShortlyAndPromisesNoAddressItDoesNotGive()
      throws Exception {
    try (ProxyFixture plain = ProxyFixture.start(BLOCKLIST);
        RawClient client = plain.rawClient()) {
      RawResponse response =
          send(client, "GET / HTTP/1.1\r\nHost: exit\r\nAccept-Language: de\r\n\r\n");

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText())
          .contains("This is an exit of an anonymization network")
          .doesNotContain("email")
          .doesNotContain("@");
      Matcher mailto = Pattern.compile("mailto:").matcher(response.bodyText());
      assertThat(mailto.find()).isFalse();
    }
  }

  /** The targets of a page's links, as a browser reads them (Mustache escapes '=' too). */
  private static List<String> links(String html) {
    List<String> links = new ArrayList<>();
    Matcher href = Pattern.compile("href=\"([^\"]*)\"").matcher(html);
    while (href.find()) {
      links.add(
          href.group(1)
              .replace("&#61;", "=")
              .replace("&quot;", "\"")
              .replace("&#39;", "'")
              .replace("&amp;", "&"));
    }
    return links;
  }

  private RawResponse rawGet(String target, String extraHeader) throws Exception {
    try (RawClient raw = proxy.rawClient()) {
      return send(
          raw,
          "GET "
              + target
              + " HTTP/1.1\r\nHost: "
              + FilterProbe.hostOf(target)
              + "\r\n"
              + (extraHeader == null ? "" : extraHeader + "\r\n")
              + "Connection: close\r\n\r\n");
    }
  }
}
