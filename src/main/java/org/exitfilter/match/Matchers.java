package org.exitfilter.match;

import java.time.LocalDate;
import org.exitfilter.config.Blocklist;

/** Builds matchers; {@link Matcher#compile} uses the default, benchmarks compare the modes. */
final class Matchers {
  /** The default, chosen by measurement: see benchmarks/RESULTS.md. */
  static final CacheMode DEFAULT_MODE = CacheMode.NONE;

  /** Names remembered per snapshot by the cache. */
  static final long CACHED_NAMES = 65_536;

  private Matchers() {}

  /** Whether name verdicts are cached in front of the compiled indexes. */
  enum CacheMode {
    /** Every lookup walks the indexes. */
    NONE,
    /** A Caffeine cache of name verdicts per snapshot. */
    CAFFEINE
  }

  static Matcher compile(Blocklist blocklist, LocalDate day, CacheMode mode) {
    CompiledMatcher compiled = CompiledMatcher.compile(blocklist, day);
    return switch (mode) {
      case NONE -> compiled;
      case CAFFEINE -> new CachingMatcher(compiled, CACHED_NAMES);
    };
  }
}
