package org.exitfilter.match;

import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
import org.exitfilter.config.Blocklist;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * Address lookups per second on one thread against the network entries (5% of each list), on Zipf
 * traffic, 10% IPv6. Addresses are never cached.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar AddressBenchmark -f 1 -wi 2 -i 3 -w 2s -r 2s
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class AddressBenchmark {
  private static final int TRAFFIC = 1 << 18;

  @Param({"1000", "100000", "1000000"})
  int rules;

  private Matcher matcher;
  private InetAddress[] traffic;

  /** Where each thread is in the traffic. */
  @State(Scope.Thread)
  public static class Cursor {
    int next;
  }

  @Setup
  public void setUp() {
    Blocklist blocklist = BenchmarkLists.blocklist(rules);
    matcher = CacheMode.NONE.compile(blocklist, BenchmarkLists.DAY);
    traffic = BenchmarkLists.addressTraffic(blocklist, TRAFFIC);
  }

  @Benchmark
  public Verdict zipfAddresses(Cursor cursor) {
    return matcher.check(traffic[cursor.next++ & (TRAFFIC - 1)], 443);
  }
}
