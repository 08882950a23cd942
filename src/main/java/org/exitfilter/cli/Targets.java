package org.exitfilter.cli;

import java.util.Locale;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.net.HostParser;
import org.exitfilter.net.InvalidHostException;
import org.exitfilter.net.UrlAuthority;

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
      // The proxy's own reading of a URL's authority: userinfo is never the host.
      return UrlAuthority.parse(text, scheme + 3, defaultPort);
    } else if (text.indexOf(':') != text.lastIndexOf(':') && !text.startsWith("[")) {
      // A bare IPv6 address: no port can be told apart from it.
      return new HostAndPort(HostParser.parse(text), defaultPort);
    }
    return HostAndPort.parse(text, defaultPort);
  }
}
