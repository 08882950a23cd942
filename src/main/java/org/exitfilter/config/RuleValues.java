package org.exitfilter.config;

import java.net.InetAddress;
import org.exitfilter.net.Host;
import org.exitfilter.net.HostParser;
import org.exitfilter.net.InvalidHostException;
import org.exitfilter.net.IpNetwork;

/**
 * Normalizes the value of a blocklist entry with the same parsers the proxy uses on requests, so
 * that an entry matches every spelling of what it names. Shared by YAML entries and list files; the
 * happy path throws nothing, which keeps million-line lists fast.
 */
final class RuleValues {
  private static final String WILDCARD = "*";

  /** Stands in for {@code *} while a pattern goes through the name parser. */
  private static final String PLACEHOLDER = "x";

  private RuleValues() {}

  /** A domain or host name in its ASCII form. */
  static String name(RuleKind kind, String raw) throws InvalidValueException {
    try {
      return HostParser.parseName(raw).ascii();
    } catch (InvalidHostException e) {
      String ip = asIp(raw);
      if (ip != null) {
        throw new InvalidValueException(
            "'" + raw + "' is an IP address, not a name; write it as network: " + ip);
      }
      throw new InvalidValueException(
          "invalid " + kind.key() + " '" + raw + "': " + e.getMessage());
    }
  }

  /** The canonical text of {@code raw} if it is an IP address or network, else {@code null}. */
  private static String asIp(String raw) {
    try {
      if (HostParser.parse(raw) instanceof Host.Ip ip) {
        // a network of one address prints canonically (2001:db8::1, not 2001:db8:0:0:0:0:0:1)
        InetAddress address = ip.address();
        String cidr = new IpNetwork(address, address.getAddress().length * 8).toString();
        return cidr.substring(0, cidr.lastIndexOf('/'));
      }
    } catch (InvalidHostException e) {
      // not an address in any spelling browsers accept; maybe a CIDR network
    }
    if (raw.indexOf('/') < 0) {
      return null;
    }
    try {
      return IpNetwork.parse(raw).toString();
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * A pattern: labels normalized like a name, {@code *} kept where it stands for one whole label.
   */
  static String pattern(String raw) throws InvalidValueException {
    // The ideographic and full-width full stops separate labels just as '.' does (UTS #46).
    String text = raw.replace('\u3002', '.').replace('\uFF0E', '.').replace('\uFF61', '.');
    if (text.endsWith(".")) {
      text = text.substring(0, text.length() - 1);
    }
    String[] labels = text.split("\\.", -1);
    int wildcards = 0;
    boolean numeric = true;
    StringBuilder stand = new StringBuilder(text.length());
    for (String label : labels) {
      if (label.equals(WILDCARD)) {
        wildcards++;
        label = PLACEHOLDER;
      } else if (label.contains(WILDCARD)) {
        throw new InvalidValueException(
            "invalid pattern '"
                + raw
                + "': '*' must stand for a whole label, as in shop.*.example.org");
      } else {
        numeric &= !label.isEmpty() && label.chars().allMatch(Values::isDigit);
      }
      if (stand.length() > 0) {
        stand.append('.');
      }
      stand.append(label);
    }
    if (wildcards == 0) {
      throw new InvalidValueException(
          "invalid pattern '"
              + raw
              + "': it has no '*' label; use host: for one name or domain: for a name and"
              + " everything under it");
    }
    if (wildcards == labels.length) {
      throw new InvalidValueException(
          "invalid pattern '" + raw + "': it needs at least one label other than '*'");
    }
    if (numeric) {
      throw new InvalidValueException(
          "invalid pattern '"
              + raw
              + "': patterns match names, not IP addresses; use network: with a CIDR such as"
              + " 203.0.113.0/24");
    }
    String normalized;
    try {
      normalized = HostParser.parseName(stand.toString()).ascii();
    } catch (InvalidHostException e) {
      throw new InvalidValueException("invalid pattern '" + raw + "': " + e.getMessage());
    }
    String[] out = normalized.split("\\.", -1);
    if (out.length != labels.length) {
      throw new InvalidValueException(
          "invalid pattern '" + raw + "': a label turns into several labels once normalized");
    }
    for (int i = 0; i < labels.length; i++) {
      if (labels[i].equals(WILDCARD)) {
        out[i] = WILDCARD;
      }
    }
    return String.join(".", out);
  }

  /** An IPv4 or IPv6 network, or a single address. */
  static IpNetwork network(String raw) throws InvalidValueException {
    try {
      return IpNetwork.parse(raw);
    } catch (IllegalArgumentException e) {
      if (isName(raw)) {
        throw new InvalidValueException(
            "'" + raw + "' is a name, not a network; use domain: or host: for names");
      }
      // the parser's messages already quote the network
      throw new InvalidValueException("invalid network: " + e.getMessage());
    }
  }

  private static boolean isName(String raw) {
    try {
      HostParser.parseName(raw);
      return true;
    } catch (InvalidHostException e) {
      return false;
    }
  }
}
