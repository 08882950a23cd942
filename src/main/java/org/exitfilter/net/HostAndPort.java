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
    String portText;
    if (authority.startsWith("[")) {
      int close = authority.indexOf(']');
      if (close < 0) {
        throw new InvalidHostException("IPv6 literal without its closing ']'");
      }
      hostText = authority.substring(0, close + 1);
      String rest = authority.substring(close + 1);
      if (rest.isEmpty()) {
        portText = null;
      } else if (rest.charAt(0) == ':') {
        portText = rest.substring(1);
      } else {
        throw new InvalidHostException("only ':' and a port may follow an IPv6 literal");
      }
    } else {
      int colon = authority.indexOf(':');
      if (colon < 0) {
        hostText = authority;
        portText = null;
      } else if (authority.indexOf(':', colon + 1) >= 0) {
        throw new InvalidHostException("more than one ':'; IPv6 addresses must be in brackets");
      } else {
        hostText = authority.substring(0, colon);
        portText = authority.substring(colon + 1);
      }
    }
    Host host = HostParser.parse(hostText);
    if (portText == null) {
      if (defaultPort == -1) {
        throw new InvalidHostException("port required");
      }
      return new HostAndPort(host, defaultPort);
    }
    return new HostAndPort(host, parsePort(portText));
  }

  /** Decimal digits only: no sign, no spaces, no hex, at most five digits, 1 to 65535. */
  private static int parsePort(String text) throws InvalidHostException {
    if (text.isEmpty()) {
      throw new InvalidHostException("empty port");
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        throw new InvalidHostException("port is not a decimal number");
      }
    }
    if (text.length() > 5) {
      throw new InvalidHostException("port longer than five digits");
    }
    int port = Integer.parseInt(text);
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
