package org.exitfilter.proxy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpRequestEncoder;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseDecoder;
import io.netty.handler.codec.http.HttpResponseEncoder;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.AsciiString;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class CompactHeadersTest {

  @Test
  void aChunkedResponseWithTrailersIsRelayedWithItsTrailers() {
    String response =
        "HTTP/1.1 200 OK\r\nServer: nginx\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n0\r\nChecksum: abc\r\nX-Part: 1\r\nx-part: 2\r\n\r\n";

    String relayed = relayResponse(response);

    assertThat(relayed)
        .as("the trailers reach the client in order, spelled as the origin sent them")
        .isEqualTo(
            "HTTP/1.1 200 OK\r\nServer: nginx\r\nTransfer-Encoding: chunked\r\n\r\n"
                + "5\r\nhello\r\n0\r\nChecksum: abc\r\nX-Part: 1\r\nx-part: 2\r\n\r\n");
  }

  @Test
  void aFixedLengthResponseEndsWithEmptyReadOnlyTrailersAsNettysEmptyLastContent() {
    EmbeddedChannel upstream = upstreamAwaitingGets(1);
    try {
      upstream.writeInbound(
          Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi", ISO_8859_1));
      ReferenceCountUtil.release(upstream.readInbound());
      LastHttpContent last = upstream.readInbound();
      assertThat(last.content().toString(ISO_8859_1)).isEqualTo("hi");
      assertThat(last.trailingHeaders().isEmpty()).isTrue();
      assertThatThrownBy(() -> last.trailingHeaders().add("X-Late", "1"))
          .as("read-only, as the trailers of LastHttpContent.EMPTY_LAST_CONTENT")
          .isInstanceOf(UnsupportedOperationException.class);
      last.release();
    } finally {
      upstream.finishAndReleaseAll();
    }
  }

  @Test
  void trailersOfAChunkedResponseBetweenFixedLengthOnesOnOneConnectionAreKept() {
    String fixed = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nhi";
    String chunked =
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
            + "5\r\nhello\r\n0\r\nChecksum: abc\r\n\r\n";

    // Each arrives in a read of its own, and all of them in one read.
    for (boolean oneRead : new boolean[] {false, true}) {
      EmbeddedChannel upstream = upstreamAwaitingGets(3);
      EmbeddedChannel client = new EmbeddedChannel(new ClientResponseEncoder());
      try {
        if (oneRead) {
          upstream.writeInbound(Unpooled.copiedBuffer(fixed + chunked + fixed, ISO_8859_1));
        } else {
          for (String response : List.of(fixed, chunked, fixed)) {
            upstream.writeInbound(Unpooled.copiedBuffer(response, ISO_8859_1));
          }
        }
        Object message;
        while ((message = upstream.readInbound()) != null) {
          client.writeOutbound(message);
        }
        assertThat(drain(client)).as("one read: %s", oneRead).isEqualTo(fixed + chunked + fixed);
      } finally {
        upstream.finishAndReleaseAll();
        client.finishAndReleaseAll();
      }
    }
  }

  @Test
  void trailersOfAChunkedRequestAfterOneWithAContentLengthAreKept() {
    String fixed =
        "POST http://example.org/ HTTP/1.1\r\nHost: example.org\r\n"
            + "Content-Length: 2\r\n\r\nhi";
    String chunked =
        "POST http://example.org/ HTTP/1.1\r\nHost: example.org\r\n"
            + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\nChecksum: abc\r\n\r\n";
    EmbeddedChannel strict = new EmbeddedChannel(new StrictRequestDecoder(8192, 65536));
    try {
      strict.writeInbound(Unpooled.copiedBuffer(fixed + chunked, ISO_8859_1));
      List<String> trailers = new ArrayList<>();
      Object message;
      while ((message = strict.readInbound()) != null) {
        if (message instanceof LastHttpContent last) {
          trailers.add(last.trailingHeaders().entries().toString());
        }
        ReferenceCountUtil.release(message);
      }
      assertThat(trailers).containsExactly("[]", "[Checksum=abc]");
    } finally {
      strict.finishAndReleaseAll();
    }
  }

  @Test
  void aRequestWithManyFieldsIsDecodedAndReEncodedAsWithNettysOwnHeaders() {
    StringBuilder head = new StringBuilder("GET http://example.org/a?b HTTP/1.1\r\n");
    head.append("Host: example.org\r\n");
    for (int i = 0; i < 40; i++) {
      head.append(i % 3 == 0 ? "X-Repeat" : "X-Field-" + i).append(": value ").append(i);
      head.append("\r\n");
    }
    head.append("x-repeat: last\r\nAccept:\r\nUser-Agent:   spaced  \r\n\r\n");

    HttpRequest strict = decodeOne(new StrictRequestDecoder(8192, 65536), head.toString());
    HttpRequest netty = decodeOne(new HttpRequestDecoder(), head.toString());

    assertThat(strict.headers()).isInstanceOf(CompactHeaders.class);
    assertThat(strict.headers().entries()).isEqualTo(netty.headers().entries());
    assertThat(strict.headers().getAll("x-REPEAT")).isEqualTo(netty.headers().getAll("x-repeat"));
    assertThat(strict.headers().get("X-Repeat")).isEqualTo("value 0");
    assertThat(strict.headers().get("user-agent")).isEqualTo("spaced");
    assertThat(strict.headers().size()).isEqualTo(netty.headers().size());
    assertThat(encode(strict)).isEqualTo(encode(netty));
    assertThat(encodeUpstream(strict))
        .as("the upstream encoder writes the fields as Netty's own")
        .isEqualTo(encode(netty));
  }

  @Test
  void bytesOutsideAsciiInAResponseFieldReachTheClientAsThroughNettysOwnCodec() {
    String response = "HTTP/1.1 200 OK\r\nX-Latin: caf\u00e9 \u00ff\r\nContent-Length: 0\r\n\r\n";

    EmbeddedChannel netty =
        new EmbeddedChannel(new HttpResponseDecoder(), new HttpResponseEncoder());
    try {
      netty.writeInbound(Unpooled.copiedBuffer(response, ISO_8859_1));
      Object message;
      while ((message = netty.readInbound()) != null) {
        netty.writeOutbound(message);
      }
      assertThat(relayResponse(response)).isEqualTo(drain(netty));
    } finally {
      netty.finishAndReleaseAll();
    }
  }

  @Test
  void aHeadWithMoreFieldsThanTheConnectionsLastOneKeepsThemAll() {
    String small = "GET http://example.org/ HTTP/1.1\r\nHost: example.org\r\n\r\n";
    StringBuilder big = new StringBuilder("GET http://example.org/ HTTP/1.1\r\n");
    for (int i = 0; i < 20; i++) {
      big.append("X-Field-").append(i).append(": ").append(i).append("\r\n");
    }
    big.append("\r\n");
    EmbeddedChannel strict = new EmbeddedChannel(new StrictRequestDecoder(8192, 65536));
    try {
      strict.writeInbound(Unpooled.copiedBuffer(small + big + small, ISO_8859_1));
      List<List<Map.Entry<String, String>>> decoded = new ArrayList<>();
      Object message;
      while ((message = strict.readInbound()) != null) {
        if (message instanceof HttpRequest request) {
          decoded.add(request.headers().entries());
        }
        ReferenceCountUtil.release(message);
      }
      assertThat(decoded)
          .containsExactly(
              decodeOne(new HttpRequestDecoder(), small).headers().entries(),
              decodeOne(new HttpRequestDecoder(), big.toString()).headers().entries(),
              decodeOne(new HttpRequestDecoder(), small).headers().entries());
    } finally {
      strict.finishAndReleaseAll();
    }
  }

  @Test
  void everyChangeLeavesTheSameFieldsInTheSameOrderAsNettysOwnHeaders() {
    List<Consumer<HttpHeaders>> changes =
        List.of(
            h -> h.add("Host", "a.test").add("Accept", "*/*").add("X-A", 1).add("x-a", "two"),
            h -> h.set("HOST", "b.test"),
            h -> h.set(AsciiString.cached("x-a"), List.of("3", "4")),
            h -> h.remove("accept"),
            h -> h.addInt("Content-Length", 12).setShort("X-Short", (short) 7),
            h -> h.add("Connection", List.of("keep-alive, Upgrade", "TE")),
            h -> h.remove("X-A"),
            h -> h.add("X-Last", "z"));
    HttpHeaders compact = CompactHeaders.perConnection().newHeaders();
    HttpHeaders netty = new DefaultHttpHeaders();
    for (Consumer<HttpHeaders> change : changes) {
      change.accept(compact);
      change.accept(netty);
      assertThat(compact.entries()).isEqualTo(netty.entries());
    }
    assertThat(compact.containsValue("connection", "upgrade", true)).isTrue();
    assertThat(compact.containsValue("connection", "upgrade", false)).isFalse();
    assertThat(compact.contains("Connection", "te", true)).isTrue();
    assertThat(compact.contains("Connection", "upgrade", true))
        .as("contains compares whole values, as Netty's does")
        .isEqualTo(netty.contains("Connection", "upgrade", true))
        .isFalse();
    assertThat(compact.getInt("content-length")).isEqualTo(12);
    assertThat(compact.getInt("host")).isNull();
    assertThat(compact.names())
        .containsExactly("HOST", "Content-Length", "X-Short", "Connection", "X-Last");
  }

  @Test
  void aValueIsFoundInACommaSeparatedListAsNettyFindsIt() {
    List<String> lists =
        List.of("close", "a , B", "a,", ",", "", "keep-alive, Upgrade ,x", ", ,", "b ,a");
    List<String> wanted = List.of("a", "b", "B", "", "upgrade", "x", "close", "keep-alive");
    for (String list : lists) {
      HttpHeaders compact = CompactHeaders.perConnection().newHeaders().add("Connection", list);
      HttpHeaders netty = new DefaultHttpHeaders().add("Connection", list);
      for (String value : wanted) {
        for (boolean ignoreCase : new boolean[] {true, false}) {
          assertThat(compact.containsValue("connection", value, ignoreCase))
              .as("'%s' in '%s', ignoring case: %s", value, list, ignoreCase)
              .isEqualTo(netty.containsValue("connection", value, ignoreCase));
        }
      }
    }
  }

  @Test
  void namesAndValuesNettyRefusesAreRefused() {
    HttpHeaders compact = CompactHeaders.perConnection().newHeaders();
    assertThatThrownBy(() -> compact.add("bad name", "x"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> compact.set("X-Ok", "a\r\nInjected: 1"))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> compact.add("", "x")).isInstanceOf(IllegalArgumentException.class);
    assertThat(compact.isEmpty()).as("nothing refused was kept").isTrue();
  }

  private static EmbeddedChannel upstreamAwaitingGets(int requests) {
    EmbeddedChannel upstream = new EmbeddedChannel(new UpstreamCodec(4096, 8192, 65536));
    for (int i = 0; i < requests; i++) {
      upstream.writeOutbound(
          new DefaultFullHttpRequest(
              HttpVersion.HTTP_1_1, HttpMethod.GET, "/", Unpooled.EMPTY_BUFFER));
      ReferenceCountUtil.release(upstream.readOutbound());
    }
    return upstream;
  }

  private static String relayResponse(String response) {
    EmbeddedChannel upstream = upstreamAwaitingGets(1);
    EmbeddedChannel client = new EmbeddedChannel(new ClientResponseEncoder());
    try {
      upstream.writeInbound(Unpooled.copiedBuffer(response, ISO_8859_1));
      Object message;
      while ((message = upstream.readInbound()) != null) {
        if (message instanceof HttpResponse head) {
          assertThat(head.headers()).isInstanceOf(CompactHeaders.class);
        }
        client.writeOutbound(message);
      }
      return drain(client);
    } finally {
      upstream.finishAndReleaseAll();
      client.finishAndReleaseAll();
    }
  }

  private static HttpRequest decodeOne(HttpRequestDecoder decoder, String head) {
    EmbeddedChannel channel = new EmbeddedChannel(decoder);
    try {
      channel.writeInbound(Unpooled.copiedBuffer(head, ISO_8859_1));
      HttpRequest request = channel.readInbound();
      assertThat(request.decoderResult().isSuccess()).isTrue();
      return request;
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private static String encode(HttpRequest request) {
    EmbeddedChannel channel = new EmbeddedChannel(new HttpRequestEncoder());
    try {
      channel.writeOutbound(request, LastHttpContent.EMPTY_LAST_CONTENT);
      return drain(channel);
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private static String encodeUpstream(HttpRequest request) {
    EmbeddedChannel channel = new EmbeddedChannel(new UpstreamCodec(4096, 8192, 65536));
    try {
      channel.writeOutbound(request, LastHttpContent.EMPTY_LAST_CONTENT);
      return drain(channel);
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private static String drain(EmbeddedChannel channel) {
    List<String> parts = new ArrayList<>();
    ByteBuf out;
    while ((out = channel.readOutbound()) != null) {
      parts.add(out.toString(ISO_8859_1));
      out.release();
    }
    return String.join("", parts);
  }
}
