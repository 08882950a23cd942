package org.exitfilter.net;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** Addresses from bytes: the only way this package makes an InetAddress, so never a lookup. */
final class InetAddresses {
  private InetAddresses() {}

  /**
   * The address of 4 or 16 bytes. Sixteen IPv4-mapped bytes ({@code ::ffff:a.b.c.d}) come back as
   * an Inet4Address, so they meet the IPv4 rules.
   */
  static InetAddress fromBytes(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("an address has 4 or 16 bytes, not " + bytes.length, e);
    }
  }
}
