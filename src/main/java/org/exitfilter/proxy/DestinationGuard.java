package org.exitfilter.proxy;

import java.net.InetAddress;
import java.util.List;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.policy.Decision;
import org.exitfilter.policy.DestinationPolicy;

/**
 * The proxy's side of {@link DestinationPolicy}: asks it, and turns a refusal into the {@link
 * ProxyException} that maps to what the client sees. Decides nothing itself.
 */
final class DestinationGuard {
  private final DestinationPolicy policy;

  DestinationGuard(DestinationPolicy policy) {
    this.policy = policy;
  }

  /**
   * The decision before DNS: the CONNECT port and the name; for an IP literal, its address too.
   *
   * @return the name's verdict, to hand to {@link #choose}
   * @throws ProxyException for a refusal
   */
  Verdict checkName(Matcher matcher, HostAndPort destination, DestinationPolicy.Access access)
      throws ProxyException {
    Decision decision = policy.decide(matcher, destination, access);
    // A non-public IP literal is refused by choose, as a name's addresses are: a refusal before DNS
    // is answered with the block page.
    if (decision instanceof Decision.Refused refused
        && refused.refusal() != Decision.Refusal.NON_PUBLIC_ADDRESS) {
      throw refusal(refused);
    }
    // An IP literal comes back Allowed; its address is judged again after the resolver returns it.
    return decision instanceof Decision.Resolve pending ? pending.nameVerdict() : Verdict.NO_MATCH;
  }

  /**
   * The addresses to dial, in order, from the ones {@code destination} resolved to; also re-judges
   * the address of a kept connection.
   *
   * @throws ProxyException for a refusal
   */
  List<InetAddress> choose(
      Matcher matcher, Verdict nameVerdict, List<InetAddress> addresses, HostAndPort destination)
      throws ProxyException {
    Decision decision =
        policy.decide(matcher, new Decision.Resolve(destination, nameVerdict), addresses);
    if (decision instanceof Decision.Allowed allowed) {
      return allowed.addresses();
    }
    throw refusal((Decision.Refused) decision);
  }

  /** The policy asked, for a tunnel's TLS server names (see {@code tunnel.ServerNameCheck}). */
  DestinationPolicy policy() {
    return policy;
  }

  private static ProxyException refusal(Decision.Refused refused) {
    ProxyError error =
        switch (refused.refusal()) {
          case BLOCKED_NAME, BLOCKED_ADDRESS, INVALID_SERVER_NAME -> ProxyError.BLOCKED;
          case NON_PUBLIC_ADDRESS -> ProxyError.DESTINATION_PROHIBITED;
          case PORT_NOT_ALLOWED -> ProxyError.PORT_NOT_ALLOWED;
        };
    return refused.rule() == null
        ? new ProxyException(error, refused.why())
        : new ProxyException(error, refused.why(), refused.rule());
  }
}
