package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetric;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.RawResponse;

/**
 * What the relay, framing, malformed-input, upstream-failure and limits suites share: request text
 * for a {@link org.exitfilter.testing.RawClient}, the check of a refusal the proxy wrote itself,
 * waiting for a counter to stop moving, and running curl.
 */
final class RelayTestSupport {
  /** The blocklist of these suites: one banned host, never connected to. */
  static final String BAN_BLOCKED_TEST = "bans:\n  - host: blocked.test\n";

  static final long MIB = 1024 * 1024;

  private RelayTestSupport() {}

  /** A request in absolute form with a {@code Host} field as a client would send it. */
  static String request(String method, String uri, String... fields) {
    return versioned("HTTP/1.1", method, uri, fields);
  }

  /** An HTTP/1.0 request, with a {@code Host} field as HTTP/1.0 clients send it today. */
  static String http10(String method, String uri, String... fields) {
    return versioned("HTTP/1.0", method, uri, fields);
  }

  private static String versioned(String version, String method, String uri, String... fields) {
    StringBuilder text = new StringBuilder();
    text.append(method).append(' ').append(uri).append(' ').append(version).append("\r\n");
    text.append("Host: ").append(authority(uri)).append("\r\n");
    for (String field : fields) {
      text.append(field).append("\r\n");
    }
    return text.append("\r\n").toString();
  }

  /** {@code GET uri HTTP/1.1}. */
  static String get(String uri, String... fields) {
    return request("GET", uri, fields);
  }

  /** A request with a {@code Content-Length} body. */
  static String withBody(String method, String uri, String body, String... fields) {
    List<String> all = new ArrayList<>(List.of(fields));
    all.add("Content-Length: " + body.getBytes(UTF_8).length);
    return request(method, uri, all.toArray(String[]::new)) + body;
  }

  private static String authority(String uri) {
    String authority = URI.create(uri).getRawAuthority();
    int at = authority.lastIndexOf('@');
    return at >= 0 ? authority.substring(at + 1) : authority;
  }

  /**
   * Asserts a response the proxy wrote itself: the status and the RFC 9209 error type in {@code
   * Proxy-Status}.
   */
  static void assertProxyError(RawResponse response, int status, String error) {
    assertThat(response.status()).as("status of %s", response).isEqualTo(status);
    assertThat(response.header("Proxy-Status"))
        .as("Proxy-Status of %s", response)
        .isNotNull()
        .matches("exitfilter; error=" + error + "(;.*)?");
  }

  /**
   * Waits until {@code counter} has not changed for {@code quietMillis} and returns its value: for
   * "the sender has stalled", which no single reading can tell.
   */
  static long awaitSteady(String what, LongSupplier counter, long quietMillis) {
    long[] last = {counter.getAsLong(), System.nanoTime()};
    Await.until(
        what + " stops changing",
        () -> {
          long now = counter.getAsLong();
          if (now != last[0]) {
            last[0] = now;
            last[1] = System.nanoTime();
            return false;
          }
          return System.nanoTime() - last[1] >= TimeUnit.MILLISECONDS.toNanos(quietMillis);
        });
    return last[0];
  }

  /**
   * The most payload the kernel may hold on the way between a writer and a reader that stopped,
   * through one proxy: one socket receive buffer at its autotuning maximum ({@code tcp_rmem}), two
   * send buffers at theirs ({@code tcp_wmem}; the third send or receive buffer on the way stays at
   * its default because its side never reads or never gets to write), and 4 MiB for the write
   * buffers' water marks and default-sized buffers. Read from /proc, so a machine with larger
   * limits gets a larger bound; 48 MiB where they cannot be read.
   */
  static long kernelBufferBound() {
    try {
      long rmemMax = lastField(Path.of("/proc/sys/net/ipv4/tcp_rmem"));
      long wmemMax = lastField(Path.of("/proc/sys/net/ipv4/tcp_wmem"));
      return rmemMax + 2 * wmemMax + 4 * MIB;
    } catch (IOException | RuntimeException e) {
      return 48 * MIB;
    }
  }

  private static long lastField(Path file) throws IOException {
    // Not Files.readString: it trusts the size /proc reports and returns a single character.
    String[] fields = String.join(" ", Files.readAllLines(file)).trim().split("\\s+");
    return Long.parseLong(fields[fields.length - 1]);
  }

  /**
   * Direct and heap memory held by Netty's default allocator in this JVM: the proxy's buffers, plus
   * those of the test servers (which hold at most their write buffers' high water marks).
   */
  static long nettyMemoryInUse() {
    ByteBufAllocatorMetric metric =
        ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric();
    return metric.usedDirectMemory() + metric.usedHeapMemory();
  }

  /** Whether a {@code curl} binary is on the PATH. */
  static boolean curlInstalled() {
    try {
      Process which = new ProcessBuilder("which", "curl").redirectErrorStream(true).start();
      which.getInputStream().readAllBytes();
      return which.waitFor(5, TimeUnit.SECONDS) && which.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** What a curl run printed, and how it ended. */
  record CurlResult(int exitCode, String output) {}

  /**
   * Runs {@code curl -sS --max-time 10 -x http://127.0.0.1:proxyPort ARGS}, stderr merged into
   * stdout; bounded by curl's own timeout and a hard limit here.
   */
  static CurlResult curl(int proxyPort, String... args) throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of("curl", "-sS", "--max-time", "10", "-x", "http://127.0.0.1:" + proxyPort));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    byte[] output = process.getInputStream().readAllBytes();
    if (!process.waitFor(15, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("curl did not end: " + command);
    }
    return new CurlResult(process.exitValue(), new String(output, UTF_8));
  }
}
