package org.exitfilter.match;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.net.InetAddress;
import java.time.LocalDate;
import org.exitfilter.net.Host;

/**
 * A compiled matcher with a cache of name verdicts in front, kept in the benchmarks only: on Zipf
 * traffic it was several times slower than the plain {@link CompiledMatcher} (RESULTS.md).
 *
 * <p>The cache belongs to this snapshot, so a reload starts a new one and never serves a verdict of
 * an older list. A hit reads the cache without locks and allocates nothing: the key is the name
 * object the caller already has.
 *
 * <p>When no name entry is limited to ports, the verdict of a name is the same on every port and is
 * cached as is; otherwise the cache holds a few verdicts per name, by port.
 */
final class CachingMatcher implements Matcher {
  /** Ports remembered per name when verdicts depend on the port; 80 and 443 are the usual. */
  private static final int PORTS_PER_NAME = 4;

  private final CompiledMatcher compiled;
  private final Cache<Host.Name, Verdict> byName;
  private final Cache<Host.Name, PortVerdicts> byNameAndPort;

  private final long maximumNames;

  CachingMatcher(CompiledMatcher compiled, long maximumNames) {
    this.maximumNames = maximumNames;
    this.compiled = compiled;
    if (compiled.portSensitive()) {
      this.byName = null;
      this.byNameAndPort = Caffeine.newBuilder().maximumSize(maximumNames).build();
    } else {
      this.byName = Caffeine.newBuilder().maximumSize(maximumNames).build();
      this.byNameAndPort = null;
    }
  }

  @Override
  public Verdict check(Host.Name name, int port) {
    if (byName != null) {
      Verdict verdict = byName.getIfPresent(name);
      if (verdict == null) {
        verdict = compiled.check(name, port);
        byName.put(name, verdict);
      }
      return verdict;
    }
    PortVerdicts known = byNameAndPort.getIfPresent(name);
    Verdict verdict = known == null ? null : known.get(port);
    if (verdict == null) {
      verdict = compiled.check(name, port);
      byNameAndPort.put(name, PortVerdicts.with(known, port, verdict));
    }
    return verdict;
  }

  @Override
  public Verdict check(InetAddress address, int port) {
    return compiled.check(address, port);
  }

  @Override
  public Matcher onDay(LocalDate other) {
    return other.equals(day()) ? this : new CachingMatcher(compiled.onDay(other), maximumNames);
  }

  @Override
  public LocalDate day() {
    return compiled.day();
  }

  /** The verdicts of one name on the last few ports asked; immutable, replaced on change. */
  private record PortVerdicts(int[] ports, Verdict[] verdicts) {

    Verdict get(int port) {
      for (int i = 0; i < ports.length; i++) {
        if (ports[i] == port) {
          return verdicts[i];
        }
      }
      return null;
    }

    static PortVerdicts with(PortVerdicts known, int port, Verdict verdict) {
      int kept = known == null ? 0 : Math.min(known.ports.length, PORTS_PER_NAME - 1);
      int[] ports = new int[kept + 1];
      Verdict[] verdicts = new Verdict[kept + 1];
      ports[0] = port;
      verdicts[0] = verdict;
      if (kept > 0) {
        System.arraycopy(known.ports, 0, ports, 1, kept);
        System.arraycopy(known.verdicts, 0, verdicts, 1, kept);
      }
      return new PortVerdicts(ports, verdicts);
    }
  }
}
