package org.exitfilter.proxy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Iterator;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamCodecTest {
  private static final String RESPONSE =
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 5\r\nx-custom: 1\r\n\r\n";

  @Test
  void aResponseToHeadEndsWithItsHeadWhateverItsContentLengthSays() {
    EmbeddedChannel channel = new EmbeddedChannel(new UpstreamCodec(4096, 8192, 65536));
    try {
      send(channel, HttpMethod.HEAD);
      channel.writeInbound(Unpooled.copiedBuffer(RESPONSE, ISO_8859_1));
      assertThat((Object) channel.readInbound()).isInstanceOf(HttpResponse.class);
      Object end = channel.readInbound();
      assertThat(end)
          .as("the end, without waiting for 5 bytes")
          .isInstanceOf(LastHttpContent.class);
      assertThat(((LastHttpContent) end).content().readableBytes()).isZero();
      ReferenceCountUtil.release(end);

      send(channel, HttpMethod.GET);
      channel.writeInbound(Unpooled.copiedBuffer(RESPONSE + "hello", ISO_8859_1));
      assertThat((Object) channel.readInbound()).isInstanceOf(HttpResponse.class);
      LastHttpContent body = channel.readInbound();
      assertThat(body.content().toString(ISO_8859_1))
          .as("the next response, to a GET, has its body")
          .isEqualTo("hello");
      body.release();
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void knownResponseFieldNamesAreSharedAndEveryNameKeepsTheOriginsSpelling() {
    EmbeddedChannel channel = new EmbeddedChannel(new UpstreamCodec(4096, 8192, 65536));
    try {
      send(channel, HttpMethod.GET);
      send(channel, HttpMethod.GET);
      channel.writeInbound(Unpooled.copiedBuffer(RESPONSE + "hello" + RESPONSE, ISO_8859_1));
      HttpResponse first = channel.readInbound();
      ReferenceCountUtil.release(channel.readInbound());
      HttpResponse second = channel.readInbound();

      Iterator<Map.Entry<CharSequence, CharSequence>> a = first.headers().iteratorCharSequence();
      Iterator<Map.Entry<CharSequence, CharSequence>> b = second.headers().iteratorCharSequence();
      CharSequence server = a.next().getKey();
      assertThat(server.toString()).isEqualTo("Server");
      assertThat(server).as("a common server's spelling is shared").isSameAs(b.next().getKey());
      a.next();
      b.next();
      CharSequence custom = a.next().getKey();
      assertThat(custom.toString()).as("spelled as the origin sent it").isEqualTo("x-custom");
      assertThat(custom).as("an unknown name is a copy").isNotSameAs(b.next().getKey());
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private static void send(EmbeddedChannel channel, HttpMethod method) {
    channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
    ReferenceCountUtil.release(channel.readOutbound());
  }
}
