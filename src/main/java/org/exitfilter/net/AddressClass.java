package org.exitfilter.net;

import java.net.InetAddress;
import java.util.List;

/** What kind of network an address belongs to, for the "not an open door" rule. */
public final class AddressClass {
  private AddressClass() {}

  /**
   * Whether the address is one a public proxy must not reach on behalf of strangers: loopback,
   * private (RFC 1918, fc00::/7), link-local, CGNAT (100.64.0.0/10), multicast, unspecified
   * (0.0.0.0/8, ::), broadcast, or an IPv6 address embedding such an IPv4 address (IPv4-mapped,
   * NAT64 64:ff9b::/96).
   */
  public static boolean isNonPublic(InetAddress address) {
    throw new UnsupportedOperationException("TODO");
  }

  /**
   * The address followed by every IPv4 address it embeds (IPv4-mapped, IPv4-compatible, NAT64
   * 64:ff9b::/96), so that a network ban on an IPv4 range also covers its IPv6 spellings.
   */
  public static List<InetAddress> withEmbedded(InetAddress address) {
    throw new UnsupportedOperationException("TODO");
  }
}
