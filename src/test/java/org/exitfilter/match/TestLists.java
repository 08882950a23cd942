package org.exitfilter.match;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.Ports;
import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;
import org.exitfilter.config.Source;
import org.exitfilter.net.IpNetwork;

/** Builds blocklists in tests without YAML: entries get consecutive lines in one file. */
final class TestLists {
  static final Path FILE = Path.of("conf/blocklist.yaml");

  private final List<Rule> bans = new ArrayList<>();
  private final List<Rule> exceptions = new ArrayList<>();
  private int line = 1;

  static TestLists list() {
    return new TestLists();
  }

  TestLists ban(RuleKind kind, String value) {
    return add(kind, value, false, Ports.ALL, null);
  }

  TestLists ban(RuleKind kind, String value, Ports ports) {
    return add(kind, value, false, ports, null);
  }

  TestLists except(RuleKind kind, String value) {
    return add(kind, value, true, Ports.ALL, null);
  }

  TestLists except(RuleKind kind, String value, Ports ports) {
    return add(kind, value, true, ports, null);
  }

  TestLists add(RuleKind kind, String value, boolean exception, Ports ports, LocalDate expires) {
    return add(rule(kind, value, exception, ports, expires, "inline", new Source(FILE, line, 3)));
  }

  TestLists add(Rule rule) {
    line++;
    (rule.exception() ? exceptions : bans).add(rule);
    return this;
  }

  Blocklist build() {
    return Blocklist.of(FILE, "0".repeat(64), bans, exceptions, List.of());
  }

  static Rule rule(
      RuleKind kind,
      String value,
      boolean exception,
      Ports ports,
      LocalDate expires,
      String reason,
      Source source) {
    IpNetwork network = kind == RuleKind.NETWORK ? network(value) : null;
    return new Rule(
        kind, value, network, ports, exception, reason, null, null, expires, null, source);
  }

  /** A network from CIDR text, host bits cleared, without the (separately tested) parser. */
  static IpNetwork network(String cidr) {
    int slash = cidr.indexOf('/');
    InetAddress address = address(slash < 0 ? cidr : cidr.substring(0, slash));
    byte[] bytes = address.getAddress();
    int length = slash < 0 ? bytes.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
    if (bytes.length == 4 && length > 32) {
      length -= 96; // ::ffff:a.b.c.d/n, which IpNetwork keeps as the IPv4 network it covers
    }
    for (int bit = length; bit < bytes.length * 8; bit++) {
      bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    try {
      return new IpNetwork(InetAddress.getByAddress(bytes), length);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  /** An address from a literal; never a DNS lookup, since only literals are passed. */
  static InetAddress address(String literal) {
    try {
      return InetAddress.getByName(literal);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
