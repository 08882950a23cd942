package org.exitfilter.match;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.exitfilter.config.Blocklist;
import org.exitfilter.net.Host;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Name lookups per second on one thread, on Zipf traffic, with and without the verdict cache.
 *
 * <p>{@code zipfTraffic} walks a precomputed array of 2^20 lookups (5% banned); {@code hotNames}
 * repeats 1,024 popular names, which all stay cached, to show a cache hit allocates nothing; {@code
 * readNameOnly} reads the same input as {@code zipfTraffic} and does nothing else, the floor under
 * it.
 *
 * <pre>
 * mvn -q -DskipTests install &amp;&amp; mvn -q -f benchmarks/pom.xml package
 * java -jar benchmarks/target/benchmarks.jar MatcherBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s -prof gc
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class MatcherBenchmark {
  private static final int TRAFFIC = 1 << 20;
  private static final int HOT = 1 << 10;

  @Param({"1000", "100000", "1000000"})
  int rules;

  /** A {@link CacheMode} by name: the generated harness lives in another package. */
  @Param({"NONE", "CAFFEINE"})
  String cache;

  private Matcher matcher;
  private Host.Name[] traffic;
  private Host.Name[] hot;

  /** Where each thread is in the traffic. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup
  public void setUp() {
    Blocklist blocklist = BenchmarkLists.blocklist(rules);
    matcher = CacheMode.valueOf(cache).compile(blocklist, BenchmarkLists.DAY);
    traffic = BenchmarkLists.traffic(blocklist, TRAFFIC);
    hot = Arrays.copyOf(traffic, HOT);
  }

  @Benchmark
  public Verdict zipfTraffic(Cursor cursor) {
    return matcher.check(traffic[cursor.next++ & (TRAFFIC - 1)], 443);
  }

  /** What reading the input costs: touches the name as a lookup does, then stops. */
  @Benchmark
  public int readNameOnly(Cursor cursor) {
    String name = traffic[cursor.next++ & (TRAFFIC - 1)].ascii();
    return name.charAt(0) + name.charAt(name.length() - 1);
  }

  @Benchmark
  public Verdict hotNames(Cursor cursor) {
    return matcher.check(hot[cursor.next++ & (HOT - 1)], 443);
  }
}
