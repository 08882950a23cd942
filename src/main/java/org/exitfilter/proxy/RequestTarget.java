package org.exitfilter.proxy;

import org.exitfilter.net.HostAndPort;
import org.exitfilter.net.InvalidHostException;

/**
 * The destination of a plain HTTP proxy request, parsed from its absolute-form target (RFC 9112
 * §3.2.2). The host is taken from the URI alone: userinfo is dropped, the {@code Host} header is
 * ignored and later regenerated from this, so the origin never sees a host other than the one
 * checked.
 *
 * @param destination the normalized host and port
 * @param originForm the path and query to send upstream, never empty
 */
record RequestTarget(HostAndPort destination, String originForm) {
  private static final int HTTP_PORT = 80;

  /** Whether the target is in origin form ({@code /path}), i.e. addressed to the proxy itself. */
  static boolean isOriginForm(String uri) {
    return uri.startsWith("/") || uri.equals("*");
  }

  /**
   * Parses {@code http://[userinfo@]host[:port][/path][?query][#fragment]}.
   *
   * @throws ProxyException 400 for anything else, including {@code https://} (use CONNECT)
   */
  static RequestTarget parse(String uri) throws ProxyException {
    if (!uri.regionMatches(true, 0, "http://", 0, 7)) {
      throw new ProxyException(
          ProxyError.BAD_REQUEST,
          uri.regionMatches(true, 0, "https://", 0, 8)
              ? "https requests go through CONNECT"
              : "request target must be an absolute http URI");
    }
    int authorityStart = 7;
    int authorityEnd = uri.length();
    for (int i = authorityStart; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c == '/' || c == '?' || c == '#') {
        authorityEnd = i;
        break;
      }
    }
    String authority = uri.substring(authorityStart, authorityEnd);
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      authority = authority.substring(at + 1);
    }
    HostAndPort destination;
    try {
      destination = HostAndPort.parse(authority, HTTP_PORT);
    } catch (InvalidHostException e) {
      throw new ProxyException(ProxyError.BAD_REQUEST, "invalid host: " + e.getMessage());
    }
    String rest = uri.substring(authorityEnd);
    int fragment = rest.indexOf('#');
    if (fragment >= 0) {
      rest = rest.substring(0, fragment);
    }
    if (rest.isEmpty()) {
      rest = "/";
    } else if (rest.charAt(0) == '?') {
      rest = "/" + rest;
    }
    return new RequestTarget(destination, rest);
  }

  /** The {@code Host} field value for the origin: the checked host, with its port if not 80. */
  String hostHeader() {
    String host = destination.host().authority();
    return destination.port() == HTTP_PORT ? host : host + ":" + destination.port();
  }
}
