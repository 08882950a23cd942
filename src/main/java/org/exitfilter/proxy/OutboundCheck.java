package org.exitfilter.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.LocalDate;
import java.util.List;
import java.util.function.Supplier;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.match.Matcher;
import org.exitfilter.net.Host;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.net.HostParser;
import org.exitfilter.net.InvalidHostException;
import org.exitfilter.policy.Decision;
import org.exitfilter.policy.DestinationPolicy;
import org.exitfilter.policy.DestinationPolicy.Access;

/**
 * The destination check of what the tools fetch on the operator's behalf (ban proofs, RDAP, git):
 * the proxy's {@link DestinationPolicy} and its resolver ({@code resolver:}, no search domains), so
 * that a fetch reaches only what the proxy would let a user reach. One instance per tool run or per
 * follower; close it to stop its resolver.
 */
public final class OutboundCheck implements AutoCloseable {
  private static final Matcher EMPTY =
      Matcher.compile(Blocklist.of(null, "", List.of(), List.of(), List.of()), LocalDate.EPOCH);

  /** No bans: only the address rules and the resolver apply. */
  public static final Supplier<Matcher> NO_BANS = () -> EMPTY;

  private final ProxyConfig config;
  private final DestinationPolicy policy;
  private final Supplier<Matcher> blocklist;
  private DestinationResolver resolver;

  /**
   * @param blocklist the bans that apply too: the operator's list for a ban proof, {@link #NO_BANS}
   *     for the operator's own services (git, RDAP), which no user asked for
   */
  public OutboundCheck(ProxyConfig config, Supplier<Matcher> blocklist) {
    this.config = config;
    this.policy = DestinationPolicy.of(config);
    this.blocklist = blocklist;
  }

  /**
   * Why {@code host} on {@code port} may not be fetched, in the operator's words, or {@code null}
   * when it may. {@code access} is CONNECT for what goes over TLS, as the proxy would tunnel it.
   */
  public synchronized String refusal(String host, int port, Access access) {
    HostAndPort destination;
    try {
      destination = new HostAndPort(HostParser.parse(host), port);
    } catch (InvalidHostException | IllegalArgumentException e) {
      return "not a host the proxy accepts: " + e.getMessage();
    }
    List<InetAddress> addresses = List.of();
    if (destination.host() instanceof Host.Name) {
      try {
        addresses = resolver().lookup(destination.host());
      } catch (UnknownHostException e) {
        return "the name does not resolve";
      }
    }
    Decision decision = policy.decide(blocklist.get(), destination, access, addresses);
    if (!(decision instanceof Decision.Refused refused)) {
      return null;
    }
    return switch (refused.refusal()) {
      case BLOCKED_NAME, BLOCKED_ADDRESS, INVALID_SERVER_NAME ->
          "refused: the name or its address is on the blocklist";
      case NON_PUBLIC_ADDRESS ->
          (destination.host() instanceof Host.Name
                  ? "refused: the name resolves to a private or local address"
                  : "refused: a private or local address")
              + " (allow-private-destinations is false)";
      case PORT_NOT_ALLOWED -> "refused: the proxy does not tunnel to this port (connect-ports)";
    };
  }

  private DestinationResolver resolver() {
    if (resolver == null) {
      resolver = DestinationResolver.standalone(config);
    }
    return resolver;
  }

  @Override
  public synchronized void close() {
    if (resolver != null) {
      resolver.close();
      resolver = null;
    }
  }
}
