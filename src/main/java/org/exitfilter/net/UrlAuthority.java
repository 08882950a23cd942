package org.exitfilter.net;

/**
 * The one reading of a URL's authority ({@code [userinfo@]host[:port]}, RFC 3986 §3.2), for every
 * place that takes a host from a URL: the proxy's request target, {@code exitfilter check} and the
 * links of ban-request mails. The authority ends at the first {@code /}, {@code ?} or {@code #};
 * userinfo (up to the last {@code @}) is never the host; an IPv6 host is in brackets; the port
 * follows the last {@code :} outside them.
 */
public final class UrlAuthority {
  private UrlAuthority() {}

  /**
   * Where the authority that starts at {@code start} ends: the first '/', '?' or '#', or the end.
   */
  public static int end(String url, int start) {
    for (int i = start; i < url.length(); i++) {
      char c = url.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        return i;
      }
    }
    return url.length();
  }

  /** The {@code host[:port]} of the authority {@code url[start, end)}: its userinfo left out. */
  public static String hostAndPortText(String url, int start, int end) {
    int at = url.lastIndexOf('@', end - 1);
    return url.substring(at >= start ? at + 1 : start, end);
  }

  /**
   * The host and port of the authority that starts at {@code start} (just after {@code scheme://}).
   *
   * @param defaultPort the port when the authority names none, or -1 to require one
   * @throws InvalidHostException as {@link HostAndPort#parse(String, int)}
   */
  public static HostAndPort parse(String url, int start, int defaultPort)
      throws InvalidHostException {
    return HostAndPort.parse(hostAndPortText(url, start, end(url, start)), defaultPort);
  }

  /**
   * The host text of an authority, leniently: userinfo and any port left out, brackets kept, the
   * port not validated. For finding names in prose, where a bad port does not make the host wrong;
   * the host itself still goes to {@link HostParser}.
   */
  public static String hostText(String authority) {
    String hostAndPort = hostAndPortText(authority, 0, end(authority, 0));
    if (hostAndPort.startsWith("[")) {
      int close = hostAndPort.indexOf(']');
      return close < 0 ? hostAndPort : hostAndPort.substring(0, close + 1);
    }
    int colon = hostAndPort.lastIndexOf(':');
    return colon < 0 ? hostAndPort : hostAndPort.substring(0, colon);
  }
}
