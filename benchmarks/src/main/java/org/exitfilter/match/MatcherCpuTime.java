package org.exitfilter.match;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import org.exitfilter.config.Blocklist;
import org.exitfilter.net.Host;

/**
 * Name lookups per second of this thread's CPU time, on the traffic of {@link MatcherBenchmark}. On
 * a machine shared with other work, JMH's wall-clock throughput swings with what else runs; CPU
 * time does not count the time this thread waits for a core, so it compares two versions of the
 * matcher more steadily there. It is a cross-check: {@link MatcherBenchmark} is the measure.
 *
 * <pre>
 * java -cp benchmarks/target/benchmarks.jar org.exitfilter.match.MatcherCpuTime \
 *     1000:NONE 100000:NONE 1000000:NONE 1000000:CAFFEINE
 * </pre>
 */
public final class MatcherCpuTime {
  private static final int TRAFFIC = 1 << 20;
  private static final int LOOKUPS = 5_000_000;
  private static final int ROUNDS = 6;
  private static final int WARMUP_ROUNDS = 2;

  private MatcherCpuTime() {}

  public static void main(String[] args) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    for (String arg : args) {
      int rules = Integer.parseInt(arg.substring(0, arg.indexOf(':')));
      CacheMode mode = CacheMode.valueOf(arg.substring(arg.indexOf(':') + 1));
      Blocklist blocklist = BenchmarkLists.blocklist(rules);
      Matcher matcher = mode.compile(blocklist, BenchmarkLists.DAY);
      Host.Name[] traffic = BenchmarkLists.traffic(blocklist, TRAFFIC);
      for (int round = 0; round < ROUNDS; round++) {
        long start = threads.getCurrentThreadCpuTime();
        int blocked = 0;
        for (int i = 0; i < LOOKUPS; i++) {
          blocked += matcher.check(traffic[i & (TRAFFIC - 1)], 443).blocked() ? 1 : 0;
        }
        double seconds = (threads.getCurrentThreadCpuTime() - start) / 1e9;
        if (round >= WARMUP_ROUNDS) {
          System.out.printf(
              "%-8s %8d entries: %6.2f M lookups per CPU second (%.1f%% blocked)%n",
              mode, rules, LOOKUPS / seconds / 1e6, 100.0 * blocked / LOOKUPS);
        }
      }
    }
  }
}
