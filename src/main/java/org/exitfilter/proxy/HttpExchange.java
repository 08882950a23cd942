package org.exitfilter.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.util.ReferenceCountUtil;

/**
 * One request forwarded over one upstream connection, from its head going upstream to the end of
 * its response (Zuul's {@code ProxyEndpoint} role). It owns the request body's relay, the response
 * (re-framed for the client by {@link ResponseFraming}), the response timer and the request's
 * outcome. It is linked to the upstream's {@link UpstreamRelay} while it runs and unlinked when it
 * ends, when the upstream goes back to the {@link UpstreamPool} or is closed; so the callbacks it
 * gets are always about its own upstream, and none arrives after it ended.
 *
 * <p>Confined to the client connection's event loop, which its upstream shares: plain fields. Reads
 * are explicit: the request body is read only while the upstream is writable, the response only
 * while the client is writable.
 *
 * <p>Ownership: every message it is handed is written on (the write releases it) or released here.
 */
final class HttpExchange {
  private final ClientSide client;
  private final ResponseFraming.Request request;

  private UpstreamConnection upstream;
  private boolean requestComplete;
  private boolean informationalResponse;
  private ResponseFraming.Decision framing;
  private boolean ended;

  /**
   * What every exchange of one client connection shares, made once per connection, so that an
   * exchange holds only its own state.
   *
   * @param frontend told when the exchange ends
   * @param ctx the client connection's frontend context, where responses are written
   * @param responseDeadline the connection's response timer; its expiry must reach {@link
   *     #responseTimedOut()} of the exchange that runs
   */
  record ClientSide(
      HttpProxyFrontend frontend,
      ChannelHandlerContext ctx,
      ServerContext context,
      RequestOutcome outcome,
      Deadline responseDeadline,
      UpstreamPool pool) {}

  /**
   * @param client the client connection's side, shared by every exchange on it
   * @param request what the client's request says about the response it can take
   */
  HttpExchange(ClientSide client, ResponseFraming.Request request) {
    this.client = client;
    this.request = request;
  }

  /** Links to {@code upstream} and sends it the (already rewritten) head; owns both from now. */
  void start(UpstreamConnection upstream, HttpRequest head) {
    this.upstream = upstream;
    upstream.relay().link(this);
    boolean complete = head instanceof LastHttpContent;
    // Not flushed yet: the end of a body-less request is usually already decoded and goes out
    // with the head in one write.
    // Void promises: a failed write reaches exceptionCaught of its channel, which ends the
    // exchange; no listener is allocated per write.
    upstream.channel().write(head, upstream.channel().voidPromise());
    if (complete) {
      requestDone();
    }
    upstream.channel().read();
    client.ctx().read();
    if (!ended) {
      upstream.channel().flush();
    }
  }

  // ---------------------------------------------------------------- request body

  /** A message the client sent after the head: the body, or what follows an answered request. */
  void clientRead(Object msg) {
    if (!(msg instanceof HttpContent content)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (ended || requestComplete || !upstream.channel().isActive()) {
      content.release();
      return;
    }
    if (content.decoderResult().isFailure()) {
      // A broken chunk: the origin must not see a body that ends as if it were whole.
      content.release();
      if (framing == null) {
        fail(ProxyError.BAD_REQUEST, "malformed request body");
      } else {
        // The client has part of the response already; it gets no error page, only the close.
        client.outcome().failed(ProxyError.BAD_REQUEST, null);
        end(false);
        client.frontend().closeNow();
      }
      return;
    }
    client.context().observer().bytesUpstream(content.content().readableBytes());
    upstream.channel().writeAndFlush(content, upstream.channel().voidPromise());
    if (content instanceof LastHttpContent) {
      requestDone();
    } else if (upstream.channel().isWritable()) {
      client.ctx().read();
    }
  }

  /**
   * The whole request is on its way: the origin now has the response timeout to start its final
   * response. Not earlier, since a client may take longer than that to send its body.
   */
  private void requestDone() {
    requestComplete = true;
    if (framing == null) {
      client.responseDeadline().set(client.context().limits().responseTimeout().toNanos());
    }
  }

  /** The upstream drained its outbound buffer: the client may send more of its body. */
  void upstreamWritabilityChanged() {
    if (!ended && !requestComplete && upstream.channel().isWritable()) {
      client.ctx().read();
    }
  }

  // ---------------------------------------------------------------- response

  /** A response part from the upstream. */
  void upstreamRead(Object msg) {
    if (ended || !client.ctx().channel().isActive()) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof HttpResponse response) {
      if (response.status().codeClass() != HttpStatusClass.INFORMATIONAL) {
        // A 100 Continue is not the answer: the clock runs on until the final response.
        client.responseDeadline().clear();
      }
      if (response.decoderResult().isFailure()) {
        ReferenceCountUtil.release(msg);
        upstreamBroken(
            response.decoderResult().cause() instanceof TooLongHttpHeaderException
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
      client.context().observer().bytesDownstream(content.content().readableBytes());
    }
    // Flushed at the end of the response or of the upstream read, so a small response leaves in
    // one write rather than one per part.
    if (last) {
      client.ctx().writeAndFlush(msg, client.ctx().voidPromise());
      if (informationalResponse) {
        informationalResponse = false;
      } else {
        responseComplete();
        return;
      }
    } else {
      client.ctx().write(msg, client.ctx().voidPromise());
    }
    if (client.ctx().channel().isWritable()) {
      upstream.channel().read();
    }
  }

  /** The upstream read is drained: what was written to the client so far goes out. */
  void upstreamReadComplete() {
    if (!ended) {
      client.ctx().flush();
    }
  }

  /** The client drained its outbound buffer: the response may go on. */
  void clientWritable() {
    if (!ended && framing != null) {
      upstream.channel().read();
    }
  }

  /** Strips hop-by-hop fields from the head and frames it as {@link ResponseFraming} decides. */
  private void prepareForClient(HttpResponse response) {
    HttpHeaders headers = response.headers();
    boolean originKeepAlive = HttpUtil.isKeepAlive(response);
    HopByHop.strip(headers);
    if (response.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
      informationalResponse = true;
      return;
    }
    framing =
        ResponseFraming.decide(
            new ResponseFraming.Head(
                response.status().code(),
                originKeepAlive,
                HttpUtil.isTransferEncodingChunked(response),
                headers.contains(HttpHeaderNames.CONTENT_LENGTH)),
            request,
            requestComplete);
    framing.applyTo(headers);
  }

  private void responseComplete() {
    client.outcome().forwarded();
    end(framing.keepUpstream() && requestComplete);
    client.frontend().exchangeEnded(framing.keepClient());
  }

  // ---------------------------------------------------------------- failures

  /** The upstream connection closed while this exchange ran. */
  void upstreamClosed() {
    upstreamBroken(ProxyError.RESPONSE_INCOMPLETE);
  }

  /**
   * The upstream connection failed (a reset, an I/O error). Whatever its codec still delivers on
   * the close that follows is not trusted: for a close-delimited body it would be a regular end.
   */
  void upstreamFailed() {
    upstreamBroken(ProxyError.RESPONSE_INCOMPLETE);
  }

  /** The origin did not start its final response in time. */
  void responseTimedOut() {
    if (!ended && framing == null) {
      fail(ProxyError.RESPONSE_TIMEOUT, "origin did not answer in time");
    }
  }

  private void upstreamBroken(ProxyError error) {
    if (ended) {
      return;
    }
    if (framing == null) {
      fail(error, "origin did not send a complete response");
      return;
    }
    // The client has part of the response: the only way left to say it is cut is the close.
    client.outcome().failed(error, null);
    end(false);
    if (framing.clientBodyEndsWithClose()) {
      // A closed connection would tell this client the body is complete; only a reset can not.
      client.ctx().channel().config().setOption(ChannelOption.SO_LINGER, 0);
    }
    client.frontend().closeNow();
  }

  /** Ends the exchange before any response reached the client: the client gets an error. */
  private void fail(ProxyError error, String details) {
    client.outcome().failed(error, null);
    end(false);
    client.frontend().closeWithError(new ProxyException(error, details));
  }

  /** The client connection ended: nothing more to relay. */
  void abort() {
    if (!ended) {
      end(false);
    }
  }

  /**
   * Stops the timer and unlinks from the upstream, which goes back to the pool when {@code
   * keepUpstream} and is closed otherwise. Nothing reaches this exchange afterwards.
   */
  private void end(boolean keepUpstream) {
    ended = true;
    client.responseDeadline().clear();
    UpstreamConnection used = upstream;
    upstream = null;
    if (keepUpstream) {
      client.pool().keep(used);
    } else {
      used.close();
    }
  }
}
