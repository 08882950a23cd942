package org.exitfilter.proxy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.net.InetAddress;
import java.util.List;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.net.HostParser;
import org.exitfilter.proxy.ProxyObserver.Outcome;
import org.exitfilter.testing.Blocklists;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * One exchange between an {@link EmbeddedFrontend} client connection and an {@link EmbeddedChannel}
 * upstream that ends in its {@link UpstreamRelay}: the upstream side is fed decoded response parts,
 * as its codec would hand them over.
 */
class HttpExchangeTest {
  private EmbeddedFrontend client;
  private EmbeddedChannel upstreamChannel;
  private UpstreamConnection upstream;
  private final UpstreamPool pool = new UpstreamPool();
  private RequestOutcome outcome;
  private HttpExchange exchange;

  @BeforeEach
  void start() throws Exception {
    client = new EmbeddedFrontend(Blocklists.compile("bans: []\n"));
    UpstreamRelay relay = new UpstreamRelay();
    upstreamChannel = new EmbeddedChannel(relay);
    HostAndPort destination = new HostAndPort(HostParser.parse("origin.test"), 80);
    upstream =
        new UpstreamConnection(
            upstreamChannel, relay, destination, List.of(InetAddress.getLoopbackAddress()));
    ChannelHandlerContext ctx = client.channel.pipeline().context(HttpProxyFrontend.class);
    outcome = new RequestOutcome(client.context.observer());
    outcome.begin();
    exchange =
        new HttpExchange(
            new HttpExchange.ClientSide(
                client.channel.pipeline().get(HttpProxyFrontend.class),
                ctx,
                client.context,
                outcome,
                new Deadline(ctx.executor(), () -> {}),
                pool),
            new ResponseFraming.Request(true, true, false));
  }

  @AfterEach
  void stop() {
    try {
      upstreamChannel.finishAndReleaseAll();
    } finally {
      client.close();
    }
  }

  @Test
  void aCompleteResponseReachesTheClientAndTheUpstreamGoesBackToThePoolUnlinked() {
    exchange.start(upstream, get());
    assertThat(sentUpstream()).isInstanceOf(HttpRequest.class);

    upstreamChannel.writeInbound(response(5));
    upstreamChannel.writeInbound(new DefaultLastHttpContent(bytes("hello")));

    String written = client.written();
    assertThat(written).startsWith("HTTP/1.1 200 OK\r\n").endsWith("\r\n\r\nhello");
    assertThat(client.outcomes).containsExactly(Outcome.FORWARDED);
    assertThat(pool.take(upstream.destination()))
        .as("kept for the next request to the same origin")
        .isSameAs(upstream);

    HttpContent late = new DefaultHttpContent(bytes("late"));
    upstreamChannel.writeInbound(late);
    assertThat(late.refCnt()).as("released by the unlinked relay").isZero();
    assertThat(client.written()).as("nothing reaches the client after the exchange").isEmpty();
  }

  @Test
  void anUpstreamThatClosesBeforeAnsweringGivesTheClientA502() {
    exchange.start(upstream, get());
    sentUpstream();

    upstreamChannel.close();

    String written = client.written();
    assertThat(written).startsWith("HTTP/1.1 502 ");
    assertThat(written).contains("error=http_response_incomplete");
    assertThat(client.outcomes).containsExactly(Outcome.UPSTREAM_ERROR);
    assertThat(pool.take(upstream.destination())).isNull();
  }

  @Test
  void aResponseCutShortClosesTheClientAndCountsOnceAsAnUpstreamError() {
    exchange.start(upstream, get());
    sentUpstream();
    upstreamChannel.writeInbound(response(10));
    upstreamChannel.writeInbound(new DefaultHttpContent(bytes("hello")));

    upstreamChannel.pipeline().fireExceptionCaught(new IOException("reset"));

    assertThat(client.written()).startsWith("HTTP/1.1 200 OK\r\n").endsWith("hello");
    assertThat(client.channel.isActive())
        .as("the close is the only way left to tell the client")
        .isFalse();
    assertThat(upstreamChannel.isActive()).isFalse();
    assertThat(client.outcomes).containsExactly(Outcome.UPSTREAM_ERROR);
  }

  @Test
  void aMalformedResponseHeadGivesTheClientA502() {
    exchange.start(upstream, get());
    sentUpstream();
    HttpResponse broken = response(0);
    broken.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad")));

    upstreamChannel.writeInbound(broken);

    assertThat(client.written()).contains("error=http_protocol_error");
    assertThat(upstreamChannel.isActive()).as("an origin out of step is not reused").isFalse();
    assertThat(client.outcomes).containsExactly(Outcome.UPSTREAM_ERROR);
  }

  @Test
  void aBrokenBodyChunkAfterTheResponseBeganClosesTheClientAndCountsOnceAsABadRequest() {
    HttpRequest post = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, "/");
    post.headers().set(HttpHeaderNames.TRANSFER_ENCODING, "chunked");
    exchange.start(upstream, post);
    sentUpstream();
    upstreamChannel.writeInbound(response(5));
    HttpContent broken = new DefaultHttpContent(bytes("x"));
    broken.setDecoderResult(DecoderResult.failure(new IllegalArgumentException("bad chunk")));

    exchange.clientRead(broken);

    assertThat(broken.refCnt()).isZero();
    assertThat(upstreamChannel.isActive())
        .as("the origin must not see the body end as if it were whole")
        .isFalse();
    assertThat(client.channel.isActive()).isFalse();
    assertThat(client.outcomes).containsExactly(Outcome.BAD_REQUEST);
  }

  private Object sentUpstream() {
    Object sent = upstreamChannel.readOutbound();
    ReferenceCountUtil.release(sent);
    return sent;
  }

  private static HttpRequest get() {
    return new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
  }

  private static HttpResponse response(int contentLength) {
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, contentLength);
    return response;
  }

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, ISO_8859_1);
  }
}
