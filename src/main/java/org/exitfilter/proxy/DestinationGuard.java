package org.exitfilter.proxy;

import java.net.InetAddress;
import java.util.List;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.AddressClass;
import org.exitfilter.net.Host;

/**
 * Decides whether a destination may be reached, in two steps around DNS: the name before any
 * lookup, the addresses before any connection. Holds no state of its own; the blocklist snapshot is
 * passed in so one request is judged against one list throughout.
 */
final class DestinationGuard {
  private final boolean allowPrivateDestinations;

  DestinationGuard(boolean allowPrivateDestinations) {
    this.allowPrivateDestinations = allowPrivateDestinations;
  }

  /**
   * The blocklist's verdict on a host name; IP literals have no name to match and get {@link
   * Verdict#NO_MATCH} (their address is checked by {@link #choose}).
   *
   * @throws ProxyException {@link ProxyError#BLOCKED} when the name is banned
   */
  Verdict checkName(Matcher matcher, Host host, int port) throws ProxyException {
    if (!(host instanceof Host.Name name)) {
      return Verdict.NO_MATCH;
    }
    Verdict verdict = matcher.check(name, port);
    if (verdict.blocked()) {
      throw new ProxyException(
          ProxyError.BLOCKED, "destination is on the blocklist", verdict.rule());
    }
    return verdict;
  }

  /**
   * Picks the address to connect to; {@code addresses} must allow random access. Any resolved
   * address inside a banned network refuses the whole destination (unless an exception let the name
   * through), so that trying addresses in another order can never reach a banned network; then the
   * first address that is not private (unless private destinations are allowed) is the one
   * connected to.
   *
   * @throws ProxyException {@link ProxyError#BLOCKED} for a network ban, {@link
   *     ProxyError#DESTINATION_PROHIBITED} when every address is private
   */
  InetAddress choose(Matcher matcher, Verdict nameVerdict, List<InetAddress> addresses, int port)
      throws ProxyException {
    // Indexed loops: called on every request, with a one-address list for a kept connection.
    if (nameVerdict.decision() != Verdict.Decision.EXEMPT) {
      for (int i = 0; i < addresses.size(); i++) {
        Verdict verdict = matcher.check(addresses.get(i), port);
        if (verdict.blocked()) {
          throw new ProxyException(
              ProxyError.BLOCKED, "destination address is on the blocklist", verdict.rule());
        }
      }
    }
    for (int i = 0; i < addresses.size(); i++) {
      InetAddress address = addresses.get(i);
      if (allowPrivateDestinations || !AddressClass.isNonPublic(address)) {
        return address;
      }
    }
    throw new ProxyException(
        ProxyError.DESTINATION_PROHIBITED, "destination address is not public");
  }
}
