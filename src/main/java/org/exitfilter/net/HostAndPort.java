package org.exitfilter.net;

import java.util.Objects;

/** A normalized host with a port, as parsed from an authority such as {@code example.org:443}. */
public record HostAndPort(Host host, int port) {

  /** Both fields are required, and the port is a TCP port: 1 to 65535. */
  public HostAndPort {
    Objects.requireNonNull(host, "host");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port + " is outside 1..65535");
    }
  }

  /**
   * Parses an authority {@code host[:port]}; IPv6 hosts must be bracketed. Userinfo is refused:
   * callers strip it from URIs before, and it has no place in a CONNECT target.
   *
   * @param defaultPort the port when the authority names none, or -1 to require one
   * @throws InvalidHostException when the host is invalid, the port is missing, not a decimal
   *     number, or outside 1..65535
   */
  public static HostAndPort parse(String authority, int defaultPort) throws InvalidHostException {
    Objects.requireNonNull(authority, "authority");
    if (defaultPort != -1 && (defaultPort < 1 || defaultPort > 65535)) {
      throw new IllegalArgumentException("default port " + defaultPort + " is outside 1..65535");
    }
    if (authority.indexOf('@') >= 0) {
      throw new InvalidHostException("userinfo ('@') is not allowed in an authority");
    }
    String hostText;
    // Where the port's digits start in the authority, or -1 when it names no port.
    int portStart;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw new InvalidHostException("IPv6 literal without its closing ']'");
      }
      hostText = authority.substring(0, close + 1);
      if (close + 1 == authority.length()) {
        portStart = -1;
      } else if (authority.charAt(close + 1) == ':') {
        portStart = close + 2;
      } else {
        throw new InvalidHostException("only ':' and a port may follow an IPv6 literal");
      }
    } else {
      int colon = authority.indexOf(':');
      if (colon < 0) {
        hostText = authority;
        portStart = -1;
      } else if (authority.indexOf(':', colon + 1) >= 0) {
        throw new InvalidHostException("more than one ':'; IPv6 addresses must be in brackets");
      } else {
        hostText = authority.substring(0, colon);
        portStart = colon + 1;
      }
    }
    Host host = HostParser.parse(hostText);
    if (portStart < 0) {
      if (defaultPort == -1) {
        throw new InvalidHostException("port required");
      }
      return new HostAndPort(host, defaultPort);
    }
    return new HostAndPort(host, parsePort(authority, portStart));
  }

  /**
   * The port from {@code start} to the end of {@code text}, read in place (every request has one):
   * decimal digits only, no sign, no spaces, no hex, at most five digits, 1 to 65535.
   */
  private static int parsePort(String text, int start) throws InvalidHostException {
    if (start == text.length()) {
      throw new InvalidHostException("empty port");
    }
    int port = 0;
    for (int i = start; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new InvalidHostException("port is not a decimal number");
      }
      // Saturates instead of overflowing; the length check below comes first, as before.
      port = Math.min(port * 10 + (c - '0'), 1_000_000);
    }
    if (text.length() - start > 5) {
      throw new InvalidHostException("port longer than five digits");
    }
    if (port < 1 || port > 65535) {
      throw new InvalidHostException("port outside 1..65535");
    }
    return port;
  }

  /** {@code host:port}, with the IPv6 host in brackets. */
  @Override
  public String toString() {
    return host.authority() + ":" + port;
  }
}
