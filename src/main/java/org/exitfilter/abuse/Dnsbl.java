package org.exitfilter.abuse;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Hashtable;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.naming.Context;
import javax.naming.NameNotFoundException;
import javax.naming.NamingEnumeration;
import javax.naming.NamingException;
import javax.naming.directory.Attribute;
import javax.naming.directory.DirContext;
import javax.naming.directory.InitialDirContext;
import org.exitfilter.net.IpNetwork;
import org.exitfilter.requests.mail.Untrusted;

/**
 * Checks the exit's addresses against DNS blocklists, asking only the configured {@code resolver:}
 * (or the system's name servers without one), never a public resolver of its own choosing.
 *
 * <p>Uses the JDK's JNDI DNS provider, as {@code requests} does for its TXT proofs: the style keeps
 * Netty to {@code proxy/} and {@code admin/}. An A record in 127.0.0.0/8 is a listing with its TXT
 * as the reason; NXDOMAIN is not listed; 127.255.255.0/24 is the zone's error code and means
 * unknown; a zone that does not list its 127.0.0.2 test entry is dead.
 */
public final class Dnsbl {
  private static final IpNetwork LOOPBACK = IpNetwork.parse("127.0.0.0/8");
  private static final IpNetwork ERRORS = IpNetwork.parse("127.255.255.0/24");

  private final String providerUrl;

  /** How one address stands in one zone. */
  public enum Status {
    LISTED,
    NOT_LISTED,
    UNKNOWN,
    DEAD;

    public String wire() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /** One address in one zone; {@code reason} is the TXT, or why the answer is unknown. */
  public record Result(String zone, String address, Status status, String reason) {
    public Map<String, Object> json() {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("zone", zone);
      m.put("address", address);
      m.put("status", status.wire());
      m.put("reason", reason);
      return m;
    }
  }

  /**
   * @param resolver the DNS server, or {@code null} for the system's
   */
  public Dnsbl(InetSocketAddress resolver) {
    if (resolver == null) {
      providerUrl = "dns:";
    } else {
      String host = resolver.getAddress().getHostAddress();
      if (resolver.getAddress() instanceof Inet6Address) {
        int scope = host.indexOf('%');
        host = "[" + (scope < 0 ? host : host.substring(0, scope)) + "]";
      }
      providerUrl = "dns://" + host + ":" + resolver.getPort();
    }
  }

  public List<Result> check(List<InetAddress> addresses, List<String> zones) {
    List<Result> out = new ArrayList<>();
    for (String zone : zones) {
      Result test = lookup(zone, "2.0.0.127", "127.0.0.2");
      boolean dead = test.status() == Status.NOT_LISTED;
      for (InetAddress address : addresses) {
        if (dead) {
          out.add(
              new Result(
                  zone,
                  address.getHostAddress(),
                  Status.DEAD,
                  "the zone does not list its test entry 127.0.0.2"));
        } else {
          out.add(lookup(zone, reversed(address), address.getHostAddress()));
        }
      }
    }
    return out;
  }

  /** Reversed octets for IPv4, reversed nibbles for IPv6 (RFC 5782). */
  static String reversed(InetAddress address) {
    byte[] bytes = address.getAddress();
    StringBuilder out = new StringBuilder();
    if (bytes.length == 4) {
      for (int i = 3; i >= 0; i--) {
        out.append(bytes[i] & 0xff).append(i > 0 ? "." : "");
      }
    } else {
      String hex = HexFormat.of().formatHex(bytes);
      for (int i = hex.length() - 1; i >= 0; i--) {
        out.append(hex.charAt(i)).append(i > 0 ? "." : "");
      }
    }
    return out.toString();
  }

  private Result lookup(String zone, String reversedName, String address) {
    String name = reversedName + "." + zone;
    List<String> a;
    try {
      a = query(name, "A");
    } catch (NameNotFoundException e) {
      return new Result(zone, address, Status.NOT_LISTED, null);
    } catch (NamingException e) {
      return new Result(
          zone, address, Status.UNKNOWN, "no answer: " + e.getClass().getSimpleName());
    }
    boolean listed = false;
    for (String text : a) {
      InetAddress answer = IpLiterals.ip(text);
      if (answer != null && ERRORS.contains(answer)) {
        return new Result(zone, address, Status.UNKNOWN, "the zone answered " + text);
      }
      listed |= answer != null && LOOPBACK.contains(answer);
    }
    if (!listed) {
      return new Result(zone, address, a.isEmpty() ? Status.NOT_LISTED : Status.UNKNOWN, null);
    }
    String reason;
    try {
      reason = String.join(" ", query(name, "TXT"));
    } catch (NamingException e) {
      reason = "";
    }
    return new Result(
        zone, address, Status.LISTED, reason.isEmpty() ? "listed" : Untrusted.oneLine(reason));
  }

  private List<String> query(String name, String type) throws NamingException {
    Hashtable<String, String> env = new Hashtable<>();
    env.put(Context.INITIAL_CONTEXT_FACTORY, "com.sun.jndi.dns.DnsContextFactory");
    env.put(Context.PROVIDER_URL, providerUrl);
    env.put("com.sun.jndi.dns.timeout.initial", "1000");
    env.put("com.sun.jndi.dns.timeout.retries", "2");
    DirContext context = new InitialDirContext(env);
    try {
      Attribute attribute = context.getAttributes(name + ".", new String[] {type}).get(type);
      List<String> out = new ArrayList<>();
      if (attribute != null) {
        NamingEnumeration<?> values = attribute.getAll();
        while (values.hasMore()) {
          String v = String.valueOf(values.next());
          out.add(
              v.length() > 1 && v.startsWith("\"") && v.endsWith("\"")
                  ? v.substring(1, v.length() - 1)
                  : v);
        }
      }
      return out;
    } finally {
      context.close();
    }
  }
}
