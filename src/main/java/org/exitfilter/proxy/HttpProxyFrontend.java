package org.exitfilter.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.Future;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.exitfilter.config.Rule;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.policy.DestinationPolicy.Access;

/**
 * The client connection's state machine: takes one request at a time, judges its destination,
 * forwards it over an upstream connection dialled on this connection's event loop, and relays the
 * response back; or turns the connection into a tunnel for an allowed CONNECT.
 *
 * <p>Reads are explicit (auto-read is off and {@link OneMessagePerRead} hands over one message per
 * read): the next request is read only once the previous response is complete, a request body only
 * while the upstream can take it, a response only while the client can take it. All state is
 * confined to the event loop; nothing here is shared.
 *
 * <p>Ownership: every message read is either written on (the write releases it) or released here.
 */
final class HttpProxyFrontend extends ChannelInboundHandlerAdapter {
  private enum State {
    /** Waiting for the next request head. */
    AWAITING_REQUEST,
    /** A head arrived; resolving and connecting. Nothing is read meanwhile. */
    CONNECTING,
    /** The head went upstream; reading the request body and relaying the response. */
    EXCHANGING,
    /** A refusal was sent; reading the (empty) rest of the request before the next one. */
    DISCARDING,
    /** The connection became a tunnel or is closing; this handler does nothing more. */
    DONE
  }

  private final ServerContext context;
  private final UpstreamDialer dialer;
  private ChannelHandlerContext ctx;
  private State state = State.AWAITING_REQUEST;

  // The current exchange.
  private boolean clientKeepAlive;
  private boolean clientHttp11;
  private boolean requestComplete;
  private boolean responseStarted;
  private boolean informationalResponse;
  private boolean closeAfterResponse;
  private boolean clientBodyEndsWithClose;
  private Deadline responseDeadline;

  // The upstream connection, kept for the next request to the same destination.
  private Channel upstream;
  private HostAndPort upstreamDestination;
  // The address connected to, as the one-element list the guard re-checks on every reuse.
  private List<InetAddress> upstreamAddress;
  private boolean upstreamReusable;
  // The last Host field generated and its destination: the next request usually goes there too.
  private HostAndPort hostFieldDestination;
  private String hostField;

  HttpProxyFrontend(ServerContext context) {
    this.context = context;
    this.dialer = new UpstreamDialer(context);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.responseDeadline = new Deadline(ctx.executor(), this::responseTimedOut);
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.read();
    ctx.fireChannelActive();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    switch (state) {
      case AWAITING_REQUEST -> {
        if (msg instanceof HttpRequest request) {
          onRequestHead(request);
        } else {
          // The tail of a message already answered; nothing to do with it.
          ReferenceCountUtil.release(msg);
          ctx.read();
        }
      }
      case EXCHANGING -> onRequestContent(msg);
      case DISCARDING -> {
        ReferenceCountUtil.release(msg);
        if (msg instanceof LastHttpContent) {
          awaitNextRequest();
        } else {
          ctx.read();
        }
      }
      default -> ReferenceCountUtil.release(msg);
    }
  }

  // ---------------------------------------------------------------- request head

  private void onRequestHead(HttpRequest request) {
    headDeadline().headReceived();
    // Whatever answers this request, the proxy's own pages included, a HEAD gets no body.
    encoder().answeringHead(request.method().equals(HttpMethod.HEAD));
    boolean complete = request instanceof LastHttpContent;
    try {
      context.checks().check(request);
    } catch (ProxyException e) {
      ReferenceCountUtil.release(request);
      fail(e);
      return;
    }
    clientKeepAlive = HttpUtil.isKeepAlive(request);
    clientHttp11 = request.protocolVersion().minorVersion() >= 1;
    boolean bodyFollows =
        !complete
            && (HttpUtil.isTransferEncodingChunked(request)
                || HttpUtil.getContentLength(request, 0L) > 0);
    boolean mayKeepAlive = clientKeepAlive && !bodyFollows;

    if (request.method().equals(HttpMethod.CONNECT)) {
      String authority = request.uri();
      ReferenceCountUtil.release(request);
      onConnect(authority);
      return;
    }
    if (RequestTarget.isOriginForm(request.uri())) {
      ReferenceCountUtil.release(request);
      context.observer().outcome(ProxyObserver.Outcome.INFO_PAGE, null);
      respondItself(Responses.info(ctx.alloc(), mayKeepAlive), complete);
      return;
    }
    RequestTarget target;
    try {
      target = RequestTarget.parse(request.uri());
    } catch (ProxyException e) {
      ReferenceCountUtil.release(request);
      fail(e);
      return;
    }
    HostAndPort destination = target.destination();
    Matcher matcher = context.matchers().get();
    Verdict nameVerdict;
    try {
      nameVerdict = context.guard().checkName(matcher, destination, Access.HTTP);
    } catch (ProxyException e) {
      ReferenceCountUtil.release(request);
      respondItself(blockPage(destination, e.rule, mayKeepAlive), complete);
      return;
    }

    prepareForUpstream(request, target);
    requestComplete = false;
    responseStarted = false;
    informationalResponse = false;
    closeAfterResponse = false;
    clientBodyEndsWithClose = false;
    state = State.CONNECTING;

    if (upstreamReusable && destination.equals(upstreamDestination) && upstream.isActive()) {
      try {
        // The name was judged above; the address connected to is judged again on this snapshot.
        context.guard().choose(matcher, nameVerdict, upstreamAddress, destination);
      } catch (ProxyException e) {
        ReferenceCountUtil.release(request);
        closeUpstream();
        refuse(e, complete, destination, mayKeepAlive);
        return;
      }
      upstreamReusable = false;
      sendHead(request);
      return;
    }
    closeUpstream();
    resolveAndConnect(
        destination,
        matcher,
        nameVerdict,
        ProxyInitializer.upstreamHttp(context, this),
        (channel, address) -> {
          upstream = channel;
          upstreamDestination = destination;
          upstreamAddress = List.of(address);
          sendHead(request);
        },
        e -> {
          ReferenceCountUtil.release(request);
          refuse(e, complete, destination, mayKeepAlive);
        });
  }

  /** Rewrites the head for the origin: origin-form target, generated Host, no hop-by-hop. */
  private void prepareForUpstream(HttpRequest request, RequestTarget target) {
    request.setUri(target.originForm());
    request.setProtocolVersion(HttpVersion.HTTP_1_1);
    HttpHeaders headers = request.headers();
    HopByHop.strip(headers);
    headers.set(HttpHeaderNames.HOST, hostField(target));
  }

  /** The Host field for the target, built once per destination rather than once per request. */
  private String hostField(RequestTarget target) {
    if (!target.destination().equals(hostFieldDestination)) {
      hostFieldDestination = target.destination();
      hostField = target.hostHeader();
    }
    return hostField;
  }

  private void sendHead(HttpRequest request) {
    if (state != State.CONNECTING || !ctx.channel().isActive()) {
      ReferenceCountUtil.release(request);
      return;
    }
    state = State.EXCHANGING;
    boolean complete = request instanceof LastHttpContent;
    // Not flushed yet: the end of a body-less request is usually already decoded and goes out
    // with the head in one write.
    // Void promises: a failed write reaches exceptionCaught of its channel, which ends the
    // exchange; no listener is allocated per write.
    upstream.write(request, upstream.voidPromise());
    if (complete) {
      requestComplete = true;
      startResponseTimer();
    }
    upstream.read();
    ctx.read();
    if (upstream != null) {
      upstream.flush();
    }
  }

  /**
   * The whole request is on its way: the origin now has the response timeout to start its final
   * response. Not earlier, since a client may take longer than that to send its body.
   */
  private void startResponseTimer() {
    responseDeadline.set(context.limits().responseTimeout().toNanos());
  }

  // ---------------------------------------------------------------- request body

  private void onRequestContent(Object msg) {
    if (!(msg instanceof HttpContent content)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (requestComplete || upstream == null || !upstream.isActive()) {
      content.release();
      return;
    }
    if (content.decoderResult().isFailure()) {
      // A broken chunk: the origin must not see a body that ends as if it were whole.
      content.release();
      closeUpstream();
      if (!responseStarted) {
        fail(new ProxyException(ProxyError.BAD_REQUEST, "malformed request body"));
      } else {
        ctx.close();
      }
      return;
    }
    boolean last = content instanceof LastHttpContent;
    context.observer().bytesUpstream(content.content().readableBytes());
    upstream.writeAndFlush(content, upstream.voidPromise());
    if (last) {
      requestComplete = true;
      if (!responseStarted) {
        startResponseTimer();
      }
    } else if (upstream.isWritable()) {
      ctx.read();
    }
  }

  /** The upstream drained its outbound buffer: the client may send more of its body. */
  void upstreamWritabilityChanged(Channel channel) {
    if (channel == upstream
        && state == State.EXCHANGING
        && !requestComplete
        && channel.isWritable()) {
      ctx.read();
    }
  }

  // ---------------------------------------------------------------- response

  /** A response part from the upstream; runs on this connection's event loop. */
  void upstreamRead(Channel channel, Object msg) {
    if (channel != upstream || state != State.EXCHANGING || !ctx.channel().isActive()) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse response) {
      if (response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
        // A 100 Continue is not the answer: the clock runs on until the final response.
        cancelResponseTimer();
      }
      if (response.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        upstreamBroken(
            response.decoderResult().cause()
                    instanceof io.netty.handler.codec.http.TooLongHttpHeaderException
                ? ProxyError.RESPONSE_HEADERS_TOO_LARGE
                : ProxyError.RESPONSE_INVALID);
        return;
      }
      prepareForClient(response);
    }
    if (msg instanceof HttpContent content && content.decoderResult().isFailure()) {
      // Truncated or malformed body: end the client connection so the cut is visible.
      content.release();
      upstreamBroken(ProxyError.RESPONSE_INCOMPLETE);
      return;
    }
    boolean last = msg instanceof LastHttpContent;
    if (msg instanceof HttpContent content) {
      context.observer().bytesDownstream(content.content().readableBytes());
    }
    // Flushed at the end of the response or of the upstream read, so a small response leaves in
    // one write rather than one per part.
    if (last) {
      ctx.writeAndFlush(msg, ctx.voidPromise());
    } else {
      ctx.write(msg, ctx.voidPromise());
    }
    if (last) {
      if (informationalResponse) {
        informationalResponse = false;
      } else {
        responseComplete();
        return;
      }
    }
    if (ctx.channel().isWritable()) {
      upstream.read();
    }
  }

  /** The upstream read is drained: what was written to the client so far goes out. */
  void upstreamReadComplete(Channel channel) {
    if (channel == upstream) {
      ctx.flush();
    }
  }

  /**
   * Adapts the response head to the client: strips hop-by-hop fields and sets framing the client
   * can read (a close-delimited body is re-chunked for HTTP/1.1 clients; chunked bodies are sent
   * close-delimited to HTTP/1.0 clients).
   */
  private void prepareForClient(HttpResponse response) {
    HttpHeaders headers = response.headers();
    boolean upstreamKeepAlive = HttpUtil.isKeepAlive(response);
    HopByHop.strip(headers);
    if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      informationalResponse = true;
      return;
    }
    responseStarted = true;
    upstreamReusable = upstreamKeepAlive;
    boolean chunked = HttpUtil.isTransferEncodingChunked(response);
    boolean bodyless = bodyless(response);
    boolean delimitedByClose =
        !bodyless && !chunked && !headers.contains(HttpHeaderNames.CONTENT_LENGTH);
    if (delimitedByClose) {
      upstreamReusable = false;
      if (clientHttp11) {
        headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      } else {
        closeAfterResponse = true;
      }
    } else if (chunked && !clientHttp11) {
      headers.remove(HttpHeaderNames.TRANSFER_ENCODING);
      closeAfterResponse = true;
    }
    clientBodyEndsWithClose = !bodyless && !clientHttp11 && (chunked || delimitedByClose);
    if (!requestComplete) {
      // The origin answered before the body was sent; the rest of the body cannot be skipped
      // reliably, so this connection ends with the response.
      closeAfterResponse = true;
      upstreamReusable = false;
    }
    boolean keepAlive = clientKeepAlive && !closeAfterResponse;
    closeAfterResponse = !keepAlive;
    if (!keepAlive) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (!clientHttp11) {
      headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
  }

  private boolean bodyless(HttpResponse response) {
    int code = response.status().code();
    return code == 204 || code == 304 || encoder().isAnsweringHead();
  }

  private void responseComplete() {
    context.observer().outcome(ProxyObserver.Outcome.FORWARDED, null);
    if (!upstreamReusable || !requestComplete) {
      closeUpstream();
    } else {
      // Keep a read pending on the idle connection so that the origin closing it is noticed.
      upstream.read();
    }
    if (closeAfterResponse) {
      state = State.DONE;
      closeOnFlush(ctx.channel());
    } else {
      awaitNextRequest();
    }
  }

  void upstreamClosed(Channel channel) {
    if (channel != upstream) {
      return;
    }
    upstream = null;
    upstreamReusable = false;
    if (state == State.EXCHANGING) {
      upstreamBroken(ProxyError.RESPONSE_INCOMPLETE);
    }
  }

  /**
   * The upstream connection failed (a reset, an I/O error). Whatever its codec still delivers on
   * the close that follows is not trusted: for a close-delimited body it would be a regular end.
   */
  void upstreamFailed(Channel channel) {
    if (channel == upstream) {
      upstreamBroken(ProxyError.RESPONSE_INCOMPLETE);
    }
  }

  private void upstreamBroken(ProxyError error) {
    cancelResponseTimer();
    closeUpstream();
    if (state != State.EXCHANGING) {
      return;
    }
    if (responseStarted) {
      state = State.DONE;
      if (clientBodyEndsWithClose) {
        // A closed connection would tell this client the body is complete; only a reset can not.
        ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
      }
      ctx.close();
    } else {
      fail(new ProxyException(error, "origin did not send a complete response"));
    }
  }

  private void responseTimedOut() {
    if (state == State.EXCHANGING && !responseStarted) {
      closeUpstream();
      fail(new ProxyException(ProxyError.RESPONSE_TIMEOUT, "origin did not answer in time"));
    }
  }

  // ---------------------------------------------------------------- CONNECT

  private void onConnect(String authority) {
    HostAndPort destination;
    try {
      destination = RequestTarget.connectDestination(authority);
    } catch (ProxyException e) {
      fail(e);
      return;
    }
    Matcher matcher = context.matchers().get();
    Verdict nameVerdict;
    try {
      nameVerdict = context.guard().checkName(matcher, destination, Access.CONNECT);
    } catch (ProxyException e) {
      refuseTunnel(e, destination);
      return;
    }
    closeUpstream();
    state = State.CONNECTING;
    resolveAndConnect(
        destination,
        matcher,
        nameVerdict,
        ProxyInitializer.upstreamTunnel(context),
        (channel, address) -> openTunnel(channel, matcher, destination.port()),
        e -> refuseTunnel(e, destination));
  }

  private void openTunnel(Channel tunnel, Matcher matcher, int port) {
    if (!ctx.channel().isActive()) {
      tunnel.close();
      return;
    }
    state = State.DONE;
    ctx.writeAndFlush(Responses.connectionEstablished()).addListener(closeOnFailure(tunnel));
    context.observer().outcome(ProxyObserver.Outcome.TUNNELED, null);
    ProxyInitializer.switchToTunnel(
        ctx.pipeline(),
        tunnel,
        context.limits().headerTimeout().toMillis(),
        context.guard().serverNameCheck(matcher, port, context.observer()),
        context.observer());
  }

  private void refuseTunnel(ProxyException e, HostAndPort destination) {
    state = State.DONE;
    encoder().answeringHead(false);
    FullHttpResponse response =
        e.error == ProxyError.BLOCKED ? blockPage(destination, e.rule, false) : errorResponse(e);
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  // ---------------------------------------------------------------- dialling

  private interface Connected {
    void accept(Channel channel, InetAddress address);
  }

  private interface Refused {
    void accept(ProxyException e);
  }

  /** Dials the destination; exactly one callback runs, and neither once the client has gone. */
  private void resolveAndConnect(
      HostAndPort destination,
      Matcher matcher,
      Verdict nameVerdict,
      ChannelInitializer<Channel> pipeline,
      Connected connected,
      Refused refused) {
    dialer
        .dial(ctx.channel().eventLoop(), destination, matcher, nameVerdict, pipeline)
        .addListener(
            (Future<Channel> dialled) -> {
              if (!ctx.channel().isActive()) {
                if (dialled.isSuccess()) {
                  dialled.getNow().close();
                }
                refused.accept(
                    new ProxyException(ProxyError.DESTINATION_UNAVAILABLE, "client left"));
              } else if (dialled.isSuccess()) {
                Channel channel = dialled.getNow();
                connected.accept(
                    channel, ((InetSocketAddress) channel.remoteAddress()).getAddress());
              } else {
                refused.accept(
                    dialled.cause() instanceof ProxyException e
                        ? e
                        : new ProxyException(
                            ProxyError.DESTINATION_UNAVAILABLE, "origin unreachable"));
              }
            });
  }

  // ---------------------------------------------------------------- refusals

  /**
   * Refuses a request after its destination was resolved or dialled. When no body follows, the
   * connection stays open for the next request; otherwise it closes, since skipping an unread body
   * is not worth the risk of misreading where the next request starts.
   */
  private void refuse(
      ProxyException e, boolean complete, HostAndPort destination, boolean mayKeepAlive) {
    if (!ctx.channel().isActive()) {
      state = State.DONE;
      return;
    }
    if (e.error == ProxyError.BLOCKED) {
      respondItself(blockPage(destination, e.rule, mayKeepAlive), complete);
    } else {
      fail(e);
    }
  }

  /** Sends a response the proxy made itself, then reads on or closes as its headers say. */
  private void respondItself(FullHttpResponse response, boolean complete) {
    boolean keepAlive =
        !HttpHeaderValues.CLOSE.contentEqualsIgnoreCase(
            response.headers().get(HttpHeaderNames.CONNECTION, ""));
    if (!keepAlive) {
      state = State.DONE;
      ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    if (complete) {
      awaitNextRequest();
    } else {
      state = State.DISCARDING;
      ctx.read();
    }
  }

  /** Answers with an error and closes the connection. */
  private void fail(ProxyException e) {
    context.observer().outcome(outcomeOf(e.error), null);
    state = State.DONE;
    cancelResponseTimer();
    if (encoder() == null) {
      ctx.close();
      return;
    }
    ctx.writeAndFlush(Responses.error(ctx.alloc(), e.error, e.getMessage()))
        .addListener(ChannelFutureListener.CLOSE);
  }

  private FullHttpResponse errorResponse(ProxyException e) {
    context.observer().outcome(outcomeOf(e.error), null);
    return Responses.error(ctx.alloc(), e.error, e.getMessage());
  }

  private static ProxyObserver.Outcome outcomeOf(ProxyError error) {
    return switch (error) {
      case BAD_REQUEST, URI_TOO_LONG, HEADERS_TOO_LARGE, REQUEST_TIMEOUT ->
          ProxyObserver.Outcome.BAD_REQUEST;
      case BLOCKED -> ProxyObserver.Outcome.BLOCKED;
      case PORT_NOT_ALLOWED, DESTINATION_PROHIBITED, CONNECTION_LIMIT ->
          ProxyObserver.Outcome.PROHIBITED;
      default -> ProxyObserver.Outcome.UPSTREAM_ERROR;
    };
  }

  /** The block page; the host shown is the normalized one the user asked for, never logged. */
  private FullHttpResponse blockPage(HostAndPort destination, Rule rule, boolean keepAlive) {
    String host = destination.host().authority();
    context.observer().outcome(ProxyObserver.Outcome.BLOCKED, rule);
    return Responses.blocked(ctx.alloc(), context.blockPage().render(host, rule), keepAlive);
  }

  // ---------------------------------------------------------------- lifecycle

  private void awaitNextRequest() {
    state = State.AWAITING_REQUEST;
    headDeadline().awaitHead();
    ctx.read();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()
        && state == State.EXCHANGING
        && upstream != null
        && responseStarted) {
      upstream.read();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == RequestHeadDeadline.EXPIRED && state == State.AWAITING_REQUEST) {
      fail(new ProxyException(ProxyError.REQUEST_TIMEOUT, "request head not received in time"));
    } else if (evt instanceof IdleStateEvent) {
      state = State.DONE;
      ctx.close();
    } else {
      ReferenceCountUtil.release(evt);
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    state = State.DONE;
    responseDeadline.cancel();
    closeUpstream();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets and broken pipes are ordinary endings for a proxy; nothing about them is logged.
    state = State.DONE;
    ctx.close();
  }

  private ClientResponseEncoder encoder() {
    return (ClientResponseEncoder) ctx.pipeline().get(ProxyInitializer.ENCODER);
  }

  private RequestHeadDeadline headDeadline() {
    return (RequestHeadDeadline) ctx.pipeline().get(ProxyInitializer.HEAD_DEADLINE);
  }

  private void cancelResponseTimer() {
    responseDeadline.clear();
  }

  private void closeUpstream() {
    upstreamReusable = false;
    if (upstream != null) {
      Channel channel = upstream;
      upstream = null;
      channel.close();
    }
  }

  private static ChannelFutureListener closeOnFailure(Channel other) {
    return f -> {
      if (!f.isSuccess()) {
        other.close();
      }
    };
  }

  private static void closeOnFlush(Channel channel) {
    org.exitfilter.proxy.tunnel.TunnelRelay.closeOnFlush(channel);
  }
}
