package org.exitfilter.match;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import org.exitfilter.config.Blocklist;

/**
 * Heap retained by a compiled matcher per entry, once the loaded blocklist is gone, and the time of
 * one cold compile. Heap is read after forcing full collections, so run it alone:
 *
 * <pre>
 * java -Xmx4g -XX:+UseSerialGC -cp benchmarks/target/benchmarks.jar \
 *     org.exitfilter.match.MatcherFootprint 1000 100000 1000000
 * </pre>
 */
public final class MatcherFootprint {
  /** Keeps the measured objects reachable across the measurement. */
  private static Object retained;

  private MatcherFootprint() {}

  public static void main(String[] args) {
    // Load and compile the classes first, so their metadata is not counted as the first size's.
    CacheMode.NONE.compile(BenchmarkLists.blocklist(1000), BenchmarkLists.DAY);
    System.out.printf(
        "%10s %14s %14s %14s %12s%n",
        "entries", "list B/entry", "matcher B/ent", "matcher MiB", "compile ms");
    for (String arg : args.length == 0 ? new String[] {"1000", "100000", "1000000"} : args) {
      measure(Integer.parseInt(arg));
    }
  }

  private static void measure(int size) {
    long before = usedAfterGc();
    Blocklist blocklist = BenchmarkLists.blocklist(size);
    retained = blocklist;
    long withList = usedAfterGc();
    long start = System.nanoTime();
    Matcher matcher = CacheMode.NONE.compile(blocklist, BenchmarkLists.DAY);
    long compileNanos = System.nanoTime() - start;
    blocklist = null;
    retained = matcher;
    long withMatcher = usedAfterGc();
    int entries = size;
    System.out.printf(
        "%10d %14.1f %14.1f %14.1f %12.0f%n",
        entries,
        (withList - before) / (double) entries,
        (withMatcher - before) / (double) entries,
        (withMatcher - before) / 1048576.0,
        compileNanos / 1e6);
    retained = null;
  }

  /**
   * Heap in use after full collections, leaving out the young generation: a full collection empties
   * it into the old one, and what is found there after it is only the garbage of reading these
   * numbers.
   */
  private static long usedAfterGc() {
    for (int i = 0; i < 4; i++) {
      System.gc();
    }
    long used = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP
          && !pool.getName().contains("Eden")
          && !pool.getName().contains("Survivor")) {
        used += pool.getUsage().getUsed();
      }
    }
    return used;
  }
}
