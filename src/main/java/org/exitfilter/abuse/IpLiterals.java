package org.exitfilter.abuse;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exitfilter.net.IpNetwork;

/**
 * IP address literals in mail text ({@code Received:} clauses, report fields, prose) and in DNS
 * answers, parsed as the blocklist parses them ({@link IpNetwork}): never a name, never resolved.
 */
final class IpLiterals {
  private static final Pattern IPV4 =
      Pattern.compile("(?<![\\d.])(?:\\d{1,3}\\.){3}\\d{1,3}(?![\\d.]*\\d)");
  private static final Pattern IPV6 =
      Pattern.compile("(?<![\\w:])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![\\w:])");

  private IpLiterals() {}

  /** The address {@code text} is (brackets and an {@code IPv6:} tag allowed), or {@code null}. */
  static InetAddress ip(String text) {
    if (text == null) {
      return null;
    }
    String t = text.trim();
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    if (t.regionMatches(true, 0, "IPv6:", 0, 5)) {
      t = t.substring(5);
    }
    if (t.isEmpty() || t.indexOf('/') >= 0 || !(t.indexOf('.') > 0 || t.indexOf(':') >= 0)) {
      return null;
    }
    try {
      return IpNetwork.parse(t).address();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /** Every IP literal in the text: the IPv4 ones in order, then the IPv6 ones. */
  static List<InetAddress> addresses(String text) {
    List<InetAddress> out = new ArrayList<>();
    for (Pattern p : List.of(IPV4, IPV6)) {
      Matcher m = p.matcher(text);
      while (m.find()) {
        InetAddress a = ip(m.group());
        if (a != null) {
          out.add(a);
        }
      }
    }
    return out;
  }
}
