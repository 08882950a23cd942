package org.exitfilter.net;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Hostile text through the host parser. The only failure it may report is {@link
 * InvalidHostException}; what it accepts is a fixed point (its own output parses to itself), so the
 * host the blocklist checks and the host the proxy connects to cannot drift apart.
 *
 * <p>In {@code mvn verify} these replay {@code HostParserFuzzTestInputs/}; {@code JAZZER_FUZZ=1}
 * fuzzes them (docs/FUZZING.md).
 */
class HostParserFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void parsedHostReparsesToItselfAndAnythingElseIsInvalid(byte[] input) {
    String raw = new String(input, StandardCharsets.UTF_8);
    Host host;
    try {
      host = HostParser.parse(raw);
    } catch (InvalidHostException e) {
      assertThat(e.getMessage()).as("a refusal says why").isNotBlank();
      return;
    }
    if (host instanceof Host.Name name) {
      String ascii = name.ascii();
      assertThat(ascii.length()).as("DNS length of %s", ascii).isBetween(1, 253);
      assertThat(
              ascii.chars().allMatch(c -> c > 0x20 && c < 0x7f && "#%/:<>?@[\\]^|".indexOf(c) < 0))
          .as("only printable ASCII that is allowed in a host: %s", ascii)
          .isTrue();
      assertThat(ascii).as("lowercase").isEqualTo(ascii.toLowerCase(Locale.ROOT));
      assertThat(ascii).as("no trailing dot").doesNotEndWith(".");
    }
    Host again = reparse(host.authority());
    assertThat(again).as("%s re-parsed from %s", host, raw).isEqualTo(host);
  }

  @FuzzTest(maxDuration = "2m")
  void parsedAuthorityReparsesToItself(byte[] input) {
    String raw = new String(input, StandardCharsets.UTF_8);
    checkAuthority(raw, 80);
    checkAuthority(raw, -1);
  }

  private static void checkAuthority(String raw, int defaultPort) {
    HostAndPort parsed;
    try {
      parsed = HostAndPort.parse(raw, defaultPort);
    } catch (InvalidHostException e) {
      return;
    }
    assertThat(parsed.port()).isBetween(1, 65535);
    HostAndPort again;
    try {
      again = HostAndPort.parse(parsed.host().authority() + ":" + parsed.port(), -1);
    } catch (InvalidHostException e) {
      throw new AssertionError(parsed + " parsed from " + raw + " does not parse again", e);
    }
    assertThat(again).as("re-parsed from %s", raw).isEqualTo(parsed);
  }

  private static Host reparse(String authority) {
    try {
      return HostParser.parse(authority);
    } catch (InvalidHostException e) {
      throw new AssertionError(authority + " was accepted once but not twice", e);
    }
  }
}
