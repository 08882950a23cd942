package org.exitfilter.policy;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.AddressClass;
import org.exitfilter.net.Host;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.net.HostParser;
import org.exitfilter.net.InvalidHostException;
import org.exitfilter.policy.Decision.Allowed;
import org.exitfilter.policy.Decision.Refusal;
import org.exitfilter.policy.Decision.Refused;
import org.exitfilter.policy.Decision.Resolve;

/**
 * The one decision on whether a destination may be reached, and if not, which rule says so. The
 * proxy (plain HTTP, CONNECT and the tunnel's TLS server name), {@code exitfilter check} and
 * ban-request verification all ask it, so they cannot drift apart.
 *
 * <p>A destination is judged in two steps around DNS:
 *
 * <ol>
 *   <li>{@link #decide(Matcher, HostAndPort, Access)}, before any lookup: the CONNECT port, then
 *       the name against the blocklist. A banned name is refused without DNS; a name that passes
 *       comes back as {@link Resolve}. An IP literal is decided at once, its address being itself.
 *   <li>{@link #decide(Matcher, Resolve, List)}, with the addresses the name resolved to: if the
 *       name is not exempt, any address inside a banned network refuses the whole destination (so
 *       that no order of trying the addresses can reach a banned network); then every address that
 *       is public (or every address, with {@code allow-private-destinations}) may be dialled, the
 *       others are dropped; none left refuses it as not public.
 * </ol>
 *
 * <p>Immutable, Netty-free and thread-safe. The blocklist snapshot is an argument, so one request
 * is judged against one list throughout. No method logs or keeps what it is asked.
 */
public final class DestinationPolicy {
  /** How the destination is to be reached; CONNECT is limited to {@code connect-ports}. */
  public enum Access {
    /** A plain HTTP request (absolute-form target): any port. */
    HTTP,
    /** A CONNECT tunnel: only the ports in {@code connect-ports}. */
    CONNECT
  }

  private final boolean allowPrivateDestinations;
  private final Set<Integer> connectPorts;

  /**
   * @param allowPrivateDestinations whether private, loopback and other non-public addresses may be
   *     dialled ({@code allow-private-destinations})
   * @param connectPorts the ports CONNECT may reach ({@code connect-ports})
   */
  public DestinationPolicy(boolean allowPrivateDestinations, Set<Integer> connectPorts) {
    this.allowPrivateDestinations = allowPrivateDestinations;
    this.connectPorts = Set.copyOf(connectPorts);
  }

  /** The policy of a loaded configuration. */
  public static DestinationPolicy of(ProxyConfig config) {
    return new DestinationPolicy(config.allowPrivateDestinations(), config.connectPorts());
  }

  /**
   * The decision before DNS: {@link Refused} for a CONNECT port outside {@code connect-ports} or a
   * banned name, {@link Resolve} for a name that passed, and the final decision for an IP literal.
   */
  public Decision decide(Matcher matcher, HostAndPort destination, Access access) {
    if (access == Access.CONNECT && !connectPorts.contains(destination.port())) {
      return new Refused(Refusal.PORT_NOT_ALLOWED, Verdict.NO_MATCH, null);
    }
    if (destination.host() instanceof Host.Ip ip) {
      return decide(matcher, new Resolve(destination, Verdict.NO_MATCH), List.of(ip.address()));
    }
    Verdict verdict = matcher.check((Host.Name) destination.host(), destination.port());
    if (verdict.blocked()) {
      return new Refused(Refusal.BLOCKED_NAME, verdict, null);
    }
    return new Resolve(destination, verdict);
  }

  /**
   * The decision after DNS, on the addresses {@code pending}'s name resolved to (in the resolver's
   * order; random access). Also re-judges the address of a kept upstream connection.
   *
   * @return {@link Allowed} with at least one address, or {@link Refused}
   */
  public Decision decide(Matcher matcher, Resolve pending, List<InetAddress> addresses) {
    int port = pending.destination().port();
    Verdict verdict = pending.nameVerdict();
    // Indexed loops: called on every request, with a one-address list for a kept connection.
    if (verdict.decision() != Verdict.Decision.EXEMPT) {
      for (int i = 0; i < addresses.size(); i++) {
        Verdict byAddress = matcher.check(addresses.get(i), port);
        if (byAddress.blocked()) {
          return new Refused(Refusal.BLOCKED_ADDRESS, byAddress, addresses.get(i));
        }
        if (byAddress.decision() == Verdict.Decision.EXEMPT
            && verdict.decision() == Verdict.Decision.NO_MATCH) {
          verdict = byAddress;
        }
      }
    }
    List<InetAddress> dialable = dialable(addresses);
    if (dialable.isEmpty()) {
      return new Refused(Refusal.NON_PUBLIC_ADDRESS, verdict, null);
    }
    return new Allowed(dialOrder(dialable), verdict);
  }

  /**
   * Both steps at once, for callers that resolve themselves ({@code check}, verification): the
   * decision before DNS, and if the name passed, the decision on {@code addresses}. {@code
   * addresses} are not used for an IP literal.
   */
  public Decision decide(
      Matcher matcher, HostAndPort destination, Access access, List<InetAddress> addresses) {
    Decision before = decide(matcher, destination, access);
    return before instanceof Resolve pending ? decide(matcher, pending, addresses) : before;
  }

  /**
   * The decision on a server name a client sent in a tunnel's TLS ClientHello (as sent, not yet
   * normalized), on the port of its CONNECT: {@link Refused} when it is no valid host or a ban
   * matches it (a name by its name entries, an IP literal by the network entries), else {@link
   * Allowed} with no addresses (the tunnel is already open).
   */
  public Decision decideServerName(Matcher matcher, String serverName, int port) {
    Host host;
    try {
      host = HostParser.parse(serverName);
    } catch (InvalidHostException e) {
      return new Refused(Refusal.INVALID_SERVER_NAME, Verdict.NO_MATCH, null);
    }
    Verdict verdict =
        host instanceof Host.Name name
            ? matcher.check(name, port)
            : matcher.check(((Host.Ip) host).address(), port);
    if (verdict.blocked()) {
      return new Refused(
          host instanceof Host.Name ? Refusal.BLOCKED_NAME : Refusal.BLOCKED_ADDRESS,
          verdict,
          host instanceof Host.Ip ip ? ip.address() : null);
    }
    return new Allowed(List.of(), verdict);
  }

  private List<InetAddress> dialable(List<InetAddress> addresses) {
    if (allowPrivateDestinations || noneNonPublic(addresses)) {
      // Nearly always: no copy of the list on every request.
      return addresses;
    }
    List<InetAddress> dialable = new ArrayList<>(addresses.size());
    for (int i = 0; i < addresses.size(); i++) {
      if (!AddressClass.isNonPublic(addresses.get(i))) {
        dialable.add(addresses.get(i));
      }
    }
    return dialable;
  }

  private static boolean noneNonPublic(List<InetAddress> addresses) {
    for (int i = 0; i < addresses.size(); i++) {
      if (AddressClass.isNonPublic(addresses.get(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * RFC 8305 §4: the families interleaved, IPv6 first when there is any, each family in the
   * resolver's order.
   */
  static List<InetAddress> dialOrder(List<InetAddress> addresses) {
    if (addresses.size() < 2) {
      return addresses;
    }
    List<InetAddress> v6 = new ArrayList<>();
    List<InetAddress> v4 = new ArrayList<>();
    for (int i = 0; i < addresses.size(); i++) {
      InetAddress address = addresses.get(i);
      (address instanceof Inet6Address ? v6 : v4).add(address);
    }
    if (v6.isEmpty() || v4.isEmpty()) {
      return addresses;
    }
    List<InetAddress> ordered = new ArrayList<>(addresses.size());
    for (int i = 0; i < Math.max(v6.size(), v4.size()); i++) {
      if (i < v6.size()) {
        ordered.add(v6.get(i));
      }
      if (i < v4.size()) {
        ordered.add(v4.get(i));
      }
    }
    return ordered;
  }
}
