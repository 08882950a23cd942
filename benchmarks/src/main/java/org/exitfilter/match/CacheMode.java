package org.exitfilter.match;

import java.time.LocalDate;
import org.exitfilter.config.Blocklist;

/**
 * The matchers the benchmarks compare: the product's {@link CompiledMatcher}, and the same with a
 * Caffeine cache of name verdicts in front ({@link CachingMatcher}), which lives here because it
 * did not pay (see RESULTS.md, "No cache").
 */
enum CacheMode {
  /** Every lookup walks the indexes: what {@link Matcher#compile} returns. */
  NONE,
  /** A Caffeine cache of {@link #CACHED_NAMES} name verdicts per snapshot. */
  CAFFEINE;

  /** Names remembered per snapshot by the cache. */
  static final long CACHED_NAMES = 65_536;

  Matcher compile(Blocklist blocklist, LocalDate day) {
    CompiledMatcher compiled = CompiledMatcher.compile(blocklist, day);
    return switch (this) {
      case NONE -> compiled;
      case CAFFEINE -> new CachingMatcher(compiled, CACHED_NAMES);
    };
  }
}
