package org.exitfilter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files in conf/ are what a new operator starts from: they must load as shipped. */
class ShippedConfTest {
  private static final Path CONF = Path.of("conf");

  @TempDir Path tmp;

  @Test
  void shippedConfigLoadsWithSafeDefaults() throws Exception {
    ProxyConfig config = ConfigLoader.load(CONF.resolve("exitfilter.yaml"));

    assertThat(config.listen().getAddress().isLoopbackAddress())
        .as("the shipped proxy listens on loopback only")
        .isTrue();
    assertThat(config.allowPrivateDestinations()).isFalse();
    assertThat(config.connectPorts()).containsExactly(443);
    assertThat(config.limits()).isEqualTo(Limits.DEFAULTS);
    assertThat(config.blocklist()).isEqualTo(CONF.resolve("blocklist.yaml"));
    assertThat(config.blockPage())
        .as("the built-in block page, localized, unless the operator names their own")
        .isNull();
    assertThat(config.notice()).as("no public notice listener until the operator asks").isNull();
  }

  @Test
  void theCommentedNoticeExampleLoadsOnceUncommented() throws Exception {
    StringBuilder yaml = new StringBuilder();
    boolean inExample = false;
    for (String line : Files.readAllLines(CONF.resolve("exitfilter.yaml"))) {
      inExample |= line.equals("# notice:");
      if (inExample && !line.startsWith("#")) {
        // The example ends at the first line that is not a comment; other sections follow.
        break;
      }
      if (inExample && !line.contains("pgp-key") && !line.contains("templates")) {
        yaml.append(line.substring(2)).append('\n');
      }
    }
    Path file = Files.writeString(tmp.resolve("exitfilter.yaml"), yaml);

    NoticeConfig notice = ConfigLoader.load(file).notice();

    assertThat(notice.operator()).isEqualTo("Example Exit e.V.");
    assertThat(notice.listen()).hasSize(2);
    assertThat(notice.languages()).containsExactly("en", "de");
  }

  @Test
  void theCommentedAbuseExampleLoadsOnceUncommented() throws Exception {
    StringBuilder yaml = new StringBuilder();
    boolean inExample = false;
    for (String line : Files.readAllLines(CONF.resolve("exitfilter.yaml"))) {
      inExample |= line.equals("# abuse:");
      // The example's keys are the section lines and the indented ones; the rest is prose.
      if (inExample
          && (line.equals("# abuse:") || line.equals("# dnsbl:") || line.startsWith("#   "))) {
        yaml.append(line.substring(2)).append('\n');
      }
    }
    Path file = Files.writeString(tmp.resolve("exitfilter.yaml"), yaml);

    ProxyConfig config = ConfigLoader.load(file);

    assertThat(config.abuse().mailbox()).isEqualTo("abuse@exitnode-operator.example");
    assertThat(config.abuse().smtp().starttls()).isTrue();
    assertThat(config.abuse().rdap()).hasSize(1);
    assertThat(config.dnsbl().zones()).containsExactly("zen.spamhaus.org", "bl.spamcop.net");
  }

  @Test
  void theBuiltInFallbackBlockPageIsTheShippedExample() throws Exception {
    try (InputStream builtIn =
        ShippedConfTest.class.getResourceAsStream("/org/exitfilter/proxy/blockpage.html")) {
      assertThat(builtIn).as("on the class path").isNotNull();
      assertThat(new String(builtIn.readAllBytes(), StandardCharsets.UTF_8))
          .as("the English page the proxy falls back on is conf/blockpage.html; keep them the same")
          .isEqualTo(Files.readString(CONF.resolve("blockpage.html"), StandardCharsets.UTF_8));
    }
  }

  @Test
  void shippedBlocklistLoadsWithoutWarnings() throws Exception {
    Blocklist blocklist = BlocklistLoader.load(CONF.resolve("blocklist.yaml"));

    assertThat(blocklist.bans()).isNotEmpty();
    assertThat(blocklist.bans())
        .extracting(Rule::kind)
        .as("the examples show every kind")
        .contains(RuleKind.DOMAIN, RuleKind.HOST, RuleKind.PATTERN, RuleKind.NETWORK);
    assertThat(blocklist.warnings()).isEmpty();
  }
}
