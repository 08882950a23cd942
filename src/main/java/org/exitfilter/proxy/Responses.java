package org.exitfilter.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import org.exitfilter.config.Rule;
import org.exitfilter.net.HostAndPort;

/** The responses the proxy writes itself: errors, the block page and the informational page. */
final class Responses {
  static final AsciiString PROXY_STATUS = AsciiString.cached("proxy-status");

  private static final String INFO_PAGE =
      """
      <!DOCTYPE html>
      <html lang="en"><head><meta charset="utf-8"><title>exitfilter</title></head>
      <body><h1>This is an exit of an anonymization network</h1>
      <p>This address forwards the web traffic of many anonymous users. It is not a web site,
      and the traffic you may have seen from it was not sent by the operator.</p>
      <p>Site owners who want their service to be unreachable from this exit can ask its operator
      for a ban; such requests are honoured.</p></body></html>
      """;

  private Responses() {}

  /** A short plain-text error with its {@code Proxy-Status}; the connection closes after it. */
  static FullHttpResponse error(ByteBufAllocator alloc, ProxyError error, String details) {
    String body = error.status.code() + " " + error.status.reasonPhrase() + ": " + details + "\n";
    FullHttpResponse response = text(alloc, error.status, "text/plain; charset=utf-8", body);
    response.headers().set(PROXY_STATUS, error.proxyStatus(details));
    response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
    return response;
  }

  /**
   * The 403 block page for a destination the blocklist refuses; the host shown is the normalized
   * one the user asked for, and is never logged.
   */
  static FullHttpResponse blocked(
      ByteBufAllocator alloc,
      BlockPage page,
      HostAndPort destination,
      Rule rule,
      boolean keepAlive) {
    return blocked(alloc, page.render(destination.host().authority(), rule), keepAlive);
  }

  /** The 403 block page for a destination the blocklist refuses. */
  static FullHttpResponse blocked(ByteBufAllocator alloc, String html, boolean keepAlive) {
    FullHttpResponse response =
        text(alloc, HttpResponseStatus.FORBIDDEN, "text/html; charset=utf-8", html);
    response.headers().set(PROXY_STATUS, ProxyError.BLOCKED.proxyStatus(null));
    connection(response.headers(), keepAlive);
    return response;
  }

  /** The notice's 403 block page, with the proxy's {@code Proxy-Status} and {@code Connection}. */
  static FullHttpResponse blocked(FullHttpResponse page, boolean keepAlive) {
    page.headers().set(PROXY_STATUS, ProxyError.BLOCKED.proxyStatus(null));
    connection(page.headers(), keepAlive);
    return page;
  }

  /**
   * The notice's answer to a request addressed to the proxy itself, with the proxy's Connection.
   */
  static FullHttpResponse itself(FullHttpResponse page, boolean keepAlive) {
    connection(page.headers(), keepAlive);
    return page;
  }

  /**
   * The short page for a request addressed to the proxy itself rather than through it, when no
   * notice is configured: what this address is, without a contact it does not know.
   */
  static FullHttpResponse info(ByteBufAllocator alloc, boolean keepAlive) {
    FullHttpResponse response =
        text(alloc, HttpResponseStatus.OK, "text/html; charset=utf-8", INFO_PAGE);
    connection(response.headers(), keepAlive);
    return response;
  }

  /** The answer to an allowed CONNECT, after which the connection is a tunnel. */
  static FullHttpResponse connectionEstablished() {
    return new DefaultFullHttpResponse(
        HttpVersion.HTTP_1_1, new HttpResponseStatus(200, "Connection established"));
  }

  private static FullHttpResponse text(
      ByteBufAllocator alloc, HttpResponseStatus status, String type, String body) {
    FullHttpResponse response =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1, status, ByteBufUtil.writeUtf8(alloc, body));
    HttpHeaders headers = response.headers();
    headers.set(HttpHeaderNames.CONTENT_TYPE, type);
    headers.set(HttpHeaderNames.CONTENT_LENGTH, response.content().readableBytes());
    headers.set(HttpHeaderNames.CACHE_CONTROL, HttpHeaderValues.NO_STORE);
    return response;
  }

  private static void connection(HttpHeaders headers, boolean keepAlive) {
    headers.set(
        HttpHeaderNames.CONNECTION,
        keepAlive ? HttpHeaderValues.KEEP_ALIVE : HttpHeaderValues.CLOSE);
  }
}
