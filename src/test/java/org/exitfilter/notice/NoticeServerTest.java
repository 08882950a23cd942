package org.exitfilter.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.reload.CurrentBlocklist;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoticeServerTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  Path blocklist;
  NoticeFixture notice;

  @BeforeEach
  void start() throws Exception {
    NoticeFixture.write(dir, "shared/optout.txt", "forum.example.com", "board.example.net");
    blocklist =
        NoticeFixture.write(
            dir,
            "blocklist.yaml",
            "bans:",
            "  - domain: secret-site.example",
            "    reason: \"Owner asked <b>politely</b>\"",
            "    requested-by: webmaster@secret-site.example",
            "    requested-on: 2026-11-20",
            "    reference: 2026-11-21-abcdef",
            "  - network: 203.0.113.0/24",
            "    ports: [80, 443]",
            "  - host: gone.example",
            "    expires: 2026-12-01",
            "lists:",
            "  - file: shared/optout.txt",
            "    kind: domain",
            "    reason: \"Shared opt-out list\"",
            "exceptions:",
            "  - host: status.secret-site.example");
    Path key = NoticeFixture.write(dir, "operator.asc", "-----BEGIN PGP PUBLIC KEY BLOCK-----");
    notice = NoticeFixture.start(dir, blocklist, NoticeFixture.config(dir, false, null, key));
  }

  @AfterEach
  void stop() {
    notice.close();
  }

  static void assertSafeHeaders(HttpResponse<?> response) {
    assertThat(response.headers().firstValue("Content-Security-Policy"))
        .as("CSP on %s", response.uri())
        .contains("default-src 'none'; style-src 'self'; img-src 'self'");
    assertThat(response.headers().firstValue("Referrer-Policy")).contains("no-referrer");
    assertThat(response.headers().firstValue("X-Content-Type-Options")).contains("nosniff");
  }

  @Test
  void everyPathAnswersInBothLanguagesWithTheSafetyHeaders() throws Exception {
    record Case(String path, String lang, String text, String contentType) {}
    List<Case> cases =
        List.of(
            new Case("/", "en", "keeps no record of who sent what", "text/html"),
            new Case("/", "de", "speichert nicht, wer was gesendet hat", "text/html"),
            new Case("/bans", "en", "Published bans", "text/html"),
            new Case("/bans", "de", "Veröffentlichte Sperren", "text/html"),
            new Case("/request-a-ban", "en", "_exitfilter-ban.", "text/html"),
            new Case("/request-a-ban", "de", "Sperre beantragen", "text/html"),
            new Case("/bans.json", "en", "\"schema\":\"exitfilter-bans/1\"", "application/json"),
            new Case("/exit-addresses.txt", "en", "203.0.113.10\n2001:db8::10\n", "text/plain"),
            new Case("/exit-addresses.json", "en", "\"2001:db8::10\"", "application/json"),
            new Case("/.well-known/security.txt", "en", "Contact: mailto:", "text/plain"),
            new Case("/pgp-key.asc", "en", "BEGIN PGP PUBLIC KEY", "application/pgp-keys"),
            new Case("/style.css", "en", "font-family", "text/css"));
    for (Case c : cases) {
      HttpResponse<String> response = notice.get(c.path() + "?lang=" + c.lang());
      assertThat(response.statusCode()).as(c.path()).isEqualTo(200);
      assertThat(response.body()).as("%s in %s", c.path(), c.lang()).contains(c.text());
      assertThat(response.headers().firstValue("Content-Type").orElseThrow())
          .startsWith(c.contentType());
      assertSafeHeaders(response);
      if (c.contentType().equals("text/html")) {
        assertThat(response.headers().firstValue("Content-Language")).contains(c.lang());
        assertThat(response.body())
            .as("no script, no external resource")
            .doesNotContain("<script", "src=", "href=\"http", "href=\"//", "<iframe", "style=");
      }
    }
  }

  @Test
  void theLanguageComesFromTheParameterThenAcceptLanguageThenTheFirstConfigured() throws Exception {
    assertThat(notice.get("/", "Accept-Language", "de-AT,de;q=0.9,en;q=0.5").body())
        .contains("<html lang=\"de\"");
    assertThat(notice.get("/", "Accept-Language", "fr, en;q=0.2, de;q=0.1").body())
        .contains("<html lang=\"en\"");
    assertThat(notice.get("/?lang=en", "Accept-Language", "de").body())
        .contains("<html lang=\"en\"");
    assertThat(notice.get("/?lang=xx", "Accept-Language", "fr").body())
        .as("neither served: the first configured language")
        .contains("<html lang=\"en\"");
    assertThat(notice.get("/bans?lang=de").body())
        .as("every page links to the other languages")
        .contains("href=\"/bans?lang&#61;en\"");
  }

  @Test
  void unknownPathsGet404AndOtherMethods405() throws Exception {
    for (String path : List.of("/admin", "/bans/", "/index.html", "/..%2fetc/passwd")) {
      HttpResponse<String> response = notice.get(path);
      assertThat(response.statusCode()).as(path).isEqualTo(404);
      assertSafeHeaders(response);
    }
    for (String method : List.of("POST", "PUT", "DELETE", "OPTIONS")) {
      HttpResponse<String> response = notice.send(method, "/");
      assertThat(response.statusCode()).as(method).isEqualTo(405);
      assertThat(response.headers().firstValue("Allow")).contains("GET, HEAD");
      assertSafeHeaders(response);
    }
  }

  @Test
  void headSendsTheHeadersOfGetWithoutABody() throws Exception {
    HttpResponse<String> get = notice.get("/bans?lang=en");
    HttpResponse<String> head = notice.send("HEAD", "/bans?lang=en");
    HttpResponse<String> headJson = notice.send("HEAD", "/bans.json");
    assertThat(headJson.statusCode()).isEqualTo(200);
    assertThat(headJson.body()).isEmpty();
    assertThat(headJson.headers().firstValue("ETag")).isPresent();
    assertThat(head.statusCode()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.headers().firstValue("Content-Length"))
        .contains(
            String.valueOf(get.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length));
    assertSafeHeaders(head);
  }

  @Test
  void theBansPageListsTheBansInForceButNoExceptionNorRequester() throws Exception {
    String page = notice.get("/bans?lang=en").body();

    assertThat(page)
        .contains(
            "<tr id=\"domain-secret-site.example\">",
            "Owner asked &lt;b&gt;politely&lt;/b&gt;",
            "2026-11-20",
            "2026-11-21-abcdef",
            "network-203.0.113.0/24",
            "80, 443",
            "domain-forum.example.com",
            "Shared opt-out list",
            "optout.txt",
            "Entries 1 to 4 of 4")
        .doesNotContain("status.secret-site.example")
        .doesNotContain("webmaster@secret-site.example")
        .as("expired on 2026-12-01, the day is 2026-12-05")
        .doesNotContain("gone.example");
  }

  @Test
  void aSearchWithoutMatchesAndAPagePastTheEndSayWhatTheyFound() throws Exception {
    assertThat(notice.get("/bans?lang=en&q=nothing-here").body())
        .contains("No entries match “nothing-here”.")
        .doesNotContain("<table>");
    assertThat(notice.get("/bans?lang=de&q=FORUM").body())
        .contains("Einträge 1 bis 1 von 1 mit „FORUM“.", "forum.example.com");
    assertThat(notice.get("/bans?lang=en&page=999999999").body())
        .as("the last page")
        .contains("Entries 1 to 4 of 4");
  }

  @Test
  void theRequesterIsPublishedOnlyWhenTheOperatorSaysSo() throws Exception {
    try (NoticeFixture open =
        NoticeFixture.start(dir, blocklist, NoticeFixture.config(dir, true, null, null))) {
      assertThat(open.get("/bans").body()).contains("webmaster@secret-site.example");
      JsonNode json = JSON.readTree(open.get("/bans.json").body());
      assertThat(json.get("bans").get(0).get("requested-by").asText())
          .isEqualTo("webmaster@secret-site.example");
    }
    JsonNode json = JSON.readTree(notice.get("/bans.json").body());
    assertThat(json.get("bans").get(0).has("requested-by")).isFalse();
  }

  @Test
  void bansJsonFollowsItsSchemaAndAnswersAMatchingETagWith304() throws Exception {
    HttpResponse<String> response = notice.get("/bans.json");
    JsonNode json = JSON.readTree(response.body());

    assertThat(json.get("schema").asText()).isEqualTo("exitfilter-bans/1");
    assertThat(json.get("day").asText()).isEqualTo("2026-12-05");
    assertThat(json.get("count").asInt()).isEqualTo(4);
    JsonNode first = json.get("bans").get(0);
    assertThat(first.get("kind").asText()).isEqualTo("domain");
    assertThat(first.get("value").asText()).isEqualTo("secret-site.example");
    assertThat(first.get("ports").isNull()).as("every port").isTrue();
    assertThat(first.get("reason").asText()).isEqualTo("Owner asked <b>politely</b>");
    assertThat(first.get("requested-on").asText()).isEqualTo("2026-11-20");
    assertThat(first.get("expires").isNull()).isTrue();
    assertThat(first.get("reference").asText()).isEqualTo("2026-11-21-abcdef");
    assertThat(first.get("source").asText()).isEqualTo("blocklist.yaml");
    assertThat(json.get("bans").get(1).get("ports").toString()).isEqualTo("[80,443]");

    String tag = response.headers().firstValue("ETag").orElseThrow();
    HttpResponse<String> again = notice.get("/bans.json", "If-None-Match", tag);
    assertThat(again.statusCode()).isEqualTo(304);
    assertThat(again.body()).isEmpty();
  }

  @Test
  void thePagesFollowAReloadAtOnce() throws Exception {
    CurrentBlocklist current =
        new CurrentBlocklist(BlocklistLoader.load(blocklist), LocalDate.of(2026, 12, 5));
    current.onReplace(notice.bans::update, notice.bans::updateShared);
    String tagBefore = notice.get("/bans.json").headers().firstValue("ETag").orElseThrow();
    NoticeFixture.write(dir, "shared/optout.txt", "forum.example.com", "new-ban.example");

    current.replace(BlocklistLoader.load(blocklist), LocalDate.of(2026, 12, 5));

    assertThat(notice.get("/bans").body()).contains("new-ban.example");
    HttpResponse<String> json = notice.get("/bans.json", "If-None-Match", tagBefore);
    assertThat(json.statusCode()).as("a list file's edit changes the ETag").isEqualTo(200);
    assertThat(json.body()).contains("new-ban.example").doesNotContain("board.example.net");
  }

  @Test
  void theSecurityTxtHasContactExpiresEncryptionAndPreferredLanguages() throws Exception {
    assertThat(notice.get("/.well-known/security.txt").body())
        .isEqualTo(
            "Contact: mailto:abuse@exit.example\n"
                + "Expires: 2026-12-12T12:00:00Z\n"
                + "Encryption: http://127.0.0.1:"
                + notice.server.addresses().get(0).getPort()
                + "/pgp-key.asc\n"
                + "Preferred-Languages: en, de\n");
  }

  @Test
  void theRequestPageGivesAPrefilledMailtoLink() throws Exception {
    assertThat(notice.get("/request-a-ban?lang=en").body())
        .contains("href=\"mailto:abuse@exit.example?subject&#61;Ban%20request&amp;body&#61;");
  }

  @Test
  void aBrokenOverrideIsReportedAsFileAndLineAndTheBuiltInKeepsServing() throws Exception {
    Path templates = dir.resolve("notice");
    NoticeFixture.write(dir, "notice/index.de.mustache", "<p>Hallo</p>", "{{#open}}", "oops");

    NoticeTemplateException e =
        catchThrowableOfType(
            NoticeTemplateException.class,
            () ->
                NoticeFixture.start(
                    dir, blocklist, NoticeFixture.config(dir, false, templates, null)));

    assertThat(e).isNotNull();
    assertThat(e.problems())
        .singleElement()
        .asString()
        .startsWith(templates.resolve("index.de.mustache") + ":");
    assertThat(notice.server.reloadTemplates()).as("the built-in needs no reload").isTrue();
  }

  @Test
  void anOverrideReplacesItsTemplateAndAReloadWithABrokenOneKeepsTheLastGood() throws Exception {
    Path templates = dir.resolve("notice");
    NoticeFixture.write(
        dir,
        "notice/index.en.mustache",
        "{{<layout.en.mustache}}{{$title}}Legal{{/title}}{{$body}}",
        "<h1>Impressum of {{operator}}</h1>{{/body}}{{/layout.en.mustache}}");
    try (NoticeFixture custom =
        NoticeFixture.start(dir, blocklist, NoticeFixture.config(dir, false, templates, null))) {
      assertThat(custom.get("/?lang=en").body())
          .contains("<h1>Impressum of Example Exit e.V.</h1>");
      assertThat(custom.get("/?lang=de").body()).contains("Anonymisierungsnetzes");

      NoticeFixture.write(dir, "notice/index.en.mustache", "{{/never-opened}}");
      assertThat(custom.server.reloadTemplates()).isFalse();
      assertThat(custom.get("/?lang=en").body()).contains("Impressum");
    }
  }
}
