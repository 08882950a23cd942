package org.exitfilter.proxy.tunnel;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The SNI guard on an {@code EmbeddedChannel}: ClientHellos in one read, split across reads and
 * split across TLS records; every name is judged, an allowed hello goes on byte for byte, and a
 * refused one closes the tunnel before any byte goes on.
 */
class SniGuardTest {
  private static final long TIMEOUT_MILLIS = 10_000;
  private static final int HANDSHAKE = 22;
  private static final int APPLICATION_DATA = 23;

  private final List<String> asked = new ArrayList<>();

  @Test
  void allowedHelloInOneReadGoesOnByteForByte() {
    EmbeddedChannel channel = guarded();
    byte[] hello = records(HANDSHAKE, handshake(helloBody("allowed.example")), 1);

    List<ByteBuf> given = writeIn(channel, hello, hello.length);

    assertThat(asked).containsExactly("allowed.example");
    assertThat(channel.isOpen()).isTrue();
    assertThat(channel.pipeline().get(SniGuard.class)).as("done, the guard leaves").isNull();
    assertThat(readAll(channel)).isEqualTo(hello);
    assertReleasedEverything(channel, given);
  }

  @Test
  void bannedNameClosesTheTunnelAndNothingGoesOn() {
    EmbeddedChannel channel = guarded();
    byte[] hello = records(HANDSHAKE, handshake(helloBody("banned.example")), 1);

    List<ByteBuf> given = writeIn(channel, hello, hello.length);

    assertThat(channel.isOpen()).isFalse();
    assertThat(readAll(channel)).isEmpty();
    assertReleasedEverything(channel, given);
  }

  @Test
  void bannedNameAfterAnAllowedOneInTheSameHelloClosesTheTunnel() {
    EmbeddedChannel channel = guarded();
    byte[] hello = records(HANDSHAKE, handshake(helloBody("allowed.example", "banned.example")), 1);

    List<ByteBuf> given = writeIn(channel, hello, hello.length);

    assertThat(asked).contains("allowed.example", "banned.example");
    assertThat(channel.isOpen()).isFalse();
    assertThat(readAll(channel)).isEmpty();
    assertReleasedEverything(channel, given);
  }

  @Test
  void helloSplitAcrossReadsIsJudgedWhenItsLastByteArrives() {
    EmbeddedChannel channel = guarded();
    byte[] hello = records(HANDSHAKE, handshake(helloBody("banned.example")), 1);

    List<ByteBuf> given = writeIn(channel, Arrays.copyOf(hello, hello.length - 1), hello.length);
    assertThat(channel.isOpen()).as("one byte short of the hello").isTrue();
    assertThat(asked).isEmpty();
    given.addAll(writeIn(channel, new byte[] {hello[hello.length - 1]}, 1));

    assertThat(channel.isOpen()).isFalse();
    assertThat(readAll(channel)).isEmpty();
    assertReleasedEverything(channel, given);
  }

  @Test
  void allowedHelloSplitIntoOneByteReadsGoesOnWhole() {
    EmbeddedChannel channel = guarded();
    byte[] hello = records(HANDSHAKE, handshake(helloBody("allowed.example")), 1);

    List<ByteBuf> given = writeIn(channel, hello, 1);

    assertThat(asked).containsExactly("allowed.example");
    assertThat(readAll(channel)).isEqualTo(hello);
    assertReleasedEverything(channel, given);
  }

  @Test
  void bannedNameInALaterTlsRecordOfTheHelloClosesTheTunnel() {
    EmbeddedChannel channel = guarded();
    byte[] hello = records(HANDSHAKE, handshake(helloBody("allowed.example", "banned.example")), 3);

    List<ByteBuf> given = writeIn(channel, hello, 7);

    assertThat(asked).contains("banned.example");
    assertThat(channel.isOpen()).isFalse();
    assertThat(readAll(channel)).isEmpty();
    assertReleasedEverything(channel, given);
  }

  @Test
  void allowedHelloSplitAcrossTlsRecordsGoesOnWithEveryRecord() {
    EmbeddedChannel channel = guarded();
    byte[] hello = records(HANDSHAKE, handshake(helloBody("allowed.example")), 4);

    List<ByteBuf> given = writeIn(channel, hello, hello.length);

    assertThat(asked).containsExactly("allowed.example");
    assertThat(readAll(channel)).isEqualTo(hello);
    assertReleasedEverything(channel, given);
  }

  @Test
  void tunnelOpeningWithApplicationDataInsteadOfAHelloIsClosed() {
    EmbeddedChannel channel = guarded();
    byte[] data = records(APPLICATION_DATA, "GET / HTTP/1.1\r\n\r\n".getBytes(US_ASCII), 1);

    List<ByteBuf> given = writeIn(channel, data, data.length);

    assertThat(channel.isOpen()).isFalse();
    assertThat(readAll(channel)).isEmpty();
    assertReleasedEverything(channel, given);
  }

  @Test
  void malformedHelloIsRefused() {
    EmbeddedChannel channel = guarded();
    byte[] body = helloBody("allowed.example");
    byte[] withTrailingByte = new byte[body.length + 1];
    System.arraycopy(body, 0, withTrailingByte, 0, body.length);
    byte[] hello = records(HANDSHAKE, handshake(withTrailingByte), 1);

    List<ByteBuf> given = writeIn(channel, hello, hello.length);

    assertThat(channel.isOpen()).as("a byte after the extensions").isFalse();
    assertThat(readAll(channel)).isEmpty();
    assertReleasedEverything(channel, given);
  }

  @Test
  void bytesThatAreNotTlsGoOnUnjudged() {
    EmbeddedChannel channel = guarded();
    byte[] ssh = "SSH-2.0-OpenSSH_9.6\r\n".getBytes(US_ASCII);

    List<ByteBuf> given = writeIn(channel, ssh, ssh.length);

    assertThat(asked).isEmpty();
    assertThat(channel.isOpen()).isTrue();
    assertThat(readAll(channel)).isEqualTo(ssh);
    assertReleasedEverything(channel, given);
  }

  @Test
  void clientThatSendsNothingIsClosedAfterTheTimeout() {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.freezeTime();
    channel.pipeline().addLast(guard());

    channel.advanceTimeBy(TIMEOUT_MILLIS - 1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();
    assertThat(channel.isOpen()).isTrue();
    channel.advanceTimeBy(1, TimeUnit.MILLISECONDS);
    channel.runScheduledPendingTasks();

    assertThat(channel.isOpen()).isFalse();
    assertReleasedEverything(channel, List.of());
  }

  private SniGuard guard() {
    return new SniGuard(
        TIMEOUT_MILLIS,
        name -> {
          asked.add(name);
          return !name.startsWith("banned.");
        });
  }

  private EmbeddedChannel guarded() {
    return new EmbeddedChannel(guard());
  }

  /** Writes {@code bytes} in pieces of {@code piece} bytes, each piece one read. */
  private static List<ByteBuf> writeIn(EmbeddedChannel channel, byte[] bytes, int piece) {
    List<ByteBuf> given = new ArrayList<>();
    for (int at = 0; at < bytes.length && channel.isOpen(); at += piece) {
      ByteBuf buf = Unpooled.copiedBuffer(bytes, at, Math.min(piece, bytes.length - at));
      given.add(buf);
      channel.writeInbound(buf);
    }
    return given;
  }

  private static byte[] readAll(EmbeddedChannel channel) {
    ByteBuf all = Unpooled.buffer();
    ByteBuf in;
    while ((in = channel.readInbound()) != null) {
      all.writeBytes(in);
      in.release();
    }
    byte[] bytes = ByteBufUtil.getBytes(all);
    all.release();
    return bytes;
  }

  private static void assertReleasedEverything(EmbeddedChannel channel, List<ByteBuf> given) {
    assertThat(channel.finishAndReleaseAll()).as("nothing left unread").isFalse();
    for (ByteBuf buf : given) {
      assertThat(buf.refCnt()).as("the bytes written in were released").isZero();
    }
  }

  /** A ClientHello body (TLS 1.2 layout) with one server_name extension naming {@code names}. */
  private static byte[] helloBody(String... names) {
    ByteBuf list = Unpooled.buffer();
    for (String name : names) {
      byte[] bytes = name.getBytes(US_ASCII);
      list.writeByte(0).writeShort(bytes.length).writeBytes(bytes);
    }
    ByteBuf extensions = Unpooled.buffer();
    extensions.writeShort(0).writeShort(list.readableBytes() + 2);
    extensions.writeShort(list.readableBytes()).writeBytes(list);
    extensions.writeShort(10).writeShort(4).writeShort(2).writeShort(0x001d); // supported_groups
    ByteBuf body = Unpooled.buffer();
    body.writeShort(0x0303).writeBytes(new byte[32]);
    body.writeByte(0); // session_id
    body.writeShort(2).writeShort(0x1301); // one cipher suite
    body.writeByte(1).writeByte(0); // null compression
    body.writeShort(extensions.readableBytes()).writeBytes(extensions);
    byte[] bytes = ByteBufUtil.getBytes(body);
    list.release();
    extensions.release();
    body.release();
    return bytes;
  }

  /** The handshake message: type client_hello, a 24-bit length, the body. */
  private static byte[] handshake(byte[] body) {
    byte[] message = new byte[4 + body.length];
    message[0] = 1;
    message[1] = (byte) (body.length >>> 16);
    message[2] = (byte) (body.length >>> 8);
    message[3] = (byte) body.length;
    System.arraycopy(body, 0, message, 4, body.length);
    return message;
  }

  /** {@code content} in {@code count} TLS records of about equal size. */
  private static byte[] records(int contentType, byte[] content, int count) {
    ByteBuf out = Unpooled.buffer();
    int size = (content.length + count - 1) / count;
    for (int at = 0; at < content.length; at += size) {
      int length = Math.min(size, content.length - at);
      out.writeByte(contentType).writeShort(0x0301).writeShort(length);
      out.writeBytes(content, at, length);
    }
    byte[] bytes = ByteBufUtil.getBytes(out);
    out.release();
    return bytes;
  }
}
