package org.exitfilter.cli;

import java.util.Locale;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.net.HostParser;
import org.exitfilter.net.InvalidHostException;

/**
 * Reads a target as an operator types it: an http:// or https:// URL, host:port, [v6]:port, a bare
 * IPv6 address, or a name. Without a port, a URL takes its scheme's and anything else 443.
 */
final class Targets {
  private Targets() {}

  static HostAndPort parse(String target) throws InvalidHostException {
    String text = target.trim();
    String lower = text.toLowerCase(Locale.ROOT);
    int defaultPort = 443;
    int scheme = lower.indexOf("://");
    if (scheme >= 0) {
      String name = lower.substring(0, scheme);
      if (!name.equals("http") && !name.equals("https")) {
        throw new InvalidHostException(
            "the proxy carries http:// and https:// only, not " + name + "://");
      }
      defaultPort = name.equals("http") ? 80 : 443;
      text = text.substring(scheme + 3);
      int end = text.length();
      for (int i = 0; i < text.length(); i++) {
        char c = text.charAt(i);
        if (c == '/' || c == '?' || c == '#') {
          end = i;
          break;
        }
      }
      text = text.substring(0, end);
      // userinfo is never the host, as in the proxy
      text = text.substring(text.lastIndexOf('@') + 1);
    } else if (text.indexOf(':') != text.lastIndexOf(':') && !text.startsWith("[")) {
      // A bare IPv6 address: no port can be told apart from it.
      return new HostAndPort(HostParser.parse(text), defaultPort);
    }
    return HostAndPort.parse(text, defaultPort);
  }
}
