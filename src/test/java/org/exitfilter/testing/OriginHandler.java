package org.exitfilter.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import java.io.IOException;
import java.security.MessageDigest;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Serves the origin endpoints on one connection (see {@link HttpOrigin} for what each does).
 *
 * <p>Requests are answered strictly in order, each once its body has been read completely, so a
 * pipelining client gets its responses in sequence; past {@value #MAX_QUEUED} unanswered requests
 * the handler stops reading until it catches up. Pattern bodies are generated one chunk at a time
 * and only while the channel is writable, so a slow reader holds at most the write buffer's high
 * water mark in memory. Every inbound message is released here, on every path; nothing
 * reference-counted is held between events.
 */
final class OriginHandler extends ChannelInboundHandlerAdapter {
  static final int CHUNK = 8192;
  private static final int MAX_QUEUED = 16;
  private static final Logger log = LoggerFactory.getLogger(OriginHandler.class);

  private final int connection;
  private final RequestLog requestLog;
  private final String rootText;
  private final byte[] scratch = new byte[CHUNK];

  /** Requests received or being received and not yet answered, oldest first. */
  private final ArrayDeque<Exchange> waiting = new ArrayDeque<>();

  /** The request whose body is arriving, or null between requests. */
  private Exchange receiving;

  /** The request being answered, or null when idle. A /hang request stays here for good. */
  private Exchange answering;

  private boolean closing;

  /** A /stall request arrived: nothing more is read or answered on this connection. */
  private boolean stalled;

  // The pattern body being streamed for `answering`.
  private Framing framing;
  private boolean streamKeepAlive;
  private long offset;
  private long end;
  private boolean paused;

  /** How a pattern body ends. */
  private enum Framing {
    LENGTH,
    CHUNKED,
    CLOSE,
    HALF,
    ABORT
  }

  OriginHandler(int connection, RequestLog requestLog, String rootText) {
    this.connection = connection;
    this.requestLog = requestLog;
    this.rootText = rootText;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    try {
      if (closing || stalled) {
        return;
      }
      if (msg instanceof DecoderResultProvider provider && provider.decoderResult().isFailure()) {
        rejectMalformed(ctx, provider.decoderResult().cause());
        return;
      }
      if (msg instanceof HttpRequest request) {
        onRequest(ctx, request);
      }
      if (msg instanceof HttpContent content && receiving != null) {
        onContent(ctx, content);
      }
    } finally {
      ReferenceCountUtil.release(msg);
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable() && framing != null) {
      pump(ctx);
      answerWaiting(ctx);
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closing = true;
    waiting.clear();
    receiving = null;
    answering = null;
    framing = null;
    setPaused(false);
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    if (!isNetworkError(cause)) {
      // A client going away or failing its TLS handshake is normal here; anything else is a bug
      // in the origin or the test.
      log.warn("origin connection {} failed", connection, cause);
    }
    closing = true;
    ctx.close();
  }

  private static boolean isNetworkError(Throwable cause) {
    for (Throwable t = cause; t != null; t = t.getCause()) {
      if (t instanceof IOException) {
        return true;
      }
    }
    return false;
  }

  private void rejectMalformed(ChannelHandlerContext ctx, Throwable cause) {
    closing = true;
    if (answering != null) {
      // A response is already on the wire; a 400 now would land inside its body.
      ctx.close();
      return;
    }
    String text = "bad request: " + cause.getMessage() + "\n";
    DefaultFullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.BAD_REQUEST,
            ByteBufUtil.writeUtf8(ctx.alloc(), text));
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    HttpUtil.setContentLength(response, response.content().readableBytes());
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  private void onRequest(ChannelHandlerContext ctx, HttpRequest request) {
    RecordedRequest recorded = record(request);
    requestLog.record(recorded);
    Route route = Route.parse(request.uri());
    if (route.kind() == Route.Kind.RESET) {
      closing = true;
      // Linger 0 turns the close into a RST instead of an orderly FIN.
      ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
      ctx.close();
      return;
    }
    if (route.kind() == Route.Kind.STALL) {
      // Whatever was read with the head is dropped; TCP holds back the rest of the body.
      stalled = true;
      ctx.channel().config().setAutoRead(false);
      return;
    }
    if (HttpUtil.is100ContinueExpected(request) && answering == null && waiting.isEmpty()) {
      ctx.writeAndFlush(
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE, Unpooled.EMPTY_BUFFER));
    }
    Exchange exchange = new Exchange(recorded, request, route);
    waiting.addLast(exchange);
    receiving = exchange;
    if (waiting.size() >= MAX_QUEUED) {
      ctx.channel().config().setAutoRead(false);
    }
  }

  private void onContent(ChannelHandlerContext ctx, HttpContent content) {
    receiving.received(content.content());
    if (content instanceof LastHttpContent) {
      requestLog.requestCompleted();
      receiving.complete = true;
      receiving = null;
      answerWaiting(ctx);
    }
  }

  /** Answers complete requests in order until one is still in progress or still arriving. */
  private void answerWaiting(ChannelHandlerContext ctx) {
    while (answering == null && !closing) {
      Exchange next = waiting.peekFirst();
      if (next == null || !next.complete) {
        return;
      }
      waiting.removeFirst();
      if (!ctx.channel().config().isAutoRead() && waiting.size() < MAX_QUEUED / 2) {
        ctx.channel().config().setAutoRead(true);
      }
      answering = next;
      answer(ctx, next);
    }
  }

  private void answer(ChannelHandlerContext ctx, Exchange exchange) {
    Route route = exchange.route;
    switch (route.kind()) {
      case ROOT -> respond(ctx, exchange, HttpResponseStatus.OK, rootText);
      case ECHO -> respond(ctx, exchange, HttpResponseStatus.OK, echo(exchange));
      case UPLOAD -> respond(ctx, exchange, HttpResponseStatus.OK, exchange.receipt().toString());
      case STATUS -> {
        HttpResponseStatus status = HttpResponseStatus.valueOf(route.status());
        respond(ctx, exchange, status, "status " + route.status() + "\n");
      }
      case NOT_FOUND -> respond(ctx, exchange, HttpResponseStatus.NOT_FOUND, route.problem());
      case BAD_REQUEST -> respond(ctx, exchange, HttpResponseStatus.BAD_REQUEST, route.problem());
      case BYTES -> stream(ctx, exchange, Framing.LENGTH, route.n());
      case CHUNKED -> stream(ctx, exchange, Framing.CHUNKED, route.n());
      case CLOSE -> stream(ctx, exchange, Framing.CLOSE, route.n());
      case HALF -> stream(ctx, exchange, Framing.HALF, route.n());
      case ABORT -> stream(ctx, exchange, Framing.ABORT, route.n());
      case HOP_BY_HOP -> respondWithHopByHopFields(ctx, exchange);
      case HANG -> {
        // Never answered: `answering` stays set, so later requests on this connection are read
        // but never answered either.
      }
      case RESET, STALL -> throw new IllegalStateException(route.kind() + " is handled on arrival");
    }
  }

  /** A small text response with Content-Length (none for 204 and 304, which have no body). */
  private void respond(
      ChannelHandlerContext ctx, Exchange exchange, HttpResponseStatus status, String text) {
    respond(ctx, exchange, status, text, new DefaultHttpHeaders());
  }

  /** A 200 whose head carries fields that belong to this connection only, for a proxy to drop. */
  private void respondWithHopByHopFields(ChannelHandlerContext ctx, Exchange exchange) {
    HttpHeaders fields =
        new DefaultHttpHeaders()
            .add(HttpHeaderNames.CONNECTION, "X-Hop")
            .add("X-Hop", "connection-specific")
            .add(HttpHeaderNames.KEEP_ALIVE, "timeout=5")
            .add(HttpHeaderNames.UPGRADE, "h2c")
            .add("Proxy-Connection", "keep-alive")
            .add(HttpHeaderNames.PROXY_AUTHENTICATE, "Basic realm=\"origin\"")
            .add("X-End-To-End", "kept");
    respond(ctx, exchange, HttpResponseStatus.OK, "hop-by-hop\n", fields);
  }

  private void respond(
      ChannelHandlerContext ctx,
      Exchange exchange,
      HttpResponseStatus status,
      String text,
      HttpHeaders extraFields) {
    boolean bodiless =
        status.code() == HttpResponseStatus.NO_CONTENT.code()
            || status.code() == HttpResponseStatus.NOT_MODIFIED.code();
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
    byte[] bytes = text.getBytes(UTF_8);
    if (!bodiless) {
      head.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
      HttpUtil.setContentLength(head, bytes.length);
    }
    setConnection(head, exchange, exchange.keepAlive);
    head.headers().add(extraFields);
    ctx.write(head);
    LastHttpContent last =
        bodiless || exchange.head
            ? LastHttpContent.EMPTY_LAST_CONTENT
            : new DefaultLastHttpContent(ctx.alloc().buffer(bytes.length).writeBytes(bytes));
    finish(ctx, ctx.writeAndFlush(last), exchange.keepAlive);
  }

  /** Starts a pattern body of {@code n} bytes (half of them for {@link Framing#HALF}). */
  private void stream(ChannelHandlerContext ctx, Exchange exchange, Framing framing, long n) {
    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    head.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.APPLICATION_OCTET_STREAM);
    switch (framing) {
      case LENGTH, HALF -> HttpUtil.setContentLength(head, n);
      case CHUNKED -> HttpUtil.setTransferEncodingChunked(head, true);
      case CLOSE, ABORT -> {
        // Neither length nor chunking: the body ends when the connection does.
      }
    }
    boolean keepAlive =
        exchange.keepAlive && (framing == Framing.LENGTH || framing == Framing.CHUNKED);
    setConnection(head, exchange, keepAlive);
    ctx.write(head).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    this.framing = framing;
    this.streamKeepAlive = keepAlive;
    this.offset = 0;
    boolean cut = framing == Framing.HALF || framing == Framing.ABORT;
    this.end = exchange.head ? 0 : cut ? n / 2 : n;
    pump(ctx);
  }

  /** Writes chunks while the channel takes them; the rest waits for channelWritabilityChanged. */
  private void pump(ChannelHandlerContext ctx) {
    while (offset < end && ctx.channel().isWritable()) {
      int length = (int) Math.min(CHUNK, end - offset);
      ByteBuf chunk = ctx.alloc().buffer(length);
      BodyPattern.write(chunk, offset, length, scratch);
      offset += length;
      requestLog.patternBytesWritten(length);
      ctx.write(new DefaultHttpContent(chunk)).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    }
    setPaused(offset < end);
    if (paused) {
      ctx.flush();
      return;
    }
    Framing finished = framing;
    framing = null;
    ChannelFuture last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    if (finished == Framing.HALF) {
      // Content-Length promised twice as much; closing now is the point of /half.
      closing = true;
      last.addListener(ChannelFutureListener.CLOSE);
      answering = null;
      return;
    }
    if (finished == Framing.ABORT) {
      // A FIN would end a close-delimited body as if complete; only a reset shows the cut.
      closing = true;
      last.addListener(
          f -> {
            ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
            ctx.close();
          });
      answering = null;
      return;
    }
    finish(ctx, last, streamKeepAlive);
  }

  private void setPaused(boolean nowPaused) {
    if (paused != nowPaused) {
      paused = nowPaused;
      requestLog.streamPaused(nowPaused);
    }
  }

  private void finish(ChannelHandlerContext ctx, ChannelFuture last, boolean keepAlive) {
    answering = null;
    if (keepAlive) {
      last.addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
    } else {
      closing = true;
      last.addListener(ChannelFutureListener.CLOSE);
    }
  }

  private static void setConnection(HttpResponse head, Exchange exchange, boolean keepAlive) {
    if (!keepAlive) {
      head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    } else if (exchange.http10) {
      // HTTP/1.0 closes by default; say that this connection stays open as the client asked.
      head.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
    }
  }

  private RecordedRequest record(HttpRequest request) {
    List<Map.Entry<String, String>> headers = new ArrayList<>(request.headers().size());
    request.headers().forEach(header -> headers.add(Map.entry(header.getKey(), header.getValue())));
    return new RecordedRequest(
        connection,
        request.method().name(),
        request.uri(),
        request.protocolVersion().text(),
        headers);
  }

  private static String echo(Exchange exchange) {
    return exchange.recorded + "\nbody-bytes: " + exchange.bodyBytes + "\n";
  }

  /** One request on this connection: what it asked for and what its body held so far. */
  private static final class Exchange {
    final RecordedRequest recorded;
    final Route route;
    final boolean head;
    final boolean keepAlive;
    final boolean http10;
    final CRC32 crc;
    final MessageDigest sha256;
    long bodyBytes;
    boolean complete;

    Exchange(RecordedRequest recorded, HttpRequest request, Route route) {
      this.recorded = recorded;
      this.route = route;
      this.head = HttpMethod.HEAD.equals(request.method());
      this.keepAlive = HttpUtil.isKeepAlive(request);
      this.http10 = HttpVersion.HTTP_1_0.equals(request.protocolVersion());
      boolean upload = route.kind() == Route.Kind.UPLOAD;
      this.crc = upload ? new CRC32() : null;
      this.sha256 = upload ? BodyPattern.newSha256() : null;
    }

    void received(ByteBuf data) {
      bodyBytes += data.readableBytes();
      if (crc != null && data.isReadable()) {
        crc.update(data.nioBuffer());
        sha256.update(data.nioBuffer());
      }
    }

    UploadReceipt receipt() {
      return new UploadReceipt(
          bodyBytes, UploadReceipt.crc32Hex(crc), BodyPattern.hex(sha256.digest()));
    }
  }
}
