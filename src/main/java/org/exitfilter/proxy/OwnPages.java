package org.exitfilter.proxy;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.FullHttpResponse;
import org.exitfilter.config.Rule;
import org.exitfilter.net.HostAndPort;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Chooses who renders the pages the proxy answers with itself. The block page: the operator's
 * {@code block-page:} file when configured, else the localized page of {@link ProxyPages} (the
 * notice's, or the built-in one without a notice), else the built-in English page. A request
 * addressed to the proxy itself: the notice's page when configured, else a short built-in one
 * ({@link Responses#info}).
 *
 * <p>A notice page that fails to render is logged with its fixed name (never the host) and replaced
 * by the built-in one.
 */
final class OwnPages {
  private static final Logger log = LoggerFactory.getLogger(OwnPages.class);

  private final BlockPage blockPage;
  private final boolean operatorBlockPage;
  private final ProxyPages notice;

  /**
   * @param blockPage the operator's block page, or the built-in one
   * @param operatorBlockPage whether {@code blockPage} is the operator's, which then always serves
   * @param notice the localized pages, or {@code null} for the English built-in page alone
   */
  OwnPages(BlockPage blockPage, boolean operatorBlockPage, ProxyPages notice) {
    this.blockPage = blockPage;
    this.operatorBlockPage = operatorBlockPage;
    this.notice = notice;
  }

  static OwnPages builtIn() throws java.io.IOException {
    return new OwnPages(BlockPage.builtIn(), false, null);
  }

  /** Whether the pages depend on the request's {@code Accept-Language}. */
  boolean localized() {
    return notice != null;
  }

  FullHttpResponse blocked(
      ByteBufAllocator alloc,
      HostAndPort destination,
      Rule rule,
      String acceptLanguage,
      boolean keepAlive) {
    if (notice != null && !operatorBlockPage) {
      try {
        FullHttpResponse page =
            notice.blocked(destination.host().authority(), rule, acceptLanguage);
        if (page != null) {
          return Responses.blocked(page, keepAlive);
        }
      } catch (RuntimeException e) {
        log.error("the notice's block page failed; the built-in page serves", e);
      }
    }
    return Responses.blocked(alloc, blockPage, destination, rule, keepAlive);
  }

  FullHttpResponse itself(
      ByteBufAllocator alloc, String uri, String acceptLanguage, boolean keepAlive) {
    if (notice != null) {
      try {
        FullHttpResponse page = notice.itself(uri, acceptLanguage);
        if (page != null) {
          return Responses.itself(page, keepAlive);
        }
      } catch (RuntimeException e) {
        log.error("the notice page failed; the built-in page serves", e);
      }
    }
    return Responses.info(alloc, keepAlive);
  }
}
