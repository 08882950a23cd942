package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.FilterProbe.assertBlocked;

import java.util.List;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.Test;

/**
 * The built-in block page is in the client's language, with or without {@code notice:}: German for
 * {@code Accept-Language: de}, English for {@code en}, for a language without a page, and without
 * the field. An operator's own {@code block-page:} serves as it is, in its one language.
 */
class LocalizedBlockPageTest {
  private static final String BLOCKLIST =
      """
      bans:
        - domain: blocked.test
          reason: "Owner asked <not> to be reached"
        - host: quiet.test
      """;

  private static final String NOTICE =
      """
      notice:
        listen: ["127.0.0.1:0"]
        operator: "Example Exit e.V."
        contact: abuse@exit.example
        addresses: [203.0.113.10]
      """;

  private static final String ENGLISH = "www.blocked.test is not reachable through this service";
  private static final String GERMAN = "www.blocked.test ist über diesen Dienst nicht erreichbar";

  /** One client's request and the page it should read. */
  record Case(String acceptLanguage, String lang, String heading) {}

  private static final List<Case> CASES =
      List.of(
          new Case("de", "de", GERMAN),
          new Case("de-DE, en;q=0.5", "de", GERMAN),
          new Case("en", "en", ENGLISH),
          new Case("fr", "en", ENGLISH),
          new Case(null, "en", ENGLISH));

  static RawResponse blocked(ProxyFixture proxy, String target, String acceptLanguage)
      throws Exception {
    try (RawClient raw = proxy.rawClient()) {
      String head =
          "GET "
              + target
              + " HTTP/1.1\r\nHost: "
              + FilterProbe.hostOf(target)
              + "\r\n"
              + (acceptLanguage == null ? "" : "Accept-Language: " + acceptLanguage + "\r\n")
              + "Connection: close\r\n\r\n";
      raw.send(head.getBytes(UTF_8));
      return raw.readResponse();
    }
  }

  @Test
  void withoutANoticeTheBlockPageIsInTheClientsLanguage() throws Exception {
    try (ProxyFixture proxy =
        ProxyFixture.builder().blocklist(BLOCKLIST).builtInBlockPage().start()) {
      assertThat(proxy.config().notice()).isNull();
      for (Case c : CASES) {
        RawResponse response = blocked(proxy, "http://www.blocked.test/", c.acceptLanguage());

        assertBlocked(response);
        assertThat(response.header("Content-Language")).as("%s", c).isEqualTo(c.lang());
        assertThat(response.bodyText())
            .as("%s", c)
            .contains("<html lang=\"" + c.lang() + "\">")
            .contains("<h1>" + c.heading() + "</h1>")
            .contains("Owner asked &lt;not&gt; to be reached")
            .as("no notice: no operator's name and no link anywhere")
            .doesNotContain("Example Exit")
            .doesNotContain("href=");
      }
    }
  }

  @Test
  void withANoticeTheBlockPageIsInTheClientsLanguageAndNamesTheOperator() throws Exception {
    try (ProxyFixture proxy =
        ProxyFixture.builder().blocklist(BLOCKLIST).builtInBlockPage().config(NOTICE).start()) {
      for (Case c : CASES) {
        RawResponse response = blocked(proxy, "http://www.blocked.test/", c.acceptLanguage());

        assertBlocked(response);
        assertThat(response.header("Content-Language")).as("%s", c).isEqualTo(c.lang());
        assertThat(response.bodyText())
            .as("%s", c)
            .contains("<h1>" + c.heading() + "</h1>")
            .contains("Example Exit e.V.")
            .contains("/bans?q&#61;blocked.test#domain-blocked.test\"");
      }
    }
  }

  @Test
  void aBanWithoutReasonGetsTheDefaultReasonInTheClientsLanguageWithoutANotice() throws Exception {
    try (ProxyFixture proxy =
        ProxyFixture.builder().blocklist(BLOCKLIST).builtInBlockPage().start()) {
      assertThat(blocked(proxy, "http://quiet.test/", "de").bodyText())
          .contains(
              "Der Betreiber dieser Website hat darum gebeten, dass sie über diesen Dienst nicht"
                  + " erreichbar ist.");
      assertThat(blocked(proxy, "http://quiet.test/", null).bodyText())
          .contains("The owner of this site asked that it not be reachable through this service.");
    }
  }

  @Test
  void theOperatorsOwnBlockPageServesAsItIsInEveryLanguage() throws Exception {
    try (ProxyFixture proxy =
        ProxyFixture.builder()
            .blocklist(BLOCKLIST)
            .blockPage("<p>Mine: {{host}} ({{reason}})</p>")
            .start()) {
      RawResponse response = blocked(proxy, "http://www.blocked.test/", "de");

      assertBlocked(response);
      assertThat(response.bodyText())
          .isEqualTo("<p>Mine: www.blocked.test (Owner asked &lt;not&gt; to be reached)</p>");
    }
  }
}
