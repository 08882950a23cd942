package org.exitfilter.notice;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpChunkedInput;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the notice's paths to GET and HEAD; any other path gets 404, any other method 405, and
 * every response the same security headers, then the connection closes.
 *
 * <p>Nothing about the visitor is logged or counted: not the address, not the path, not the
 * language; only a failure of a template or of the server itself, with the page's fixed name.
 */
final class NoticeHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
  private static final Logger log = LoggerFactory.getLogger(NoticeHandler.class);

  static final String CONTENT_SECURITY_POLICY =
      "default-src 'none'; style-src 'self'; img-src 'self'";
  private static final String HTML = "text/html; charset=utf-8";
  private static final String TEXT = "text/plain; charset=utf-8";
  private static final String JSON = "application/json";

  private final NoticePages pages;
  private final NoticeBudget budget;

  NoticeHandler(NoticePages pages, NoticeBudget budget) {
    this.pages = pages;
    this.budget = budget;
  }

  @Override
  protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
    boolean head = request.method().equals(HttpMethod.HEAD);
    if (!request.decoderResult().isSuccess()) {
      send(ctx, head, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"));
      return;
    }
    if (!head && !request.method().equals(HttpMethod.GET)) {
      FullHttpResponse response =
          text(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET and HEAD are served here\n");
      response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      send(ctx, head, response);
      return;
    }
    QueryStringDecoder uri = new QueryStringDecoder(request.uri());
    Map<String, List<String>> query = uri.parameters();
    String lang =
        pages
            .languages()
            .choose(first(query, "lang"), request.headers().get(HttpHeaderNames.ACCEPT_LANGUAGE));
    String path = uri.path();
    try {
      switch (path) {
        case "/" ->
            send(
                ctx,
                head,
                html(
                    pages.index(lang, path, (InetSocketAddress) ctx.channel().localAddress()),
                    lang));
        case "/bans" -> bans(ctx, head, lang, first(query, "q"), page(query));
        case "/request-a-ban" -> send(ctx, head, html(pages.requestABan(lang, path), lang));
        case "/bans.json" -> bansJson(ctx, head, request.headers());
        case "/exit-addresses.txt" -> send(ctx, head, ok(TEXT, utf8(pages.exitAddressesText())));
        case "/exit-addresses.json" ->
            send(ctx, head, ok(JSON, utf8(NoticeJson.addresses(pages.addresses()))));
        case "/.well-known/security.txt" -> send(ctx, head, ok(TEXT, utf8(pages.securityTxt())));
        case "/pgp-key.asc" ->
            send(
                ctx,
                head,
                pages.pgpKey() == null
                    ? notFound()
                    : ok("application/pgp-keys", Unpooled.wrappedBuffer(pages.pgpKey())));
        case "/style.css" ->
            send(
                ctx,
                head,
                ok(
                    "text/css; charset=utf-8",
                    Unpooled.wrappedBuffer(pages.templates().stylesheet())));
        default -> send(ctx, head, notFound());
      }
    } catch (IOException | RuntimeException e) {
      log.error("notice: {} failed", route(path), e);
      send(ctx, head, text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "internal error\n"));
    }
  }

  /** The route's fixed name for a log line: never what the visitor typed. */
  private static String route(String path) {
    return switch (path) {
      case "/", "/bans", "/request-a-ban", "/bans.json", "/style.css" -> path;
      default -> "a page";
    };
  }

  /** A page of the bans; a search only within the notice's budget for them. */
  private void bans(ChannelHandlerContext ctx, boolean head, String lang, String q, int page) {
    if (NoticePages.normalizeQuery(q) == null) {
      send(ctx, head, html(pages.bans(lang, q, page), lang));
      return;
    }
    if (!budget.maySearch()) {
      send(ctx, head, busy("1", "searches are busy; try again in a second\n"));
      return;
    }
    long started = System.nanoTime();
    String found;
    try {
      found = pages.bans(lang, q, page);
    } finally {
      budget.searched(System.nanoTime() - started);
    }
    send(ctx, head, html(found, lang));
  }

  private static FullHttpResponse busy(String retryAfterSeconds, String why) {
    FullHttpResponse response = text(HttpResponseStatus.SERVICE_UNAVAILABLE, why);
    response.headers().set(HttpHeaderNames.RETRY_AFTER, retryAfterSeconds);
    return response;
  }

  private void bansJson(ChannelHandlerContext ctx, boolean head, HttpHeaders requestHeaders)
      throws IOException {
    String tag = pages.bansTag();
    String ifNoneMatch = requestHeaders.get(HttpHeaderNames.IF_NONE_MATCH);
    if (ifNoneMatch != null && (ifNoneMatch.contains(tag) || ifNoneMatch.trim().equals("*"))) {
      FullHttpResponse notModified =
          new DefaultFullHttpResponse(
              HttpVersion.HTTP_1_1, HttpResponseStatus.NOT_MODIFIED, Unpooled.EMPTY_BUFFER);
      notModified.headers().set(HttpHeaderNames.ETAG, tag);
      secure(notModified.headers());
      send(ctx, head, notModified);
      return;
    }
    HttpResponse response = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, JSON);
    headers.set(HttpHeaderNames.ETAG, tag);
    headers.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
    secure(headers);
    if (head) {
      ctx.write(response);
      ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT)
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (!budget.mayStreamJson()) {
      send(
          ctx,
          false,
          busy(
              "60",
              "the list is being sent to others; try again in a minute (or use If-None-Match)\n"));
      return;
    }
    BansJson body =
        new BansJson(
            pages.bansInForce(), pages.operator(), pages.today(), pages.publishRequesters());
    ctx.write(response);
    ctx.writeAndFlush(new HttpChunkedInput(body))
        .addListener(
            f -> {
              budget.jsonStreamEnded();
              ctx.close();
            });
  }

  private static int page(Map<String, List<String>> query) {
    String text = first(query, "page");
    if (text == null || text.isEmpty() || text.length() > 9) {
      return 1;
    }
    try {
      return Math.max(1, Integer.parseInt(text));
    } catch (NumberFormatException e) {
      return 1;
    }
  }

  private static String first(Map<String, List<String>> query, String name) {
    List<String> values = query.get(name);
    return values == null || values.isEmpty() ? null : values.get(0);
  }

  private static ByteBuf utf8(String text) {
    return Unpooled.wrappedBuffer(text.getBytes(StandardCharsets.UTF_8));
  }

  static FullHttpResponse html(String page, String lang) {
    return html(HttpResponseStatus.OK, page, lang);
  }

  static FullHttpResponse html(HttpResponseStatus status, String page, String lang) {
    FullHttpResponse response = response(status, HTML, utf8(page));
    response.headers().set(HttpHeaderNames.CONTENT_LANGUAGE, lang);
    response.headers().set(HttpHeaderNames.VARY, HttpHeaderNames.ACCEPT_LANGUAGE);
    return response;
  }

  private static FullHttpResponse notFound() {
    return text(HttpResponseStatus.NOT_FOUND, "not found\n");
  }

  private static FullHttpResponse text(HttpResponseStatus status, String body) {
    return response(status, TEXT, utf8(body));
  }

  static FullHttpResponse ok(String contentType, ByteBuf body) {
    return response(HttpResponseStatus.OK, contentType, body);
  }

  private static FullHttpResponse response(
      HttpResponseStatus status, String contentType, ByteBuf body) {
    FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
    response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
    response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
    secure(response.headers());
    return response;
  }

  /** The headers every response carries: no script, no foreign resource, no referrer. */
  static void secure(HttpHeaders headers) {
    headers.set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY);
    headers.set("Referrer-Policy", "no-referrer");
    headers.set("X-Content-Type-Options", "nosniff");
    headers.set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY");
    headers.set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
    headers.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
  }

  /** One response a connection: the notice is a few small pages, and this keeps no state. */
  private static void send(ChannelHandlerContext ctx, boolean head, FullHttpResponse response) {
    if (head) {
      response.content().clear();
    }
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }
}
