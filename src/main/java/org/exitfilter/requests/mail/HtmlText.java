package org.exitfilter.requests.mail;

import org.jsoup.Jsoup;
import org.jsoup.nodes.Document;
import org.jsoup.nodes.Element;

/**
 * The text of an HTML mail part as a reader sees it, followed by the targets of its links, one per
 * line: a site is often named only in an {@code href}. Parsed with jsoup, which decodes entities
 * and ignores scripts and styles; nothing is fetched. Quoted replies ({@code <blockquote>}, as
 * mailers mark the message answered) are left out with their links: what the operator asked in an
 * earlier mail is not what the requester asks now.
 */
final class HtmlText {
  private HtmlText() {}

  static String of(String html) {
    Document document = Jsoup.parse(html);
    document.select("blockquote").remove();
    StringBuilder out = new StringBuilder(document.text());
    for (Element link : document.select("a[href]")) {
      out.append('\n').append(link.attr("href"));
    }
    return out.toString();
  }
}
