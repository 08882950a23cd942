package org.exitfilter.proxy.tunnel;

import java.util.function.Predicate;
import java.util.function.Supplier;
import org.exitfilter.config.Rule;
import org.exitfilter.match.Matcher;
import org.exitfilter.policy.DestinationPolicy;

/**
 * The tunnel of one allowed CONNECT, from its {@code 200} on: the server-name check the {@link
 * SniGuard} applies, and the one outcome the CONNECT is counted as, decided by that guard rather
 * than by the {@code 200}. A tunnel whose ClientHello names a banned site counts as blocked, never
 * as tunneled as well. Confined to the client connection's event loop.
 */
public final class ConnectTunnel implements SniGuard.Listener {
  /** Where the CONNECT's outcome goes; exactly one method is called, once. */
  public interface Outcomes {
    /**
     * The tunnel carries traffic: the guard let it through, or nothing refused it before it closed.
     */
    void tunneled();

    /** A server name in the ClientHello is banned by {@code rule}. */
    void blocked(Rule rule);

    /** The first bytes could not be let through: a malformed hello, or TLS that is not a hello. */
    void malformed();
  }

  private final ServerNameCheck check;
  private final Outcomes outcomes;
  private boolean counted;

  /**
   * @param matchers the snapshot in force, asked when the ClientHello comes
   * @param port the CONNECT target's port
   */
  public ConnectTunnel(
      DestinationPolicy policy, Supplier<Matcher> matchers, int port, Outcomes outcomes) {
    this.check = new ServerNameCheck(policy, matchers, port);
    this.outcomes = outcomes;
  }

  /** The predicate for the tunnel's {@link SniGuard}. */
  public Predicate<String> serverNames() {
    return check;
  }

  @Override
  public void passed() {
    if (!counted) {
      counted = true;
      outcomes.tunneled();
    }
  }

  @Override
  public void refused() {
    if (!counted) {
      counted = true;
      Rule rule = check.refusedBy();
      if (rule != null) {
        outcomes.blocked(rule);
      } else {
        outcomes.malformed();
      }
    }
  }

  /**
   * The client connection closed. A tunnel the guard never decided on (the client sent nothing, or
   * not in time) was opened and refused by nothing: it counts as tunneled.
   */
  public void closed() {
    passed();
  }
}
