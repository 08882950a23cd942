package org.exitfilter.proxy;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.util.List;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.policy.DestinationPolicy;
import org.exitfilter.proxy.tunnel.TunnelRelay;

/**
 * The client connection's lifecycle: takes one request at a time, admits it (request checks, its
 * target, its destination), and hands an admitted request to an {@link HttpExchange} over an
 * upstream connection from the {@link UpstreamPool} or newly dialled; a CONNECT goes to a {@link
 * ConnectRequest}, after which the connection is a tunnel or closes. The client sees the response
 * of each request before the next one is read, and the proxy's own answers (errors, the block page,
 * the informational page) when a request is not forwarded.
 *
 * <p>Reads are explicit (auto-read is off and {@link OneMessagePerRead} hands over one message per
 * read): the next request is read only once the previous exchange has ended. All state is confined
 * to the event loop; nothing here is shared.
 *
 * <p>Ownership: every message read is either handed to the exchange, written on (the write releases
 * it) or released here.
 */
final class HttpProxyFrontend extends ChannelInboundHandlerAdapter {
  private enum State {
    /** Waiting for the next request head. */
    AWAITING_REQUEST,
    /** A head arrived; resolving and connecting. Nothing is read meanwhile. */
    CONNECTING,
    /** An exchange runs: it reads the request body and relays the response. */
    EXCHANGING,
    /** A refusal was sent; reading the (empty) rest of the request before the next one. */
    DISCARDING,
    /** The connection became a tunnel or is closing; this handler does nothing more. */
    DONE
  }

  private final ServerContext context;
  private final RequestHeadDeadline headDeadline;
  private final ClientResponseEncoder encoder;
  private final DestinationAccess destinations;
  private final UpstreamPool pool = new UpstreamPool();
  private final RequestOutcome outcome;
  private ChannelHandlerContext ctx;
  private Deadline responseDeadline;
  private HttpExchange.ClientSide exchangeSide;
  private State state = State.AWAITING_REQUEST;
  private HttpExchange exchange;

  private final OriginHead originHead = new OriginHead();
  private final RequestTarget.LastAuthority lastAuthority = new RequestTarget.LastAuthority();

  /**
   * @param headDeadline this connection's head timer, told when a head is awaited and arrived
   * @param encoder this connection's response encoder, told when a response answers a HEAD
   */
  HttpProxyFrontend(
      ServerContext context, RequestHeadDeadline headDeadline, ClientResponseEncoder encoder) {
    this.context = context;
    this.headDeadline = headDeadline;
    this.encoder = encoder;
    this.destinations = new DestinationAccess(context);
    this.outcome = new RequestOutcome(context.observer());
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    // One timer per connection, lent to each exchange in turn: setting it costs a clock read.
    this.responseDeadline =
        new Deadline(
            ctx.executor(),
            () -> {
              if (exchange != null) {
                exchange.responseTimedOut();
              }
            });
    this.exchangeSide =
        new HttpExchange.ClientSide(this, ctx, context, outcome, responseDeadline, pool);
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
      case EXCHANGING -> exchange.clientRead(msg);
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

  // ---------------------------------------------------------------- admission

  private void onRequestHead(HttpRequest request) {
    outcome.begin();
    headDeadline.headReceived();
    // Whatever answers this request, the proxy's own pages included, a HEAD gets no body.
    boolean head = request.method().equals(HttpMethod.HEAD);
    encoder.answeringHead(head);
    boolean complete = request instanceof LastHttpContent;
    try {
      context.checks().check(request);
    } catch (ProxyException e) {
      ReferenceCountUtil.release(request);
      fail(e);
      return;
    }
    boolean clientKeepAlive = HttpUtil.isKeepAlive(request);
    boolean clientHttp11 = request.protocolVersion().minorVersion() >= 1;
    boolean bodyFollows =
        !complete
            && (HttpUtil.isTransferEncodingChunked(request)
                || HttpUtil.getContentLength(request, 0L) > 0);
    boolean mayKeepAlive = clientKeepAlive && !bodyFollows;
    // Only the notice's pages speak the client's language; without them, nothing is read.
    String acceptLanguage =
        context.pages().localized() ? request.headers().get(HttpHeaderNames.ACCEPT_LANGUAGE) : null;

    if (request.method().equals(HttpMethod.CONNECT)) {
      String authority = request.uri();
      ReferenceCountUtil.release(request);
      // The connection becomes a tunnel or closes: nothing more for this handler to read.
      state = State.DONE;
      pool.close();
      new ConnectRequest(ctx, context, destinations, outcome).admit(authority, acceptLanguage);
      return;
    }
    if (RequestTarget.isOriginForm(request.uri())) {
      String uri = request.uri();
      ReferenceCountUtil.release(request);
      outcome.infoPage();
      respondItself(
          context.pages().itself(ctx.alloc(), uri, acceptLanguage, mayKeepAlive), complete);
      return;
    }
    RequestTarget target;
    try {
      target = RequestTarget.parse(request.uri(), lastAuthority);
    } catch (ProxyException e) {
      ReferenceCountUtil.release(request);
      fail(e);
      return;
    }
    HostAndPort destination = target.destination();
    Matcher matcher = context.matchers().get();
    Verdict nameVerdict;
    try {
      nameVerdict = destinations.checkName(matcher, destination, DestinationPolicy.Access.HTTP);
    } catch (ProxyException e) {
      ReferenceCountUtil.release(request);
      refuse(e, destination, acceptLanguage, complete, mayKeepAlive);
      return;
    }

    originHead.rewrite(request, target);
    state = State.CONNECTING;
    HttpExchange next =
        new HttpExchange(
            exchangeSide, ResponseFraming.Request.of(clientHttp11, clientKeepAlive, head));

    // The kept upstream connection to this destination, its address judged again on this
    // request's snapshot; or a new one. The refusal callback is made only for a new connection:
    // a kept-alive request makes no object for a refusal that rarely comes.
    UpstreamConnection kept = pool.take(destination);
    if (kept != null) {
      try {
        destinations.recheck(matcher, nameVerdict, kept);
      } catch (ProxyException e) {
        kept.close();
        ReferenceCountUtil.release(request);
        refuse(e, destination, acceptLanguage, complete, mayKeepAlive);
        return;
      }
      startExchange(next, kept, request);
      return;
    }
    dial(
        next,
        request,
        destination,
        matcher,
        nameVerdict,
        e -> {
          ReferenceCountUtil.release(request);
          refuse(e, destination, acceptLanguage, complete, mayKeepAlive);
        });
  }

  /** Starts {@code next} over a new upstream connection to {@code destination}. */
  private void dial(
      HttpExchange next,
      HttpRequest request,
      HostAndPort destination,
      Matcher matcher,
      Verdict nameVerdict,
      DestinationAccess.Refused refused) {
    destinations.dial(
        ctx.channel(),
        destination,
        matcher,
        nameVerdict,
        DestinationPolicy.Access.HTTP,
        ProxyInitializer.upstreamHttp(context),
        channel ->
            startExchange(
                next,
                new UpstreamConnection(
                    channel,
                    ProxyInitializer.relayOf(channel),
                    destination,
                    List.of(((InetSocketAddress) channel.remoteAddress()).getAddress())),
                request),
        refused);
  }

  private void startExchange(HttpExchange next, UpstreamConnection upstream, HttpRequest head) {
    if (state != State.CONNECTING || !ctx.channel().isActive()) {
      ReferenceCountUtil.release(head);
      upstream.close();
      return;
    }
    state = State.EXCHANGING;
    exchange = next;
    next.start(upstream, head);
  }

  // ---------------------------------------------------------------- what the exchange tells

  /** The exchange ended with its response: read the next request, or close as it decided. */
  void exchangeEnded(boolean keepClient) {
    exchange = null;
    if (keepClient) {
      awaitNextRequest();
    } else {
      state = State.DONE;
      TunnelRelay.closeOnFlush(ctx.channel());
    }
  }

  /** The exchange cut its response short: the close is what tells the client. */
  void closeNow() {
    exchange = null;
    state = State.DONE;
    ctx.close();
  }

  // ---------------------------------------------------------------- refusals

  /**
   * Refuses a request before it went upstream. A block page leaves the connection open for the next
   * request when no body follows; otherwise it closes, since skipping an unread body is not worth
   * the risk of misreading where the next request starts. Any other refusal closes.
   */
  private void refuse(
      ProxyException e,
      HostAndPort destination,
      String acceptLanguage,
      boolean complete,
      boolean mayKeepAlive) {
    if (!ctx.channel().isActive()) {
      state = State.DONE;
      return;
    }
    if (e.error == ProxyError.BLOCKED) {
      outcome.failed(e.error, e.rule);
      respondItself(
          context.pages().blocked(ctx.alloc(), destination, e.rule, acceptLanguage, mayKeepAlive),
          complete);
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

  /** Answers with an error and closes the connection; the request counts as the error says. */
  private void fail(ProxyException e) {
    outcome.failed(e.error, e.rule);
    closeWithError(e);
  }

  /** Answers with an error and closes the connection; whoever calls this counted the request. */
  void closeWithError(ProxyException e) {
    state = State.DONE;
    exchange = null;
    responseDeadline.clear();
    if (ctx.isRemoved()) {
      ctx.channel().close();
      return;
    }
    ctx.writeAndFlush(Responses.error(ctx.alloc(), e.error, e.getMessage()))
        .addListener(ChannelFutureListener.CLOSE);
  }

  // ---------------------------------------------------------------- lifecycle

  private void awaitNextRequest() {
    state = State.AWAITING_REQUEST;
    headDeadline.awaitHead();
    ctx.read();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && exchange != null) {
      exchange.clientWritable();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt == RequestHeadDeadline.EXPIRED && state == State.AWAITING_REQUEST) {
      // Part of a head arrived: that is a request, and this is its end.
      outcome.begin();
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
    if (exchange != null) {
      exchange.abort();
      exchange = null;
    }
    pool.close();
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // Resets and broken pipes are ordinary endings for a proxy; nothing about them is logged.
    state = State.DONE;
    ctx.close();
  }
}
