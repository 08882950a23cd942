package org.exitfilter.policy;

import java.net.InetAddress;
import java.util.List;
import java.util.Objects;
import org.exitfilter.config.Rule;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.HostAndPort;

/**
 * What {@link DestinationPolicy} says of a destination: {@link Allowed} (with the addresses to
 * dial), {@link Refused} (with why), or {@link Resolve} (the name passed; look it up and ask again
 * with its addresses).
 */
public sealed interface Decision permits Decision.Allowed, Decision.Refused, Decision.Resolve {

  /**
   * The destination may be reached.
   *
   * @param addresses the addresses to dial, in the order to try them (RFC 8305: families
   *     interleaved, IPv6 first when there is one); empty when the policy judged a name without
   *     addresses, such as a tunnel's TLS server name
   * @param verdict what the blocklist said: {@link Verdict#NO_MATCH}, or the exception that let the
   *     name or an address through
   */
  record Allowed(List<InetAddress> addresses, Verdict verdict) implements Decision {
    public Allowed {
      addresses = List.copyOf(addresses);
      Objects.requireNonNull(verdict, "verdict");
    }
  }

  /**
   * The destination must not be reached.
   *
   * @param refusal which rule refused
   * @param verdict what the blocklist said: {@code BLOCK} with the entry that refused (its {@link
   *     Rule#source()} is the provenance, file and line) for {@link Refusal#BLOCKED_NAME} and
   *     {@link Refusal#BLOCKED_ADDRESS}; for the other refusals the blocklist's verdict so far
   *     ({@code NO_MATCH}, or the exception that let the name or an address through)
   * @param address the resolved address that was refused ({@link Refusal#BLOCKED_ADDRESS}), or
   *     {@code null}
   */
  record Refused(Refusal refusal, Verdict verdict, InetAddress address) implements Decision {
    public Refused {
      Objects.requireNonNull(refusal, "refusal");
      Objects.requireNonNull(verdict, "verdict");
    }

    /** The blocklist entry that refused, with its provenance; {@code null} when no entry did. */
    public Rule rule() {
      return verdict.blocked() ? verdict.rule() : null;
    }

    /** A fixed text for the refusal; never names the destination. */
    public String why() {
      return refusal.text;
    }
  }

  /**
   * The name passed before DNS: resolve it (without search domains) and hand the answer to {@link
   * DestinationPolicy#decide(org.exitfilter.match.Matcher, Resolve, List)}.
   *
   * @param destination the target whose name passed
   * @param nameVerdict the blocklist's verdict on the name: {@code NO_MATCH} or {@code EXEMPT} (an
   *     exception for the name lifts network bans on its addresses)
   */
  record Resolve(HostAndPort destination, Verdict nameVerdict) implements Decision {
    public Resolve {
      Objects.requireNonNull(destination, "destination");
      Objects.requireNonNull(nameVerdict, "nameVerdict");
    }
  }

  /** Why a destination is refused: a blocklist entry, the address class, or the port. */
  enum Refusal {
    /** A ban on the name (host, domain or pattern) matches. */
    BLOCKED_NAME("destination is on the blocklist"),
    /** A ban on a network holds one of the addresses (or the IP literal). */
    BLOCKED_ADDRESS("destination address is on the blocklist"),
    /** Every address is private, loopback, link-local or otherwise not public. */
    NON_PUBLIC_ADDRESS("destination address is not public"),
    /** A CONNECT to a port outside {@code connect-ports}. */
    PORT_NOT_ALLOWED("CONNECT to this port is not allowed"),
    /** A tunnel's TLS server name that is no valid host. */
    INVALID_SERVER_NAME("TLS server name is not a valid host");

    private final String text;

    Refusal(String text) {
      this.text = text;
    }
  }
}
