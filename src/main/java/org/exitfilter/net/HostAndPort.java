package org.exitfilter.net;

/** A normalized host with a port, as parsed from an authority such as {@code example.org:443}. */
public record HostAndPort(Host host, int port) {

  /**
   * Parses an authority {@code host[:port]}; IPv6 hosts must be bracketed. Userinfo is refused:
   * callers strip it from URIs before, and it has no place in a CONNECT target.
   *
   * @param defaultPort the port when the authority names none, or -1 to require one
   * @throws InvalidHostException when the host is invalid, the port is missing, not a decimal
   *     number, or outside 1..65535
   */
  public static HostAndPort parse(String authority, int defaultPort) throws InvalidHostException {
    throw new UnsupportedOperationException("TODO");
  }

  /** {@code host:port}, with the IPv6 host in brackets. */
  @Override
  public String toString() {
    return host.authority() + ":" + port;
  }
}
