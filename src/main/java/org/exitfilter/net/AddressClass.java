package org.exitfilter.net;

import java.net.InetAddress;
import java.util.List;

/** What kind of network an address belongs to, for the "not an open door" rule. */
public final class AddressClass {
  /**
   * IPv4 ranges a stranger must not reach through the proxy, each with its reason. The
   * documentation ranges (192.0.2.0/24, 198.51.100.0/24, 203.0.113.0/24) are left out on purpose:
   * they route nowhere, and tests use them as stand-ins for public addresses.
   */
  private static final List<IpNetwork> NON_PUBLIC_IPV4 =
      List.of(
          // "This network" (RFC 791, RFC 1122): 0.0.0.0 reaches the local host on Linux.
          IpNetwork.parse("0.0.0.0/8"),
          // Private networks (RFC 1918): the operator's LAN and its neighbours.
          IpNetwork.parse("10.0.0.0/8"),
          IpNetwork.parse("172.16.0.0/12"),
          IpNetwork.parse("192.168.0.0/16"),
          // Shared address space (RFC 6598): the carrier-grade NAT of the exit's own provider.
          IpNetwork.parse("100.64.0.0/10"),
          // Loopback (RFC 1122): services bound to this machine only, this proxy's admin port too.
          IpNetwork.parse("127.0.0.0/8"),
          // Link-local (RFC 3927): the local segment, including cloud metadata at 169.254.169.254.
          IpNetwork.parse("169.254.0.0/16"),
          // Multicast (RFC 5771): not a single destination, and TCP does not run over it.
          IpNetwork.parse("224.0.0.0/4"),
          // Reserved (RFC 1112) and limited broadcast 255.255.255.255 (RFC 919): never routed.
          IpNetwork.parse("240.0.0.0/4"));

  /** IPv6 ranges a stranger must not reach, each with its reason. */
  private static final List<IpNetwork> NON_PUBLIC_IPV6 =
      List.of(
          // Unspecified (RFC 4291): like 0.0.0.0, connecting to it reaches the local host.
          IpNetwork.parse("::/128"),
          // Loopback (RFC 4291).
          IpNetwork.parse("::1/128"),
          // Link-local (RFC 4291): the local segment.
          IpNetwork.parse("fe80::/10"),
          // Site-local (RFC 3879 deprecated it, but old networks still route it internally).
          IpNetwork.parse("fec0::/10"),
          // Unique local addresses (RFC 4193): the IPv6 counterpart of RFC 1918.
          IpNetwork.parse("fc00::/7"),
          // Multicast (RFC 4291).
          IpNetwork.parse("ff00::/8"),
          // Local-use NAT64 (RFC 8215): translated by the operator's own gateway, with an IPv4
          // position that depends on a local prefix length, so the target cannot be checked.
          IpNetwork.parse("64:ff9b:1::/48"));

  /** Well-known NAT64 prefix (RFC 6052): the last 32 bits are the IPv4 destination. */
  private static final IpNetwork NAT64 = IpNetwork.parse("64:ff9b::/96");

  /** 6to4 (RFC 3056): bits 16 to 47 are the IPv4 address of the tunnel end point. */
  private static final IpNetwork SIX_TO_FOUR = IpNetwork.parse("2002::/16");

  private AddressClass() {}

  /**
   * Whether the address is one a public proxy must not reach on behalf of strangers: loopback,
   * private (RFC 1918, fc00::/7), link-local, CGNAT (100.64.0.0/10), multicast, unspecified
   * (0.0.0.0/8, ::), broadcast, or an IPv6 address embedding such an IPv4 address (IPv4-mapped,
   * NAT64 64:ff9b::/96).
   *
   * <p>Also reserved 240.0.0.0/4, site-local fec0::/10, local-use NAT64 64:ff9b:1::/48, and 6to4
   * addresses whose tunnel end point is non-public (RFC 3056 requires a global one, so such an
   * address is either bogus or a way into a local tunnel).
   */
  public static boolean isNonPublic(InetAddress address) {
    byte[] bytes = address.getAddress();
    if (bytes.length == 4) {
      return NON_PUBLIC_IPV4.stream().anyMatch(network -> network.contains(bytes));
    }
    if (NON_PUBLIC_IPV6.stream().anyMatch(network -> network.contains(bytes))) {
      return true;
    }
    byte[] embedded = embeddedIpv4(bytes);
    if (embedded != null && isNonPublic(InetAddresses.fromBytes(embedded))) {
      return true;
    }
    if (SIX_TO_FOUR.contains(bytes)) {
      byte[] endPoint = {bytes[2], bytes[3], bytes[4], bytes[5]};
      return isNonPublic(InetAddresses.fromBytes(endPoint));
    }
    return false;
  }

  /**
   * The address followed by every IPv4 address it embeds (IPv4-mapped, IPv4-compatible, NAT64
   * 64:ff9b::/96), so that a network ban on an IPv4 range also covers its IPv6 spellings.
   *
   * <p>{@code ::} and {@code ::1} are not IPv4-compatible addresses (RFC 4291 excludes them), so
   * they come back alone.
   */
  public static List<InetAddress> withEmbedded(InetAddress address) {
    byte[] embedded = embeddedIpv4(address.getAddress());
    return embedded == null
        ? List.of(address)
        : List.of(address, InetAddresses.fromBytes(embedded));
  }

  /**
   * The IPv4 address in the last 32 bits of an IPv4-mapped (::ffff:0:0/96, when it arrives as an
   * Inet6Address at all), IPv4-compatible (::/96 but :: and ::1) or NAT64 (64:ff9b::/96) address,
   * or null.
   */
  static byte[] embeddedIpv4(byte[] bytes) {
    if (bytes.length != 16) {
      return null;
    }
    boolean firstTenZero = true;
    for (int i = 0; i < 10; i++) {
      firstTenZero &= bytes[i] == 0;
    }
    boolean mapped = firstTenZero && bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    boolean compatible =
        firstTenZero
            && bytes[10] == 0
            && bytes[11] == 0
            && (bytes[12] != 0 || bytes[13] != 0 || bytes[14] != 0 || (bytes[15] & 0xff) > 1);
    if (mapped || compatible || NAT64.contains(bytes)) {
      return new byte[] {bytes[12], bytes[13], bytes[14], bytes[15]};
    }
    return null;
  }
}
