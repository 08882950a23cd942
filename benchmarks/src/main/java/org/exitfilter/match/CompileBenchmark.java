package org.exitfilter.match;

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
 * The time to compile a loaded blocklist into a matcher, as on every reload; one compile per
 * measurement.
 *
 * <pre>
 * java -jar benchmarks/target/benchmarks.jar CompileBenchmark -f 1 -wi 2 -i 5
 * </pre>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SingleShotTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class CompileBenchmark {
  @Param({"1000", "100000", "1000000"})
  int rules;

  private Blocklist blocklist;

  @Setup
  public void setUp() {
    blocklist = BenchmarkLists.blocklist(rules);
  }

  @Benchmark
  public Matcher compile() {
    return CacheMode.NONE.compile(blocklist, BenchmarkLists.DAY);
  }
}
