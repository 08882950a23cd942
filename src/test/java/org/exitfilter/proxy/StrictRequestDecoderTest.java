package org.exitfilter.proxy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.InvalidLineSeparatorException;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The request decoder on an {@code EmbeddedChannel}: what it refuses, and where it stops. */
class StrictRequestDecoderTest {
  private static final int MAX_LINE = 100;
  private static final int MAX_HEAD = 200;

  @Test
  void contentLengthTogetherWithTransferEncodingIsRefused() {
    assertRefused(
        "POST http://example.test/ HTTP/1.1\r\nHost: example.test\r\nContent-Length: 3\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n",
        IllegalArgumentException.class);
  }

  @Test
  void twoContentLengthsAreRefusedEvenWhenTheyAgree() {
    assertRefused(
        "POST http://example.test/ HTTP/1.1\r\nHost: example.test\r\nContent-Length: 3\r\n"
            + "Content-Length: 3\r\n\r\nabc",
        IllegalArgumentException.class);
  }

  @Test
  void requestLineOverTheLimitIsRefused() {
    assertRefused(
        "GET http://example.test/" + "a".repeat(MAX_LINE) + " HTTP/1.1\r\n\r\n",
        TooLongHttpLineException.class);
  }

  @Test
  void headOverTheLimitIsRefused() {
    assertRefused(
        "GET http://example.test/ HTTP/1.1\r\nX-Long: " + "b".repeat(MAX_HEAD) + "\r\n\r\n",
        TooLongHttpHeaderException.class);
  }

  @Test
  void whitespaceBeforeTheColonOfAFieldIsRefused() {
    assertRefused(
        "GET http://example.test/ HTTP/1.1\r\nHost : example.test\r\n\r\n",
        IllegalArgumentException.class);
  }

  @Test
  void lineEndingInABareLineFeedIsRefused() {
    assertRefused(
        "GET http://example.test/ HTTP/1.1\nHost: example.test\n\n",
        InvalidLineSeparatorException.class);
  }

  @Test
  void bytesAfterAConnectHeadAreNotDecodedAndGoOnUnparsedWhenTheDecoderLeaves() {
    StrictRequestDecoder decoder = new StrictRequestDecoder(MAX_LINE, MAX_HEAD);
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    String tunnelBytes = "GET http://smuggled.test/ HTTP/1.1\r\n\r\n";
    ByteBuf in =
        Unpooled.copiedBuffer(
            "CONNECT example.test:443 HTTP/1.1\r\nHost: example.test:443\r\n\r\n" + tunnelBytes,
            ISO_8859_1);

    channel.writeInbound(in);
    HttpRequest connect = channel.readInbound();
    assertThat(connect.method()).isEqualTo(HttpMethod.CONNECT);
    assertThat(connect.decoderResult().isSuccess()).isTrue();
    LastHttpContent end = channel.readInbound();
    assertThat(end.content().isReadable()).as("a CONNECT has no body").isFalse();
    end.release();
    assertThat((Object) channel.readInbound())
        .as("the request that follows in the tunnel is not decoded")
        .isNull();

    channel.pipeline().remove(decoder);
    ByteBuf rest = channel.readInbound();
    assertThat(rest.toString(ISO_8859_1))
        .as("handed on byte for byte when the decoder leaves")
        .isEqualTo(tunnelBytes);
    rest.release();
    assertReleasedEverything(channel, in);
  }

  /** Decodes {@code head}: one request whose decoder result is the refusal, and nothing else. */
  private static void assertRefused(String head, Class<? extends Throwable> cause) {
    EmbeddedChannel channel = new EmbeddedChannel(new StrictRequestDecoder(MAX_LINE, MAX_HEAD));
    ByteBuf in = Unpooled.copiedBuffer(head, ISO_8859_1);

    channel.writeInbound(in);
    HttpObject first = channel.readInbound();
    assertThat(first.decoderResult().isFailure()).as("refused: %s", head).isTrue();
    assertThat(first.decoderResult().cause()).isInstanceOf(cause);
    ReferenceCountUtil.release(first);
    Object more;
    while ((more = channel.readInbound()) != null) {
      // Netty may add an empty last content after a refused head; nothing more may follow.
      assertThat(more).as("after the refusal").isInstanceOf(LastHttpContent.class);
      assertThat(((LastHttpContent) more).content().isReadable()).isFalse();
      ReferenceCountUtil.release(more);
    }
    assertReleasedEverything(channel, in);
  }

  static void assertReleasedEverything(EmbeddedChannel channel, ByteBuf... given) {
    assertThat(channel.finishAndReleaseAll()).as("nothing left unread in the channel").isFalse();
    for (ByteBuf buf : given) {
      assertThat(buf.refCnt()).as("the bytes written in were released").isZero();
    }
  }

  @Test
  void knownFieldNamesAreSharedAndEveryNameKeepsTheClientsSpelling() {
    List<CharSequence> first = names(decode("User-Agent: a\r\nuser-agent: b\r\nX-Custom: c\r\n"));
    List<CharSequence> second = names(decode("User-Agent: a\r\nuser-agent: b\r\nX-Custom: c\r\n"));

    assertThat(first)
        .extracting(CharSequence::toString)
        .as("spelled as the client sent them, case included")
        .containsExactly("Host", "User-Agent", "user-agent", "X-Custom");
    assertThat(first.get(1))
        .as("a browser's spelling of a known name is one shared constant")
        .isSameAs(second.get(1));
    assertThat(first.get(2))
        .as("another spelling of a known name is a copy")
        .isNotSameAs(second.get(2));
    assertThat(first.get(3)).as("an unknown name is a copy").isNotSameAs(second.get(3));
  }

  private static HttpRequest decode(String fields) {
    EmbeddedChannel channel = new EmbeddedChannel(new StrictRequestDecoder(8192, 8192));
    try {
      String head = "GET http://example.test/ HTTP/1.1\r\nHost: example.test\r\n" + fields + "\r\n";
      channel.writeInbound(Unpooled.copiedBuffer(head, ISO_8859_1));
      HttpRequest request = channel.readInbound();
      assertThat(request.decoderResult().isSuccess()).as("decoded").isTrue();
      return request;
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private static List<CharSequence> names(HttpRequest request) {
    List<CharSequence> names = new ArrayList<>();
    Iterator<Map.Entry<CharSequence, CharSequence>> fields =
        request.headers().iteratorCharSequence();
    while (fields.hasNext()) {
      names.add(fields.next().getKey());
    }
    return names;
  }
}
