package org.exitfilter.net;

import java.net.InetAddress;

/**
 * An IPv4 or IPv6 network: an address with the host bits cleared and a prefix length. A single
 * address is a network of /32 or /128.
 */
public record IpNetwork(InetAddress address, int prefixLength) {

  /**
   * Parses {@code a.b.c.d/n}, {@code a.b.c.d}, {@code v6/n} or {@code v6}. IPv4 CIDRs are parsed
   * with commons-net. Host bits set below the prefix are an error, since they usually mean a typo.
   *
   * @throws IllegalArgumentException with a message fit for the operator
   */
  public static IpNetwork parse(String text) {
    throw new UnsupportedOperationException("TODO");
  }

  /** Whether the address lies in this network; an IPv4 address never lies in an IPv6 network. */
  public boolean contains(InetAddress candidate) {
    throw new UnsupportedOperationException("TODO");
  }

  /** The canonical CIDR text, e.g. {@code 203.0.113.0/24} or {@code 2001:db8::/32}. */
  @Override
  public String toString() {
    return address.getHostAddress() + "/" + prefixLength;
  }
}
