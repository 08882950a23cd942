package org.exitfilter.match;

import java.net.InetAddress;
import java.time.LocalDate;
import org.exitfilter.config.Blocklist;
import org.exitfilter.net.Host;

/**
 * A compiled, immutable blocklist snapshot. Thread-safe and lock-free; lookups never see a later or
 * earlier list than the one compiled.
 */
public interface Matcher {

  /**
   * The verdict for a name on a port: the most specific matching entry decides (an exact host or a
   * pattern beats a domain, a longer domain beats a shorter one; on a tie the exception wins).
   */
  Verdict check(Host.Name name, int port);

  /**
   * The verdict for an address on a port from the network entries; the longest matching prefix
   * decides, on a tie the exception wins. IPv6 addresses embedding an IPv4 address are checked
   * under both.
   *
   * <p>Each form is decided in its own family, and the address is blocked if any form is: an
   * exception lifts a ban only when it is at least as specific and of the same family, so neither
   * exempting {@code 64:ff9b::/96} nor any other IPv6 spelling lifts a ban on an IPv4 range.
   * Otherwise it is exempt if any form is exempt.
   */
  Verdict check(InetAddress address, int port);

  /** The day (UTC) the snapshot decides for; entries expired before it do not apply. */
  LocalDate day();

  /**
   * The same list for another UTC day, so that entries whose last day has passed stop applying.
   * Shares every index with this snapshot: it costs nothing per entry, and needs no blocklist.
   */
  Matcher onDay(LocalDate day);

  /** Compiles a blocklist for lookups on the given UTC day. */
  static Matcher compile(Blocklist blocklist, LocalDate day) {
    return CompiledMatcher.compile(blocklist, day);
  }
}
