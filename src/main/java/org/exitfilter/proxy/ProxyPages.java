package org.exitfilter.proxy;

import io.netty.handler.codec.http.FullHttpResponse;
import org.exitfilter.config.Rule;

/**
 * The pages of the exit notice that the proxy shows its own clients, rendered where the notice is
 * rendered ({@code notice.BuiltInBlockPage#forProxy}), so that one place renders the notice: the
 * notice itself for a request addressed to the proxy, and the block page in the client's language,
 * linking to the ban's entry on the published list when a notice is configured.
 *
 * <p>Called on the proxy's event loops: implementations are thread-safe and do not block. The proxy
 * sets {@code Connection} (and {@code Proxy-Status} on a block page) on what they return, and
 * writes it.
 */
public interface ProxyPages {
  /**
   * The answer to a request addressed to the proxy itself (origin form), with status 200, or {@code
   * null} without a notice to show (the proxy then answers with its own short page).
   *
   * @param uri the request target as sent; its {@code ?lang=} chooses the language first
   * @param acceptLanguage the request's {@code Accept-Language}, or {@code null}
   */
  FullHttpResponse itself(String uri, String acceptLanguage);

  /**
   * The block page for {@code host}, with status 403, or {@code null} when no template serves (the
   * proxy then shows its built-in page).
   *
   * @param host the normalized name or address the client asked for; shown, never logged
   * @param rule the ban that decided, or {@code null} when unknown
   * @param acceptLanguage the request's {@code Accept-Language}, or {@code null}
   */
  FullHttpResponse blocked(String host, Rule rule, String acceptLanguage);
}
