package org.exitfilter.notice;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.util.List;
import org.exitfilter.config.Rule;
import org.exitfilter.proxy.ProxyPages;

/**
 * The notice's pages on the proxy's listener: {@code /} for a request addressed to the proxy itself
 * (and {@code /style.css}, which that page loads from where it is shown), and the block page in the
 * client's language. Rendered by {@link NoticePages} with the notice's templates and sent with the
 * notice's headers; only {@code Connection} is the proxy's, which keeps its connections.
 */
final class NoticeProxyPages implements ProxyPages {
  /**
   * The block page is shown at the blocked site's address, so it cannot load a stylesheet of its
   * own; its styles are inline, and nothing else may load.
   */
  static final String BLOCK_PAGE_POLICY = "default-src 'none'; style-src 'unsafe-inline'";

  private final NoticePages pages;

  NoticeProxyPages(NoticePages pages) {
    this.pages = pages;
  }

  @Override
  public FullHttpResponse itself(String uri, String acceptLanguage) {
    String path = "/";
    String lang = null;
    try {
      QueryStringDecoder decoder = new QueryStringDecoder(uri);
      path = decoder.path();
      List<String> asked = decoder.parameters().get("lang");
      lang = asked == null || asked.isEmpty() ? null : asked.get(0);
    } catch (IllegalArgumentException e) {
      // a malformed escape: the notice in the visitor's language
    }
    FullHttpResponse response;
    if (path.equals("/style.css")) {
      response =
          NoticeHandler.ok(
              "text/css; charset=utf-8", Unpooled.wrappedBuffer(pages.templates().stylesheet()));
    } else {
      String chosen = pages.languages().choose(lang, acceptLanguage);
      response = NoticeHandler.html(pages.indexForProxy(chosen), chosen);
    }
    response.headers().remove(HttpHeaderNames.CONNECTION);
    return response;
  }

  @Override
  public FullHttpResponse blocked(String host, Rule rule, String acceptLanguage) {
    String lang = pages.blockedLanguage(acceptLanguage);
    if (lang == null) {
      return null;
    }
    return blockPage(pages.blocked(lang, host, rule), lang);
  }

  /** A rendered block page as the proxy sends it, with the notice's headers and its own policy. */
  static FullHttpResponse blockPage(String html, String lang) {
    FullHttpResponse response = NoticeHandler.html(HttpResponseStatus.FORBIDDEN, html, lang);
    response.headers().set(HttpHeaderNames.CONTENT_SECURITY_POLICY, BLOCK_PAGE_POLICY);
    response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
    response.headers().remove(HttpHeaderNames.CONNECTION);
    return response;
  }
}
