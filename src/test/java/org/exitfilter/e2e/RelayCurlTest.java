package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.RelayTestSupport.curl;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.exitfilter.e2e.RelayTestSupport.CurlResult;
import org.exitfilter.testing.BodyPattern;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.UploadReceipt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The relay driven by curl, a client the proxy meets in the wild: downloads, HEAD, uploads,
 * HTTP/1.0, a refusal, and bodies cut by the origin, which curl must report as errors. Skipped
 * where curl is not installed.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RelayCurlTest {
  private HttpOrigin origin;
  private HttpOrigin banned;
  private ProxyFixture proxy;
  @TempDir Path dir;

  @BeforeAll
  void start() throws Exception {
    Assumptions.assumeTrue(RelayTestSupport.curlInstalled(), "curl is not installed");
    origin = HttpOrigin.start();
    banned = HttpOrigin.start();
    proxy = ProxyFixture.start(RelayTestSupport.BAN_BLOCKED_TEST);
    proxy.dns().put("origin.test", "127.0.0.1").put("blocked.test", "127.0.0.1");
  }

  @AfterEach
  void everyConnectionIsClosed() {
    proxy.awaitNoOpenChannels();
  }

  @AfterAll
  void stop() {
    if (proxy != null) {
      proxy.close();
      origin.close();
      banned.close();
    }
  }

  private String at(String path) {
    return "http://origin.test:" + origin.port() + path;
  }

  @Test
  void curlGetsAPageThroughTheProxy() throws Exception {
    CurlResult result = curl(proxy.port(), at("/"));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).isEqualTo("hello\n");
    assertThat(origin.lastRequest().header("Host")).isEqualTo("origin.test:" + origin.port());
  }

  @Test
  void curlHeadSeesTheLengthWithoutTheBody() throws Exception {
    CurlResult result = curl(proxy.port(), "-I", at("/bytes?n=5000"));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output())
        .startsWith("HTTP/1.1 200")
        .containsIgnoringCase("content-length: 5000");
    assertThat(origin.lastRequest().method()).isEqualTo("HEAD");
  }

  @Test
  void curlUploadsAFileByteForByte() throws Exception {
    int n = 3 * 1024 * 1024 + 1;
    Path file = dir.resolve("upload.bin");
    Files.write(file, BodyPattern.bytes(n));

    CurlResult result = curl(proxy.port(), "--data-binary", "@" + file, at("/upload"));

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(UploadReceipt.parse(result.output())).isEqualTo(UploadReceipt.ofPattern(n));
  }

  @Test
  void curlOverHttp10GetsAChunkedBodyWhole() throws Exception {
    long n = 2 * 1024 * 1024 + 5;
    Path file = dir.resolve("download.bin");

    CurlResult result =
        curl(proxy.port(), "--http1.0", "-o", file.toString(), at("/chunked?n=" + n));

    assertThat(result.exitCode()).as(result.output()).isZero();
    try (InputStream body = Files.newInputStream(file)) {
      assertThat(BodyPattern.verify(body)).isEqualTo(n);
    }
  }

  @Test
  void curlSeesTheRefusalOfABannedHost() throws Exception {
    CurlResult result =
        curl(
            proxy.port(),
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "http://blocked.test:" + banned.port() + "/");

    assertThat(result.exitCode()).as(result.output()).isZero();
    assertThat(result.output()).isEqualTo("403");
    assertThat(banned.acceptedConnections()).isZero();
  }

  @Test
  void curlReportsABodyTheOriginCutShort() throws Exception {
    CurlResult half = curl(proxy.port(), "-o", "/dev/null", at("/half?n=200000"));
    CurlResult abort = curl(proxy.port(), "-o", "/dev/null", at("/abort?n=200000"));

    assertThat(half.exitCode())
        .as("curl: (18) partial file, when a Content-Length body ends early: %s", half.output())
        .isEqualTo(18);
    assertThat(abort.exitCode())
        .as("an error, never success, for a close-delimited body cut by a reset: %s", abort)
        .isNotZero();
  }
}
