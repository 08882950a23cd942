package org.exitfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import org.exitfilter.net.HostAndPort;

/**
 * Hostile request targets, as the decoder hands them over: one char per byte (ISO-8859-1). The only
 * failure is a 400 {@link ProxyException}; what is accepted names a destination that the target
 * rebuilt from it names again, and an origin-form path that is safe to send upstream.
 *
 * <p>In {@code mvn verify} these replay {@code RequestTargetFuzzTestInputs/}; {@code JAZZER_FUZZ=1}
 * fuzzes them (docs/FUZZING.md).
 */
class RequestTargetFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void absoluteTargetIsRefusedWith400OrRebuildsToItself(byte[] input) {
    String uri = new String(input, StandardCharsets.ISO_8859_1);
    RequestTarget target;
    try {
      target = RequestTarget.parse(uri);
    } catch (ProxyException e) {
      assertThat(e.error).as("refusal of %s", uri).isEqualTo(ProxyError.BAD_REQUEST);
      return;
    }
    String path = target.originForm();
    assertThat(path).as("origin form of %s", uri).startsWith("/").doesNotContain("#");
    assertThat(path.chars().allMatch(c -> c < 0x80))
        .as("origin form of %s is ASCII: it is written as UTF-8 upstream", uri)
        .isTrue();
    RequestTarget again = reparse("http://" + target.hostHeader() + path);
    assertThat(again.destination()).as("rebuilt from %s", uri).isEqualTo(target.destination());
    assertThat(again.originForm()).as("rebuilt from %s", uri).isEqualTo(path);
  }

  @FuzzTest(maxDuration = "2m")
  void connectTargetIsRefusedWith400OrRebuildsToItself(byte[] input) {
    String authority = new String(input, StandardCharsets.ISO_8859_1);
    HostAndPort destination;
    try {
      destination = RequestTarget.connectDestination(authority);
    } catch (ProxyException e) {
      assertThat(e.error).as("refusal of %s", authority).isEqualTo(ProxyError.BAD_REQUEST);
      return;
    }
    String rebuilt = destination.host().authority() + ":" + destination.port();
    try {
      assertThat(RequestTarget.connectDestination(rebuilt))
          .as("rebuilt from %s", authority)
          .isEqualTo(destination);
    } catch (ProxyException e) {
      throw new AssertionError(rebuilt + " from " + authority + " is refused", e);
    }
  }

  private static RequestTarget reparse(String uri) {
    try {
      return RequestTarget.parse(uri);
    } catch (ProxyException e) {
      throw new AssertionError(uri + " was accepted once but not twice", e);
    }
  }
}
