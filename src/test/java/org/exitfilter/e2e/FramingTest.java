package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.RelayTestSupport.MIB;
import static org.exitfilter.e2e.RelayTestSupport.awaitSteady;
import static org.exitfilter.e2e.RelayTestSupport.get;
import static org.exitfilter.e2e.RelayTestSupport.http10;
import static org.exitfilter.e2e.RelayTestSupport.request;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Arrays;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.BodyPattern;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.exitfilter.testing.UploadReceipt;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Bodies of every framing and size, streamed through the proxy and checked byte for byte, and the
 * proof that the proxy streams instead of buffering: a reader or an origin that stops taking bytes
 * holds the other side back within socket buffers.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FramingTest {
  private static final long LARGE = 64 * MIB;
  private static final long HUGE = 1024 * MIB;

  /**
   * What may sit between a stalled reader and the writer it holds back: the kernel's socket buffers
   * on the way, which loopback autotuning grows to tens of MiB. A proxy that buffered would hold
   * the whole gigabyte.
   */
  private static final long IN_FLIGHT_BOUND = RelayTestSupport.kernelBufferBound();

  /**
   * What the proxy may hold in memory meanwhile: its write buffers' high water marks and the
   * buffers of a read or two, on top of what the test servers hold; measured at under 2 MiB.
   */
  private static final long MEMORY_BOUND = 8 * MIB;

  private HttpOrigin origin;
  private ProxyFixture proxy;
  private ExecutorService senders;

  /** The receipt of a LARGE pattern upload, computed once for the class. */
  private UploadReceipt largeReceipt;

  @BeforeAll
  void start() throws Exception {
    origin = HttpOrigin.start();
    proxy = ProxyFixture.start("bans: []\n");
    proxy.dns().put("origin.test", "127.0.0.1");
    senders = Executors.newCachedThreadPool();
  }

  @AfterEach
  void everyConnectionIsClosed() {
    proxy.awaitNoOpenChannels();
  }

  @AfterAll
  void stop() {
    senders.shutdownNow();
    proxy.close();
    origin.close();
  }

  private String at(HttpOrigin server, String path) {
    return "http://origin.test:" + server.port() + path;
  }

  @ParameterizedTest(name = "{0} arrives as {1}")
  @CsvSource({
    "/bytes, content-length",
    "/chunked, chunked",
    // No length and no chunks from the origin: re-chunked so the connection can stay open.
    "/close, chunked",
  })
  void aLargeDownloadArrivesByteForByteAndTheConnectionStaysUsable(String path, String framing)
      throws Exception {
    try (RawClient client = proxy.rawClient()) {
      client.send(get(at(origin, path + "?n=" + LARGE)));
      RawResponse head = client.readResponseHead();

      assertThat(head.status()).isEqualTo(200);
      if (framing.equals("chunked")) {
        assertThat(head.header("Transfer-Encoding")).isEqualToIgnoringCase("chunked");
        assertThat(head.hasHeader("Content-Length")).isFalse();
      } else {
        assertThat(head.header("Content-Length")).isEqualTo(String.valueOf(LARGE));
      }
      assertThat(head.header("Connection")).as("kept alive").isNull();
      assertThat(BodyPattern.verify(client.openBody(head))).isEqualTo(LARGE);

      client.send(get(at(origin, "/echo?next")));
      assertThat(client.readResponse().bodyText())
          .as("the next request on the same connection is answered")
          .startsWith("GET /echo?next ");
    }
  }

  @Test
  void aChunkedResponseToAnHttp10ClientArrivesDelimitedByClose() throws Exception {
    long n = 3 * MIB + 17;
    try (RawClient client = proxy.rawClient()) {
      client.send(http10("GET", at(origin, "/chunked?n=" + n)));
      RawResponse head = client.readResponseHead();

      assertThat(head.hasHeader("Transfer-Encoding"))
          .as("an HTTP/1.0 client cannot read chunks")
          .isFalse();
      assertThat(head.hasHeader("Content-Length")).isFalse();
      assertThat(head.header("Connection")).isEqualToIgnoringCase("close");
      assertThat(BodyPattern.verify(client.openBody(head))).isEqualTo(n);
    }
  }

  @Test
  void aChunkedResponseToAnHttp10KeepAliveClientStillEndsWithTheConnection() throws Exception {
    long n = 100_000;
    try (RawClient client = proxy.rawClient()) {
      client.send(http10("GET", at(origin, "/chunked?n=" + n), "Connection: keep-alive"));
      RawResponse head = client.readResponseHead();

      assertThat(head.header("Connection"))
          .as("the only way to end the body for this client")
          .isEqualToIgnoringCase("close");
      assertThat(BodyPattern.verify(client.openBody(head))).isEqualTo(n);
    }
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"content-length", "chunked"})
  void aLargeUploadArrivesByteForByte(String framing) throws Exception {
    try (RawClient client = proxy.rawClient()) {
      boolean chunked = framing.equals("chunked");
      client.send(
          request(
              "POST",
              at(origin, "/upload"),
              chunked ? "Transfer-Encoding: chunked" : "Content-Length: " + LARGE));
      sendPattern(client, LARGE, chunked);
      RawResponse response = client.readResponse();

      assertThat(response.status()).isEqualTo(200);
      assertThat(UploadReceipt.parse(response.bodyText())).isEqualTo(largeReceipt());
    }
  }

  private UploadReceipt largeReceipt() {
    if (largeReceipt == null) {
      largeReceipt = UploadReceipt.ofPattern(LARGE);
    }
    return largeReceipt;
  }

  /** Sends the first {@code n} pattern bytes as the request body, in 64 KiB pieces. */
  private static void sendPattern(RawClient client, long n, boolean chunked) throws IOException {
    InputStream pattern = BodyPattern.stream(n);
    byte[] block = new byte[64 * 1024];
    for (int read; (read = pattern.read(block)) != -1; ) {
      byte[] piece = read == block.length ? block : Arrays.copyOf(block, read);
      if (chunked) {
        client.send(Integer.toHexString(read) + "\r\n");
        client.send(piece);
        client.send("\r\n");
      } else {
        client.send(piece);
      }
    }
    if (chunked) {
      client.send("0\r\n\r\n");
    }
  }

  @Test
  void aReaderThatStopsReadingHoldsTheOriginBack() throws Exception {
    try (HttpOrigin own = HttpOrigin.start();
        RawClient client = proxy.rawClient()) {
      client.socket().setReceiveBufferSize(64 * 1024);
      // Other tests in this JVM leave pooled memory behind: only growth counts.
      long idle = RelayTestSupport.nettyMemoryInUse();
      client.send(get(at(own, "/bytes?n=" + HUGE)));
      RawResponse head = client.readResponseHead();
      assertThat(head.status()).isEqualTo(200);

      long stalledAt = awaitSteady("the origin's writing", own::patternBytesGenerated, 300);
      assertThat(own.pausedStreams()).as("the origin waits for its socket to drain").isOne();
      assertThat(stalledAt)
          .as("bytes generated while the reader read nothing: only kernel buffers in flight")
          .isLessThan(IN_FLIGHT_BOUND);
      assertThat(RelayTestSupport.nettyMemoryInUse() - idle)
          .as("memory Netty buffers grew by while 1 GiB is requested")
          .isLessThan(MEMORY_BOUND);

      InputStream body = client.openBody(head);
      byte[] firstPart = body.readNBytes((int) (8 * MIB));
      assertThat(BodyPattern.matches(firstPart)).isTrue();
      Await.until(
          "the origin resumes once the reader reads",
          () -> own.patternBytesGenerated() > stalledAt);
    }
    proxy.awaitNoOpenChannels();
  }

  @Test
  void anOriginThatStopsReadingHoldsTheUploaderBack() throws Exception {
    // Its own origin: a stalled connection reads nothing, so it sees no close and stays open
    // until the origin stops.
    try (HttpOrigin origin = HttpOrigin.start();
        Socket socket = new Socket()) {
      long idle = RelayTestSupport.nettyMemoryInUse();
      socket.connect(proxy.address(), 5000);
      OutputStream out = socket.getOutputStream();
      out.write(
          request("POST", at(origin, "/stall"), "Content-Length: " + HUGE).getBytes(ISO_8859_1));
      AtomicLong sent = new AtomicLong();
      Future<?> sender =
          senders.submit(
              () -> {
                byte[] block = new byte[64 * 1024];
                try {
                  while (sent.get() < HUGE) {
                    out.write(block);
                    sent.addAndGet(block.length);
                  }
                } catch (IOException e) {
                  // The test closed the socket: the end of this sender.
                }
                return null;
              });

      long stalledAt = awaitSteady("the uploaded byte count", sent::get, 300);
      assertThat(stalledAt)
          .as("bytes the client could send to an origin that reads nothing")
          .isLessThan(IN_FLIGHT_BOUND);
      assertThat(RelayTestSupport.nettyMemoryInUse() - idle)
          .as("memory Netty buffers grew by while 1 GiB is being uploaded")
          .isLessThan(MEMORY_BOUND);
      assertThat(sender.isDone()).as("the sender is blocked, not finished").isFalse();

      // An abort: a polite close would queue its FIN behind the bytes the proxy is not reading,
      // and a client gone that way is only noticed by the idle timeout (see LimitsTest).
      socket.setSoLinger(true, 0);
      socket.close();
      sender.get(5, TimeUnit.SECONDS);
      proxy.awaitNoOpenChannels();
    }
  }
}
