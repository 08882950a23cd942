package org.exitfilter.proxy;

import java.net.InetSocketAddress;
import org.exitfilter.config.NoticeConfig;

/**
 * The page for a request addressed to the proxy itself rather than through it. With an exit notice
 * ({@code notice:}) it names the operator and the contact, and links to the notice's own pages (the
 * bans in force, how to ask for one); without one it promises no address it does not give. Built
 * once at start; the same text for everyone.
 */
final class InfoPage {
  private InfoPage() {}

  static String of(NoticeConfig notice) {
    StringBuilder html =
        new StringBuilder(
            """
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>exitfilter</title></head>
            <body><h1>This is an exit of an anonymization network</h1>
            <p>This address forwards the web traffic of many anonymous users. It is not a web site,
            and the traffic you may have seen from it was not sent by the operator.</p>
            """);
    if (notice == null) {
      html.append(
          "<p>Site owners who want their service to be unreachable from this exit can ask its"
              + " operator; such requests are honoured.</p>");
    } else {
      String site = "http://" + hostOf(notice.listen().get(0));
      html.append("<p>Operated by ")
          .append(escape(notice.operator()))
          .append(". Site owners who want their service to be unreachable from this exit can")
          .append(" write to <a href=\"mailto:")
          .append(escape(notice.contact()))
          .append("\">")
          .append(escape(notice.contact()))
          .append("</a>; such requests are honoured. How to ask: <a href=\"")
          .append(site)
          .append("/request-a-ban\">")
          .append(site)
          .append("/request-a-ban</a>. The bans in force: <a href=\"")
          .append(site)
          .append("/bans\">")
          .append(site)
          .append("/bans</a>.</p>");
    }
    return html.append("</body></html>\n").toString();
  }

  private static String hostOf(InetSocketAddress address) {
    String host = address.getAddress().getHostAddress();
    String bracketed = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
    return address.getPort() == 80 ? bracketed : bracketed + ":" + address.getPort();
  }

  private static String escape(String text) {
    return text.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace("\"", "&quot;");
  }
}
