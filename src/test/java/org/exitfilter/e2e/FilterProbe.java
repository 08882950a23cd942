package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.Assumptions;

/**
 * What the filter tests share: one request through the proxy on a connection of its own, the checks
 * of what a refused user sees, and curl where it is installed.
 */
final class FilterProbe {
  /** The {@code Proxy-Status} of a destination refused by the blocklist. */
  static final String DENIED = "exitfilter; error=http_request_denied";

  /** The start of the {@code Proxy-Status} of a request the proxy could not parse. */
  static final String REQUEST_ERROR = "exitfilter; error=http_request_error";

  /** The start of the {@code Proxy-Status} of a destination address that is not public. */
  static final String IP_PROHIBITED = "exitfilter; error=destination_ip_prohibited";

  private static final int CURL_MAX_SECONDS = 5;

  private FilterProbe() {}

  /**
   * Sends {@code GET target} with a {@code Host} naming the target's host and port, as a client
   * would, on a fresh connection that closes after the response.
   */
  static RawResponse get(ProxyFixture proxy, String target) throws IOException {
    return get(proxy, target, hostOf(target));
  }

  /**
   * Sends {@code GET target} with the given {@code Host} (none when null) on a fresh connection.
   * The request goes out as UTF-8, so a target may carry a Unicode host as a client without IDN
   * support sends it; ASCII targets are sent byte for byte.
   */
  static RawResponse get(ProxyFixture proxy, String target, String host) throws IOException {
    try (RawClient raw = proxy.rawClient()) {
      String head =
          "GET "
              + target
              + " HTTP/1.1\r\n"
              + (host == null ? "" : "Host: " + host + "\r\n")
              + "Connection: close\r\n\r\n";
      raw.send(head.getBytes(UTF_8));
      return raw.readResponse();
    }
  }

  /** The host and port of an absolute URI as a client puts them in {@code Host}: no userinfo. */
  static String hostOf(String target) {
    int start = target.indexOf("://") + 3;
    int end = start;
    while (end < target.length() && "/?#".indexOf(target.charAt(end)) < 0) {
      end++;
    }
    String authority = target.substring(start, end);
    return authority.substring(authority.lastIndexOf('@') + 1);
  }

  /** The user sees the block page: 403 with the blocklist's Proxy-Status and an HTML body. */
  static void assertBlocked(RawResponse response) {
    assertThat(response.status()).as("status of %s", response).isEqualTo(403);
    assertThat(response.header("Proxy-Status"))
        .as("the refusal names the blocklist, not a failure")
        .isEqualTo(DENIED);
    assertThat(response.header("Content-Type")).startsWith("text/html");
    assertThat(response.body()).as("the block page").isNotEmpty();
  }

  /** The user gets 400: the proxy refuses to guess what an unparsable host means. */
  static void assertBadRequest(RawResponse response) {
    assertThat(response.status()).as("status of %s", response).isEqualTo(400);
    assertThat(response.header("Proxy-Status")).startsWith(REQUEST_ERROR);
  }

  // ---------------------------------------------------------------- curl

  /** What a curl run printed and how it ended. */
  record CurlRun(int exitCode, String out, String err) {}

  /** Skips the calling test unless curl is on the PATH. */
  static void assumeCurl() {
    boolean found = false;
    try {
      Process which = new ProcessBuilder("which", "curl").redirectErrorStream(true).start();
      found = which.waitFor(5, TimeUnit.SECONDS) && which.exitValue() == 0;
    } catch (IOException e) {
      found = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    Assumptions.assumeTrue(found, "curl is not installed");
  }

  /**
   * Runs curl through the proxy with {@code args} after the proxy options, ignoring any {@code
   * .curlrc} and proxy variables of the environment, for at most a few seconds.
   */
  static CurlRun curl(ProxyFixture proxy, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>();
    command.add("curl");
    // -q first: no .curlrc; --noproxy "": no NO_PROXY exemption for the test names.
    command.addAll(
        List.of(
            "-q",
            "-sS",
            "--max-time",
            String.valueOf(CURL_MAX_SECONDS),
            "--noproxy",
            "",
            "-x",
            "http://127.0.0.1:" + proxy.port()));
    command.addAll(List.of(args));
    Path out = Files.createTempFile("curl-out", ".txt");
    Path err = Files.createTempFile("curl-err", ".txt");
    try {
      ProcessBuilder builder = new ProcessBuilder(command);
      builder.environment().keySet().removeIf(k -> k.toLowerCase(Locale.ROOT).endsWith("_proxy"));
      Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
      if (!process.waitFor(CURL_MAX_SECONDS + 5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
        throw new AssertionError("curl did not end: " + command);
      }
      return new CurlRun(
          process.exitValue(), Files.readString(out, UTF_8), Files.readString(err, UTF_8));
    } finally {
      Files.deleteIfExists(out);
      Files.deleteIfExists(err);
    }
  }
}
