package org.exitfilter.proxy.tunnel;

import java.util.function.Predicate;
import org.exitfilter.config.Rule;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.Host;
import org.exitfilter.net.HostParser;
import org.exitfilter.net.InvalidHostException;

/**
 * The check of a tunnel's TLS server names, on the same blocklist snapshot and port as its CONNECT
 * target. A name that does not parse as a host is refused. Remembers the entry that refused the
 * first banned name, for the metrics and nothing else. Used on one event loop.
 */
public final class ServerNameCheck implements Predicate<String> {
  private final Matcher matcher;
  private final int port;
  private Rule refusedBy;

  public ServerNameCheck(Matcher matcher, int port) {
    this.matcher = matcher;
    this.port = port;
  }

  @Override
  public boolean test(String serverName) {
    Host host;
    try {
      host = HostParser.parse(serverName);
    } catch (InvalidHostException e) {
      return false;
    }
    Verdict verdict =
        host instanceof Host.Name name
            ? matcher.check(name, port)
            : matcher.check(((Host.Ip) host).address(), port);
    if (verdict.blocked()) {
      if (refusedBy == null) {
        refusedBy = verdict.rule();
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
