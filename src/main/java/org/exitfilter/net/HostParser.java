package org.exitfilter.net;

/**
 * The one parser of destination hosts. Its output is what the blocklist is matched against and
 * what the proxy connects to, so no spelling of a host can be checked as one thing and reached as
 * another.
 */
public final class HostParser {
  private HostParser() {}

  /**
   * Normalizes a host as found in a URI, a CONNECT target or a TLS SNI: IPv6 in brackets, IPv4 in
   * every spelling browsers accept, or a name (lowercased, one trailing dot removed, IDN converted
   * with UTS #46 non-transitional processing).
   *
   * @throws InvalidHostException for percent-encoding, forbidden characters, empty labels, names
   *     over 253 characters or labels over 63, or a numeric-looking last label that is not a valid
   *     IPv4 address
   */
  public static Host parse(String raw) throws InvalidHostException {
    throw new UnsupportedOperationException("TODO");
  }

  /** Like {@link #parse} but accepts only names, as blocklist entries need. */
  public static Host.Name parseName(String raw) throws InvalidHostException {
    throw new UnsupportedOperationException("TODO");
  }
}
