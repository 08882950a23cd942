package org.exitfilter.proxy.tunnel;

import java.util.function.Predicate;
import java.util.function.Supplier;
import org.exitfilter.config.Rule;
import org.exitfilter.match.Matcher;
import org.exitfilter.policy.Decision;
import org.exitfilter.policy.DestinationPolicy;

/**
 * The check of a tunnel's TLS server names, asked of the {@link DestinationPolicy} on the blocklist
 * snapshot in force when the ClientHello comes and the port of its CONNECT target. It holds no
 * snapshot while the client takes its time (up to the header timeout): a reload's predecessor must
 * be free to go. A name that does not parse as a host is refused. Remembers the entry that refused
 * the first banned name, for the metrics and nothing else. Used on one event loop.
 */
public final class ServerNameCheck implements Predicate<String> {
  private final DestinationPolicy policy;
  private final Supplier<Matcher> matchers;
  private final int port;
  private Rule refusedBy;

  public ServerNameCheck(DestinationPolicy policy, Supplier<Matcher> matchers, int port) {
    this.policy = policy;
    this.matchers = matchers;
    this.port = port;
  }

  @Override
  public boolean test(String serverName) {
    if (policy.decideServerName(matchers.get(), serverName, port)
        instanceof Decision.Refused refused) {
      if (refusedBy == null) {
        refusedBy = refused.rule();
      }
      return false;
    }
    return true;
  }

  /** The blocklist entry that refused a server name, or null when none did. */
  public Rule refusedBy() {
    return refusedBy;
  }
}
