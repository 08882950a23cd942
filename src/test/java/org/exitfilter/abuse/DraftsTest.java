package org.exitfilter.abuse;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The drafts, rendered by Mustache from the built-in templates or the operator's. */
class DraftsTest {
  @TempDir Path templates;

  static AbuseCase spam(String subject, String cc) {
    return new AbuseCase(
        "20260314-0123abcd",
        "<spam-1@webmail.example.com>",
        "open",
        Instant.parse("2026-03-16T09:00:00Z"),
        Kind.SPAM,
        Format.ISP_FORWARD,
        "203.0.113.10",
        true,
        Instant.parse("2026-03-13T21:15:04Z"),
        "webmail.example.com",
        "abuse-desk@example.com",
        "rdap",
        cc,
        "[Ticket#2026031410000123]",
        null,
        subject,
        "abuse@isp.example.net",
        "en",
        List.of(),
        null,
        null);
  }

  Drafts drafts() {
    return new Drafts(templates, "abuse@exitnode-operator.example", List.of("203.0.113.10"));
  }

  @Test
  void valuesAreWrittenAsTheyAreSinceMailIsPlainText() throws Exception {
    List<Draft> drafts = drafts().of(spam("Spam <b>& \"more\"</b>", "abuse@isp.example.net"));
    assertThat(drafts.get(1).subject())
        .as("no HTML escaping in a plain-text mail")
        .isEqualTo("Re: Spam <b>& \"more\"</b> [Ticket#2026031410000123]");
  }

  @Test
  void aLineBreakInAValueNeverReachesAHeader() throws Exception {
    Files.writeString(
        templates.resolve("feedback.en.txt"), "Subject: Re: {{subject}}\n\nAbout: {{subject}}\n");
    Draft feedback =
        drafts()
            .of(spam("Spam\r\nBcc: victim@example.org\n\nbody", "abuse@isp.example.net"))
            .get(1);
    assertThat(feedback.subject()).isEqualTo("Re: Spam Bcc: victim@example.org body");
    assertThat(feedback.body())
        .as("the body is its own template: a value cannot move text into the subject or back")
        .isEqualTo("About: Spam\r\nBcc: victim@example.org\n\nbody\n");
    assertThatThrownBy(
            () -> new Draft("abuse@example.com\r\nBcc: victim@example.org", null, "s", "b", false))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("line break");
  }

  @Test
  void theForwardLeavesOutTheCopyParagraphWhenThereIsNoCopy() throws Exception {
    assertThat(drafts().of(spam("Spam", "abuse@isp.example.net")).get(0).body())
        .contains("Our provider's abuse team, abuse@isp.example.net, is in copy");
    String alone = drafts().of(spam("Spam", null)).get(0).body();
    assertThat(alone).doesNotContain("in copy").doesNotContain("\n\n\n");
    assertThat(alone).contains("from the address 203.0.113.10 at 2026-03-13T21:15:04Z.");
  }

  @Test
  void anOperatorsTemplateMayUseSections() throws Exception {
    Files.writeString(
        templates.resolve("forward.en.txt"),
        "Subject: Spam via {{provider-host}}\n\n"
            + "{{#cc}}Copy: {{cc}}\n{{/cc}}{{^cc}}No copy\n{{/cc}}Sent {{reported-at}}\n");
    assertThat(drafts().of(spam("Spam", "abuse@isp.example.net")).get(0).body())
        .isEqualTo("Copy: abuse@isp.example.net\nSent 2026-03-13T21:15:04Z\n");
    Draft alone = drafts().of(spam("Spam", null)).get(0);
    assertThat(alone.subject()).isEqualTo("Spam via webmail.example.com");
    assertThat(alone.body()).isEqualTo("No copy\nSent 2026-03-13T21:15:04Z\n");
  }

  @Test
  void aBrokenTemplateIsReportedAtItsFileAndLine() throws Exception {
    Files.writeString(
        templates.resolve("forward.en.txt"), "Subject: Spam\n\nHello,\n\n{{#cc}}never closed\n");
    assertThatThrownBy(() -> drafts().of(spam("Spam", "abuse@isp.example.net")))
        .hasMessage(templates.resolve("forward.en.txt") + ":5: error: Failed to close 'cc' tag");
    Files.writeString(templates.resolve("forward.en.txt"), "Subject: Spam\n\n{{> other}}\n");
    assertThatThrownBy(() -> drafts().of(spam("Spam", "abuse@isp.example.net")))
        .hasMessageContaining("partials");
  }
}
