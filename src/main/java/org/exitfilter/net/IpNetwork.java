package org.exitfilter.net;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.util.Arrays;
import java.util.Objects;
import org.apache.commons.net.util.SubnetUtils;

/**
 * An IPv4 or IPv6 network: an address with the host bits cleared and a prefix length. A single
 * address is a network of /32 or /128.
 *
 * <p>An IPv6 network inside the IPv4-mapped range ({@code ::ffff:0:0/96} and longer) is kept as the
 * IPv4 network it covers, since {@link HostParser} turns mapped addresses into IPv4 ones.
 */
public record IpNetwork(InetAddress address, int prefixLength) {

  /** The prefix length fits the address family; host bits are not checked here, only in parse. */
  public IpNetwork {
    Objects.requireNonNull(address, "address");
    int bits = address.getAddress().length * 8;
    if (prefixLength < 0 || prefixLength > bits) {
      throw new IllegalArgumentException(
          "prefix length /" + prefixLength + " is outside 0.." + bits);
    }
  }

  /**
   * Parses {@code a.b.c.d/n}, {@code a.b.c.d}, {@code v6/n} or {@code v6}. IPv4 CIDRs are parsed
   * with commons-net. Host bits set below the prefix are an error, since they usually mean a typo.
   *
   * @throws IllegalArgumentException with a message fit for the operator
   */
  public static IpNetwork parse(String text) {
    Objects.requireNonNull(text, "text");
    if (text.isEmpty()) {
      throw new IllegalArgumentException("empty network; write an address or a CIDR network");
    }
    int slash = text.indexOf('/');
    if (slash >= 0 && text.indexOf('/', slash + 1) >= 0) {
      throw new IllegalArgumentException(text + " has more than one '/'");
    }
    String addressText = slash < 0 ? text : text.substring(0, slash);
    String prefixText = slash < 0 ? null : text.substring(slash + 1);
    return addressText.indexOf(':') >= 0 || addressText.startsWith("[")
        ? parseIpv6(text, addressText, prefixText)
        : parseIpv4(text, addressText, prefixText);
  }

  private static IpNetwork parseIpv4(String text, String addressText, String prefixText) {
    byte[] bytes = Ipv4Literal.parseDottedQuad(addressText);
    if (bytes == null) {
      throw new IllegalArgumentException(
          text
              + " is not an IP address or network; write IPv4 as four decimal numbers from 0 to"
              + " 255 without leading zeros, like 203.0.113.0/24");
    }
    int prefix = prefixText == null ? 32 : prefixLength(text, prefixText, 32);
    // Our own strict check above keeps SubnetUtils from reading 010 as ten, where browsers read
    // eight; SubnetUtils then does the netmask arithmetic.
    String network = new SubnetUtils(addressText + "/" + prefix).getInfo().getNetworkAddress();
    if (!network.equals(addressText)) {
      throw hostBitsSet(text, network + "/" + prefix);
    }
    return new IpNetwork(InetAddresses.fromBytes(bytes), prefix);
  }

  private static IpNetwork parseIpv6(String text, String addressText, String prefixText) {
    if (addressText.startsWith("[")) {
      throw new IllegalArgumentException(
          text + ": write IPv6 networks without brackets, like 2001:db8::/32");
    }
    byte[] bytes;
    try {
      bytes = Ipv6Literal.parse(addressText);
    } catch (InvalidHostException e) {
      throw new IllegalArgumentException(text + " is " + e.getMessage(), e);
    }
    int prefix = prefixText == null ? 128 : prefixLength(text, prefixText, 128);
    byte[] network = masked(bytes, prefix);
    if (!Arrays.equals(network, bytes)) {
      throw hostBitsSet(text, Ipv6Literal.format(network) + "/" + prefix);
    }
    InetAddress address = InetAddresses.fromBytes(bytes);
    // Mapped bytes with the host bits clear imply a prefix of at least 96.
    return address instanceof Inet4Address
        ? new IpNetwork(address, prefix - 96)
        : new IpNetwork(address, prefix);
  }

  private static int prefixLength(String text, String prefixText, int bits) {
    if (prefixText.isEmpty()
        || prefixText.length() > 3
        || !prefixText.chars().allMatch(c -> c >= '0' && c <= '9')) {
      throw new IllegalArgumentException(
          text + " has a prefix length that is not a number from 0 to " + bits);
    }
    int prefix = Integer.parseInt(prefixText);
    if (prefix > bits) {
      throw new IllegalArgumentException(
          text
              + " has prefix length /"
              + prefix
              + ", out of range for "
              + (bits == 32 ? "IPv4" : "IPv6")
              + " (0 to "
              + bits
              + ")");
    }
    return prefix;
  }

  private static IllegalArgumentException hostBitsSet(String text, String suggestion) {
    return new IllegalArgumentException(
        text + " has host bits set; did you mean " + suggestion + "?");
  }

  /** Whether the address lies in this network; an IPv4 address never lies in an IPv6 network. */
  public boolean contains(InetAddress candidate) {
    return contains(candidate.getAddress());
  }

  /** Byte-wise prefix comparison; an address of the other family is never inside. */
  boolean contains(byte[] candidate) {
    byte[] network = address.getAddress();
    if (candidate.length != network.length) {
      return false;
    }
    int fullBytes = prefixLength / 8;
    for (int i = 0; i < fullBytes; i++) {
      if (candidate[i] != network[i]) {
        return false;
      }
    }
    int restBits = prefixLength % 8;
    if (restBits == 0) {
      return true;
    }
    int mask = 0xff << (8 - restBits);
    return ((candidate[fullBytes] ^ network[fullBytes]) & mask) == 0;
  }

  /**
   * The network of the shorter prefix length {@code prefix} that holds this one, or {@code null}
   * when that is an IPv6 network in the IPv4-mapped range, which this type keeps as an IPv4 network
   * (see above), so no list holds it as IPv6.
   */
  public IpNetwork widenedTo(int prefix) {
    byte[] bytes = address.getAddress();
    InetAddress wider = InetAddresses.fromBytes(masked(bytes, prefix));
    return wider.getAddress().length == bytes.length ? new IpNetwork(wider, prefix) : null;
  }

  private static byte[] masked(byte[] bytes, int prefix) {
    byte[] result = bytes.clone();
    for (int i = 0; i < result.length; i++) {
      int keep = Math.max(0, Math.min(8, prefix - 8 * i));
      result[i] &= (byte) (0xff << (8 - keep));
    }
    return result;
  }

  /** The canonical CIDR text, e.g. {@code 203.0.113.0/24} or {@code 2001:db8::/32}. */
  @Override
  public String toString() {
    byte[] bytes = address.getAddress();
    String text = bytes.length == 16 ? Ipv6Literal.format(bytes) : address.getHostAddress();
    return text + "/" + prefixLength;
  }
}
