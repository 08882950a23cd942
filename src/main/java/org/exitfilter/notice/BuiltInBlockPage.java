package org.exitfilter.notice;

import io.netty.handler.codec.http.FullHttpResponse;
import java.util.HashMap;
import java.util.Map;
import org.exitfilter.config.NoticeConfig;
import org.exitfilter.config.Rule;
import org.exitfilter.notice.NoticeTemplates.Page;
import org.exitfilter.proxy.ProxyPages;

/**
 * The proxy's block page without a notice: the notice's built-in {@code blocked.LANG.mustache} in
 * English or German, chosen by the client's {@code Accept-Language} (English when it names
 * neither), with the ban's reason but without the operator's name or links to a notice, since none
 * is configured. A request addressed to the proxy itself keeps the proxy's own short answer.
 */
public final class BuiltInBlockPage implements ProxyPages {
  private final NoticeTemplates templates;
  private final Languages languages;

  private BuiltInBlockPage(NoticeTemplates templates, Languages languages) {
    this.templates = templates;
    this.languages = languages;
  }

  /**
   * The pages the proxy shows its clients: the notice's when {@code notice} is configured, else the
   * built-in localized block page.
   *
   * @param notice the running notice, or {@code null} without one
   */
  public static ProxyPages forProxy(NoticeServer notice) {
    return notice != null ? notice.proxyPages() : load();
  }

  /** Compiles the built-in templates. */
  static BuiltInBlockPage load() {
    try {
      return new BuiltInBlockPage(
          NoticeTemplates.load(null, NoticeConfig.BUILT_IN_LANGUAGES),
          new Languages(NoticeConfig.BUILT_IN_LANGUAGES));
    } catch (NoticeTemplateException e) {
      throw new IllegalStateException("the built-in templates are broken: " + e.problems(), e);
    }
  }

  /** {@code null}: without a notice, the proxy answers a request to itself with its own page. */
  @Override
  public FullHttpResponse itself(String uri, String acceptLanguage) {
    return null;
  }

  @Override
  public FullHttpResponse blocked(String host, Rule rule, String acceptLanguage) {
    String lang = languages.choose(null, acceptLanguage);
    Map<String, Object> scope = new HashMap<>();
    scope.put("lang", lang);
    scope.put("host", host);
    scope.put("reason", reason(rule));
    return NoticeProxyPages.blockPage(templates.render(Page.BLOCKED, lang, scope), lang);
  }

  /**
   * The ban's reason; a shared list's entry names its public source (list, commit, file, line),
   * with or without a reason, since without a notice there is no published entry to link to. The
   * operator's own entries do not, their source being a path on this machine.
   */
  private static String reason(Rule rule) {
    if (rule == null) {
      return null;
    }
    if (!rule.source().shared()) {
      return rule.reason();
    }
    String source = rule.source().published();
    return rule.reason() == null ? source : rule.reason() + " (" + source + ")";
  }
}
