package org.exitfilter.cli;

import java.util.Locale;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.net.HostParser;
import org.exitfilter.net.InvalidHostException;

/** Reads a target as an operator types it: URL, host:port, [v6]:port, bare IPv6, or a name. */
final class Targets {
  private Targets() {}

  static HostAndPort parse(String target) throws InvalidHostException {
    String text = target.trim();
    String lower = text.toLowerCase(Locale.ROOT);
    int defaultPort = 443;
    if (lower.startsWith("http://") || lower.startsWith("https://")) {
      defaultPort = lower.startsWith("http://") ? 80 : 443;
      text = text.substring(text.indexOf("//") + 2);
      int end = text.length();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '/' || c == '?' || c == '#') {
          end = i;
          break;
        }
      }
      text = text.substring(0, end);
      text = text.substring(text.lastIndexOf('@') + 1);
    } else if (text.indexOf(':') != text.lastIndexOf(':') && !text.startsWith("[")) {
      // A bare IPv6 address: no port can be told apart from it.
      return new HostAndPort(HostParser.parse(text), defaultPort);
    }
    return HostAndPort.parse(text, defaultPort);
  }
}
