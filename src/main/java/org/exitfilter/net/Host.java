package org.exitfilter.net;

import java.net.Inet6Address;
import java.net.InetAddress;

/**
 * A destination host after normalization by {@link HostParser}: either a DNS name in its ASCII
 * (A-label) form or an IP address. The same value is matched against the blocklist and used to
 * connect, so what is checked is what is reached.
 */
public sealed interface Host permits Host.Name, Host.Ip {

  /** The host as it appears in a {@code Host} header or authority: name, dotted IPv4 or [IPv6]. */
  String authority();

  /**
   * A DNS name: lowercase ASCII, labels converted to A-labels (UTS #46 non-transitional), no
   * trailing dot, never an IP literal.
   */
  record Name(String ascii) implements Host {
    @Override
    public String authority() {
      return ascii;
    }

    @Override
    public String toString() {
      return ascii;
    }
  }

  /**
   * An IP address given literally. IPv4-mapped IPv6 addresses ({@code ::ffff:a.b.c.d}) are
   * collapsed to their IPv4 address.
   */
  record Ip(InetAddress address) implements Host {
    /** Dotted IPv4, or IPv6 in its RFC 5952 form in brackets, such as {@code [2001:db8::1]}. */
    @Override
    public String authority() {
      return address instanceof Inet6Address
          ? "[" + Ipv6Literal.format(address.getAddress()) + "]"
          : address.getHostAddress();
    }

    @Override
    public String toString() {
      return authority();
    }
  }
}
