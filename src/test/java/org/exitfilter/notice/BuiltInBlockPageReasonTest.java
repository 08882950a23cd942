package org.exitfilter.notice;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.FullHttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.exitfilter.config.Ports;
import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;
import org.exitfilter.config.SharedFile;
import org.exitfilter.config.Source;
import org.junit.jupiter.api.Test;

/**
 * What the block page says of a ban without a notice: its reason, and for a shared list's entry
 * where it was written (list, commit, file, line), whether it has a reason or not, since there is
 * no published entry to link to.
 */
class BuiltInBlockPageReasonTest {
  private final BuiltInBlockPage page = BuiltInBlockPage.load();

  @Test
  void aSharedBanNamesItsSourceBesideItsReason() {
    String body = render(ban("Owner asked", sharedSource()), "en");

    assertThat(body).contains("Owner asked (cascade@1a2b3c4:blocklist.yaml:12)");
  }

  @Test
  void aSharedBanWithoutAReasonStillNamesItsSource() {
    String body = render(ban(null, sharedSource()), "de");

    assertThat(body).contains("cascade@1a2b3c4:blocklist.yaml:12").contains("lang=\"de\"");
  }

  @Test
  void theOperatorsOwnBanShowsItsReasonAloneAndNoPathOfThisMachine() {
    String body =
        render(
            ban("Owner asked", new Source(Path.of("/etc/exitfilter/blocklist.yaml"), 3, 1)), "en");

    assertThat(body)
        .contains("Owner asked")
        .doesNotContain("/etc/exitfilter")
        .doesNotContain("blocklist.yaml");
  }

  private static Source sharedSource() {
    return new Source(SharedFile.of("cascade", "1a2b3c4d5e6f", "blocklist.yaml").asPath(), 12, 5);
  }

  private static Rule ban(String reason, Source source) {
    return new Rule(
        RuleKind.DOMAIN,
        "blocked.test",
        null,
        Ports.ALL,
        false,
        reason,
        null,
        null,
        null,
        null,
        source);
  }

  private String render(Rule rule, String language) {
    FullHttpResponse response = page.blocked("www.blocked.test", rule, language);
    try {
      assertThat(response.status().code()).isEqualTo(403);
      return response.content().toString(StandardCharsets.UTF_8);
    } finally {
      response.release();
    }
  }
}
