package org.exitfilter.notice;

import com.github.mustachejava.DefaultMustacheFactory;
import com.github.mustachejava.Mustache;
import com.github.mustachejava.MustacheException;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.exitfilter.template.TemplateFolder;

/**
 * The notice's pages, compiled from Mustache templates: the built-in ones, each replaced by the
 * file of the same name in the operator's {@code templates:} folder when there is one ({@link
 * TemplateFolder}, as the abuse desk's drafts).
 *
 * <p>Mustache because it is logic-less: an operator's template can show and repeat values, and
 * cannot call code, so an override cannot turn the public page into something else; {@code {{x}}}
 * is HTML-escaped by default. Every template of every served language is compiled when loaded, so a
 * broken override is reported at start (or reload), not on the first visit.
 *
 * <p>Template names are flat: {@code PAGE.LANG.mustache} for a page, {@code layout.LANG.mustache}
 * for the frame around it, and {@code style.css}, served as is. {@code blocked.LANG.mustache}, the
 * proxy's block page, is a whole page of its own: it is shown on the blocked site's address, where
 * neither the layout's links nor the stylesheet would load.
 */
final class NoticeTemplates {
  static final String BUILT_IN = "/org/exitfilter/notice/templates/";
  static final String STYLESHEET = "style.css";

  /** The pages, by the template name they are rendered from. */
  enum Page {
    INDEX("index", true),
    BANS("bans", true),
    REQUEST_A_BAN("request-a-ban", true),
    /**
     * The block page the proxy's clients get; optional per language (a language without it gets the
     * block page in another served language), so that a config written before it existed, with a
     * language of its own, still starts.
     */
    BLOCKED("blocked", false);

    final String template;
    final boolean required;

    Page(String template, boolean required) {
      this.template = template;
      this.required = required;
    }
  }

  private final Map<String, Mustache> pages;
  private final byte[] stylesheet;

  private NoticeTemplates(Map<String, Mustache> pages, byte[] stylesheet) {
    this.pages = pages;
    this.stylesheet = stylesheet;
  }

  /**
   * Compiles every page for every language.
   *
   * @param overrides the operator's folder, or {@code null} for the built-in templates alone
   * @throws NoticeTemplateException naming each broken or missing template as file:line
   */
  static NoticeTemplates load(Path overrides, List<String> languages)
      throws NoticeTemplateException {
    TemplateFolder folder = new TemplateFolder(overrides, BUILT_IN);
    DefaultMustacheFactory factory = new DefaultMustacheFactory(folder);
    Map<String, Mustache> pages = new HashMap<>();
    List<String> problems = new ArrayList<>();
    for (String language : languages) {
      for (Page page : Page.values()) {
        String name = name(page, language);
        try {
          if (!folder.has(name)) {
            if (!page.required) {
              continue;
            }
            problems.add(
                (overrides == null ? name : overrides.resolve(name))
                    + ": error: no template for language '"
                    + language
                    + "'; write one in the templates: folder or leave the language out");
            continue;
          }
          pages.put(name, factory.compile(name));
        } catch (MustacheException e) {
          problems.add(folder.describe(e, name));
        } catch (UncheckedIOException e) {
          problems.add(name + ": error: cannot read: " + e.getCause().getMessage());
        }
      }
    }
    byte[] stylesheet;
    try {
      stylesheet = folder.read(STYLESHEET).getBytes(StandardCharsets.UTF_8);
    } catch (IOException e) {
      problems.add(STYLESHEET + ": error: cannot read: " + e.getMessage());
      stylesheet = new byte[0];
    }
    if (!problems.isEmpty()) {
      throw new NoticeTemplateException(problems);
    }
    return new NoticeTemplates(Map.copyOf(pages), stylesheet);
  }

  private static String name(Page page, String language) {
    return page.template + "." + language + ".mustache";
  }

  /** Renders a page; the scope's values are HTML-escaped unless a template asks otherwise. */
  String render(Page page, String language, Map<String, Object> scope) {
    StringWriter out = new StringWriter(8 * 1024);
    pages.get(name(page, language)).execute(out, scope);
    return out.toString();
  }

  /** Whether {@code page} has a template in {@code language}. */
  boolean has(Page page, String language) {
    return pages.containsKey(name(page, language));
  }

  byte[] stylesheet() {
    return stylesheet;
  }
}
