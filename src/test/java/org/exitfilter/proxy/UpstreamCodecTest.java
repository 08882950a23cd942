package org.exitfilter.proxy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class UpstreamCodecTest {
  private static final String RESPONSE =
      "HTTP/1.1 200 OK\r\nServer: nginx\r\nContent-Length: 5\r\nx-custom: 1\r\n\r\n";

  @Test
  void aForwardedRequestLineIsTheOneNettyWritesForItsOriginFormAsAString() throws Exception {
    Map<String, String> originForms = new LinkedHashMap<>();
    originForms.put("http://example.org", "/");
    originForms.put("http://example.org/", "/");
    originForms.put("http://example.org?q=1", "/?q=1");
    originForms.put("http://example.org#top", "/");
    originForms.put("http://example.org/a/b?c=d#e", "/a/b?c=d");
    originForms.put(
        "http://user:pw@example.org:8080/p?x=http://other.test/#f", "/p?x=http://other.test/");
    originForms.put("HTTP://Example.ORG:80/caf\u00e9?\u00ff=1", "/caf%E9?%FF=1");
    originForms.put("http://example.org/%20a?b#c#d", "/%20a?b");
    originForms.put("http://example.org/?#", "/?");
    for (Map.Entry<String, String> target : originForms.entrySet()) {
      for (String version : new String[] {"HTTP/1.1", "HTTP/1.0", "HTTP/1.2"}) {
        assertForwardedAsNettyWouldWriteTheOriginForm(target.getKey(), version, target.getValue());
      }
    }
  }

  private static void assertForwardedAsNettyWouldWriteTheOriginForm(
      String target, String version, String originForm) throws Exception {
    String head = "GET " + target + " " + version + "\r\nHost: example.org\r\nX-A: 1\r\n\r\n";
    HttpRequest request = decode(head);
    assertThat(request instanceof ClientRequest)
        .as("a version Netty has no constant for is made by Netty itself: %s", version)
        .isEqualTo(!version.equals("HTTP/1.2"));
    RequestTarget parsed = RequestTarget.parse(request.uri());
    new OriginHead().rewrite(request, parsed);

    HttpRequest asString = decode(head);
    asString.setUri(parsed.originForm());
    asString.setProtocolVersion(HttpVersion.HTTP_1_1);
    asString.headers().set(request.headers());

    assertThat(parsed.originForm()).as(target).isEqualTo(originForm);
    assertThat(request.uri()).as(target).isEqualTo(originForm);
    assertThat(encodeUpstream(request))
        .as("request line for %s in %s", target, version)
        .isEqualTo(encodeNetty(asString))
        .startsWith("GET " + originForm + " HTTP/1.1\r\n");
  }

  private static HttpRequest decode(String head) {
    EmbeddedChannel channel = new EmbeddedChannel(new StrictRequestDecoder(8192, 65536));
    try {
      channel.writeInbound(Unpooled.copiedBuffer(head, ISO_8859_1));
      HttpRequest request = channel.readInbound();
      assertThat(request.decoderResult().isSuccess()).as(head).isTrue();
      return request;
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private static String encodeUpstream(HttpRequest request) {
    return encodeWith(new EmbeddedChannel(new UpstreamCodec(4096, 8192, 65536)), request);
  }

  private static String encodeNetty(HttpRequest request) {
    return encodeWith(new EmbeddedChannel(new HttpRequestEncoder()), request);
  }

  private static String encodeWith(EmbeddedChannel channel, HttpRequest request) {
    try {
      channel.writeOutbound(request, LastHttpContent.EMPTY_LAST_CONTENT);
      StringBuilder out = new StringBuilder();
      ByteBuf part;
      while ((part = channel.readOutbound()) != null) {
        out.append(part.toString(ISO_8859_1));
        part.release();
      }
      return out.toString();
    } finally {
      channel.finishAndReleaseAll();
    }
  }

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

  @Test
  void informationalResponseToAHeadLeavesTheHeadForTheFinalResponse() {
    EmbeddedChannel channel = new EmbeddedChannel(new UpstreamCodec(4096, 8192, 65536));
    ByteBuf in =
        Unpooled.copiedBuffer(
            "HTTP/1.1 100 Continue\r\n\r\n"
                + RESPONSE
                + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok",
            ISO_8859_1);

    send(channel, HttpMethod.HEAD);
    send(channel, HttpMethod.GET);
    channel.writeInbound(in);

    HttpResponse informational = channel.readInbound();
    assertThat(informational.status()).isEqualTo(HttpResponseStatus.CONTINUE);
    ReferenceCountUtil.release(channel.readInbound());
    HttpResponse head = channel.readInbound();
    assertThat(head.status()).isEqualTo(HttpResponseStatus.OK);
    LastHttpContent headEnd = channel.readInbound();
    assertThat(headEnd.content().isReadable())
        .as("the 200 answers the HEAD: no body, whatever its Content-Length says")
        .isFalse();
    headEnd.release();
    assertThat((Object) channel.readInbound()).isInstanceOf(HttpResponse.class);
    LastHttpContent getBody = channel.readInbound();
    assertThat(getBody.content().toString(ISO_8859_1)).as("the GET's body").isEqualTo("ok");
    getBody.release();

    assertThat(channel.finishAndReleaseAll()).as("nothing left unread").isFalse();
    assertThat(in.refCnt()).as("the bytes written in were released").isZero();
  }

  @Test
  void requestIsEncodedAsSentAndItsBodyBufferReleased() {
    EmbeddedChannel channel = new EmbeddedChannel(new UpstreamCodec(4096, 8192, 65536));
    ByteBuf body = Unpooled.copiedBuffer("abc", ISO_8859_1);
    DefaultFullHttpRequest request =
        new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/form", body);
    request.headers().set("Host", "example.test").set("Content-Length", 3);

    channel.writeOutbound(request);
    StringBuilder wire = new StringBuilder();
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      wire.append(out.toString(ISO_8859_1));
      out.release();
    }

    assertThat(wire.toString())
        .isEqualTo("POST /form HTTP/1.1\r\nHost: example.test\r\nContent-Length: 3\r\n\r\nabc");
    assertThat(channel.finishAndReleaseAll()).as("nothing left unread").isFalse();
    assertThat(body.refCnt()).as("the body was released once written").isZero();
  }

  @Test
  void everyStatusLineKeepsTheOriginsVersionCodeAndReasonWhetherSharedOrNot() {
    String[] lines = {
      "HTTP/1.1 200 OK",
      "HTTP/1.1 200 Fine",
      "HTTP/1.0 404 Not Found",
      "HTTP/1.1 404 not found",
      "HTTP/1.1 299 Custom Reason",
      "HTTP/1.1 204 No Content",
      "HTTP/1.1 200 OK ",
      "HTTP/1.1 600 Odd",
      "HTTP/1.1 301"
    };
    for (String line : lines) {
      EmbeddedChannel channel = new EmbeddedChannel(new UpstreamCodec(4096, 8192, 65536));
      try {
        send(channel, HttpMethod.GET);
        channel.writeInbound(
            Unpooled.copiedBuffer(line + "\r\nContent-Length: 0\r\n\r\n", ISO_8859_1));
        HttpResponse response = channel.readInbound();
        assertThat(response.decoderResult().isSuccess()).as(line).isTrue();
        String[] words = line.trim().split(" ", 3);
        assertThat(response.protocolVersion().text()).as(line).isEqualTo(words[0]);
        assertThat(response.status().code()).as(line).isEqualTo(Integer.parseInt(words[1]));
        assertThat(response.status().reasonPhrase())
            .as(line)
            .isEqualTo(words.length > 2 ? words[2] : "");
      } finally {
        channel.finishAndReleaseAll();
      }
    }
  }

  private static void send(EmbeddedChannel channel, HttpMethod method) {
    channel.writeOutbound(new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, "/"));
    ReferenceCountUtil.release(channel.readOutbound());
  }
}
