package org.exitfilter.proxy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import org.junit.jupiter.api.Test;

/** The client's response encoder on an {@code EmbeddedChannel}: bodies of answers to HEAD. */
class ClientResponseEncoderTest {

  @Test
  void responseToHeadIsWrittenWithoutItsBodyAndTheBodyIsReleased() {
    ClientResponseEncoder encoder = new ClientResponseEncoder();
    EmbeddedChannel channel = new EmbeddedChannel(encoder);
    ByteBuf body = Unpooled.copiedBuffer("hello", ISO_8859_1);

    encoder.answeringHead(true);
    channel.writeOutbound(response(HttpResponseStatus.OK, body));

    assertThat(wire(channel))
        .as("the head, with the Content-Length a GET would get, and no body")
        .isEqualTo("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\n");
    assertThat(body.refCnt()).as("the body was released unwritten").isZero();
    assertThat(channel.finishAndReleaseAll()).as("nothing left unread").isFalse();
  }

  @Test
  void responseToAnythingElseKeepsItsBody() {
    ClientResponseEncoder encoder = new ClientResponseEncoder();
    EmbeddedChannel channel = new EmbeddedChannel(encoder);
    ByteBuf first = Unpooled.copiedBuffer("hello", ISO_8859_1);
    ByteBuf second = Unpooled.copiedBuffer("again", ISO_8859_1);

    encoder.answeringHead(true);
    encoder.answeringHead(false);
    channel.writeOutbound(response(HttpResponseStatus.OK, first));
    channel.writeOutbound(response(HttpResponseStatus.NOT_FOUND, second));

    assertThat(wire(channel))
        .isEqualTo(
            "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello"
                + "HTTP/1.1 404 Not Found\r\nContent-Length: 5\r\n\r\nagain");
    assertThat(first.refCnt()).isZero();
    assertThat(second.refCnt()).isZero();
    assertThat(channel.finishAndReleaseAll()).as("nothing left unread").isFalse();
  }

  private static DefaultFullHttpResponse response(HttpResponseStatus status, ByteBuf body) {
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set("Content-Length", body.readableBytes());
    return response;
  }

  private static String wire(EmbeddedChannel channel) {
    StringBuilder wire = new StringBuilder();
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      wire.append(out.toString(ISO_8859_1));
      out.release();
    }
    return wire.toString();
  }
}
