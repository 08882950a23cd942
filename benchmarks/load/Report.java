import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.function.ToDoubleFunction;

/**
 * Turns the raw results of benchmarks/load/run.sh into the Markdown results file: medians per
 * system and scenario, ratios to the direct ceiling and to Squid, the targets, the
 * backpressure measurement, and everything needed to reproduce the run.
 *
 * <p>A single-file program (JDK only): {@code java Report.java META RAW SANITY BACKPRESSURE
 * COMMANDS CONFIGS > RESULTS.md}.
 */
public final class Report {
  /** The scenarios in the order run.sh runs them, with what they mean. */
  private static final Map<String, String> SCENARIOS = new LinkedHashMap<>();

  static {
    SCENARIOS.put("small-50", "100 B, keep-alive, 50 conn");
    SCENARIOS.put("paced-50", "100 B, keep-alive, 50 conn, paced (≤ 10,000 req/s)");
    SCENARIOS.put("small-200", "100 B, keep-alive, 200 conn");
    SCENARIOS.put("1m", "1 MiB, keep-alive, 10 conn");
    SCENARIOS.put("close", "100 B, new connection each, 50 conn");
    SCENARIOS.put("banned", "banned names (403), keep-alive, 50 conn");
  }

  private static final List<String> SYSTEMS = List.of("direct", "exitfilter", "squid", "tinyproxy");
  private static final Map<String, String> PHASES = Map.of("10k", "10,000", "1m", "1,000,000");

  /** One wrk run: a row of raw.tsv. Numbers are NaN where the run produced none. */
  record Run(
      String phase,
      String system,
      String scenario,
      int rep,
      int conns,
      double requests,
      double rps,
      double p50,
      double p99,
      double[] errors,
      double non2xx,
      double cpu,
      double coreBusy,
      double rss,
      double mibPerSecond,
      String note) {}

  /** wrk's error counters, in the order of {@link Run#errors()}. */
  private static final List<String> ERRORS = List.of("connect", "read", "write", "timeout");

  /** The medians of one system in one scenario and phase. */
  record Summary(
      double rps,
      double p50,
      double p99,
      double cpu,
      double coreBusy,
      double rss,
      double mibPerSecond,
      double[] errors,
      double non2xx,
      double requests,
      int runs,
      int failed,
      String notes) {}

  public static void main(String[] args) throws IOException {
    if (args.length != 6) {
      System.err.println("usage: Report META RAW SANITY BACKPRESSURE COMMANDS CONFIGS");
      System.exit(2);
    }
    Map<String, String> meta = readEnv(Path.of(args[0]));
    List<Run> runs = readRuns(Path.of(args[1]));
    List<String> sanity = Files.readAllLines(Path.of(args[2]));
    Map<String, String> backpressure = readEnv(Path.of(args[3]));
    String commands = Files.readString(Path.of(args[4]));
    String configs = Files.readString(Path.of(args[5]));
    System.out.print(new Report(meta, runs).render(sanity, backpressure, commands, configs));
  }

  private final Map<String, String> meta;
  private final List<Run> runs;
  private final StringBuilder out = new StringBuilder();

  Report(Map<String, String> meta, List<Run> runs) {
    this.meta = meta;
    this.runs = runs;
  }

  String render(
      List<String> sanity, Map<String, String> backpressure, String commands, String configs) {
    header();
    targets(backpressure);
    for (String phase : phases()) {
      table(phase);
    }
    unusable();
    sanity(sanity);
    backpressure(backpressure);
    line("## How the numbers were made");
    line();
    line("See [benchmarks/load/README.md](../README.md) for what each scenario measures and how "
        + "to read the columns. In short: req/s, latency, CPU and RSS are medians over the "
        + "repetitions; *× direct* is the rate over the direct connection's in the same scenario "
        + "and list phase; *proxy CPU* is the proxy process's user+system time over the run, in "
        + "% of one core; *core busy* is how busy the proxy's core was, by anyone (well above "
        + "*proxy CPU* means other work shared it); *errors* are wrk's socket errors and timeouts "
        + "summed over all repetitions (a *read* error per request means the proxy closed the "
        + "connection after each response without saying so, as tinyproxy does); *non-2xx* "
        + "counts responses with a status of 400 or more (expected for every request of the "
        + "banned-names scenario).");
    line();
    line("### Commands");
    line();
    line("```sh");
    out.append(commands.strip()).append('\n');
    line("```");
    line();
    line("### Configurations (as generated; the 1M phase differs only in the list file)");
    line(configs.strip());
    line();
    allRuns();
    return out.toString();
  }

  // ------------------------------------------------------------------ sections

  private void header() {
    line("# exitfilter load benchmark, " + meta.getOrDefault("started", "?"));
    line();
    String note = meta.getOrDefault("note", "");
    if (!note.isBlank()) {
      line("> **Note:** " + note);
      line();
    }
    if (meta.getOrDefault("mode", "").startsWith("quick")) {
      line("> **Quick mode** (`--quick`): one repetition of " + meta.get("duration")
          + " s per run. It shows that the harness works; its numbers are not a measurement.");
      line();
    }
    double load = parse(meta.getOrDefault("load", "0").split(" ")[0]);
    int cores = (int) parse(meta.getOrDefault("cores", "2"));
    if (load > 0.5) {
      line("> **The machine was not quiet:** load average " + meta.get("load")
          + " at the start on " + cores + " cores; other work competed with the benchmark, "
          + "so the numbers are noisy and low.");
      line();
    }
    line("| | |");
    line("| --- | --- |");
    row("date", meta.get("started"));
    row("CPU", meta.get("cpu") + ", " + cores + " cores, " + meta.get("memory"));
    row("kernel", meta.get("kernel"));
    row("JDK", meta.get("jdk"));
    row("exitfilter", "commit " + meta.get("exitfilter"));
    row("origin", meta.get("origin"));
    row("Squid", meta.get("squid"));
    row("tinyproxy", meta.get("tinyproxy"));
    row("wrk", meta.get("wrk") + ", 2 threads, `--latency`, timeout 2 s");
    row("pinning", meta.get("pinning"));
    row("runs", meta.get("reps") + " repetition(s) of " + meta.get("duration")
        + " s per system and scenario, systems interleaved round robin, after a "
        + meta.get("warmup") + " s warm-up per system; medians");
    row("requests", "through a proxy: `GET http://" + meta.get("origin_host")
        + "/PATH` (absolute form); direct: `GET /PATH` to the origin");
    line();
  }

  private void targets(Map<String, String> backpressure) {
    String phase = phases().isEmpty() ? "10k" : phases().get(0);
    line("## The targets of issue 5");
    line();
    line("| target | measured | met? |");
    line("| --- | --- | --- |");
    Summary ef = summary(phase, "exitfilter", "small-50");
    Summary squid = summary(phase, "squid", "small-50");
    Summary direct = summary(phase, "direct", "small-50");
    if (ef != null && squid != null) {
      double ratio = ef.rps() / squid.rps();
      target("keep-alive small responses (50 conn): at least 2× Squid",
          fmt(ef.rps()) + " vs " + fmt(squid.rps()) + " req/s = " + times(ratio), ratio >= 2);
    }
    if (ef != null && direct != null) {
      double ratio = ef.rps() / direct.rps();
      target("keep-alive small responses (50 conn): at least 50% of direct",
          fmt(ef.rps()) + " vs " + fmt(direct.rps()) + " req/s = " + pct(ratio), ratio >= 0.5);
    }
    // Latency added is the proxy's own only below saturation: at full load (small-50) a closed
    // loop measures the queue (50 connections / rate). The paced scenario is that case.
    String latencyScenario =
        summary(phase, "exitfilter", "paced-50") != null ? "paced-50" : "small-50";
    Summary efLatency = summary(phase, "exitfilter", latencyScenario);
    Summary directLatency = summary(phase, "direct", latencyScenario);
    if (efLatency != null && directLatency != null) {
      double added = efLatency.p99() - directLatency.p99();
      target("p99 latency added by the proxy at 50 conn: under 1 ms (" + latencyScenario + ")",
          String.format(Locale.ROOT, "%.2f − %.2f ms = %.2f ms", efLatency.p99(),
              directLatency.p99(), added),
          added < 1);
    }
    Summary efBanned = summary(phase, "exitfilter", "banned");
    Summary squidBanned = summary(phase, "squid", "banned");
    if (efBanned != null && squidBanned != null) {
      double ratio = efBanned.rps() / squidBanned.rps();
      target("requests to banned names: at least 2× Squid",
          fmt(efBanned.rps()) + " vs " + fmt(squidBanned.rps()) + " req/s = " + times(ratio),
          ratio >= 2);
    }
    if (phases().contains("10k") && phases().contains("1m")) {
      String worst = null;
      double worstChange = 0;
      for (String scenario : SCENARIOS.keySet()) {
        Summary small = summary("10k", "exitfilter", scenario);
        Summary big = summary("1m", "exitfilter", scenario);
        if (small == null || big == null) {
          continue;
        }
        double change = big.rps() / small.rps() - 1;
        if (worst == null || change < worstChange) {
          worst = scenario;
          worstChange = change;
        }
      }
      if (worst != null) {
        target("throughput with 1,000,000 bans within 5% of 10,000",
            "worst scenario: " + worst + ", " + signedPct(worstChange), worstChange >= -0.05);
      }
    }
    if (backpressure.containsKey("max_heap_kib") && !backpressure.get("max_heap_kib").isBlank()) {
      double idle = parse(backpressure.get("idle_heap_kib")) / 1024;
      double max = parse(backpressure.get("max_heap_kib")) / 1024;
      double gc = parse(backpressure.getOrDefault("gc_heap_kib", "")) / 1024;
      String measured = String.format(Locale.ROOT,
          "max heap used − idle = %+.1f MiB; after a full GC mid-transfer %+.1f MiB", max - idle,
          gc - idle);
      // "A few MiB": the live heap is what backpressure governs; the max includes garbage not
      // collected yet, which depends on the collector's pacing, so both are shown.
      target("512 MiB download at 32 MiB/s: heap within a few MiB of idle", measured,
          Double.isNaN(gc) ? max - idle <= 8 : gc - idle <= 8);
    }
    line();
    line("*Met?* compares the medians above with the issue's thresholds; a smoke run on a busy "
        + "machine says nothing either way. \"A few MiB\" is taken as 8 MiB of live heap.");
    line();
  }

  private void table(String phase) {
    line("## " + PHASES.getOrDefault(phase, phase) + " banned domains");
    line();
    boolean big = phase.equals("1m") && phases().contains("10k");
    line("| scenario | system | req/s | × direct | × Squid |" + (big ? " × 10k list |" : "")
        + " p50 ms | p99 ms | MiB/s | proxy CPU % | core busy % | RSS MiB | errors | non-2xx"
        + " | runs |");
    line("| --- | --- | ---: | ---: | ---: |" + (big ? " ---: |" : "")
        + " ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for (var scenario : SCENARIOS.entrySet()) {
      Summary direct = summary(phase, "direct", scenario.getKey());
      Summary squid = summary(phase, "squid", scenario.getKey());
      for (String system : SYSTEMS) {
        Summary s = summary(phase, system, scenario.getKey());
        if (s == null) {
          continue;
        }
        StringBuilder r = new StringBuilder();
        r.append("| ").append(scenario.getValue()).append(" | ").append(system)
            .append(s.notes().isEmpty() ? "" : " (" + s.notes() + ")").append(" | ")
            .append(fmt(s.rps())).append(" | ")
            .append(direct == null || system.equals("direct") ? "" : ratio(s.rps(), direct.rps()))
            .append(" | ")
            .append(squid == null || system.equals("squid") || system.equals("direct")
                ? "" : ratio(s.rps(), squid.rps()))
            .append(" |");
        if (big) {
          Summary small = summary("10k", system, scenario.getKey());
          r.append(' ').append(small == null || system.equals("direct")
              ? "" : ratio(s.rps(), small.rps())).append(" |");
        }
        r.append(' ').append(ms(s.p50())).append(" | ").append(ms(s.p99())).append(" | ")
            .append(Double.isNaN(s.mibPerSecond()) ? "" : fmt(s.mibPerSecond())).append(" | ")
            .append(Double.isNaN(s.cpu()) ? "" : fmt(s.cpu())).append(" | ")
            .append(Double.isNaN(s.coreBusy()) ? "" : fmt(s.coreBusy())).append(" | ")
            .append(Double.isNaN(s.rss()) ? "" : fmt(s.rss())).append(" | ")
            .append(errors(s.errors())).append(" | ")
            .append(non2xx(s)).append(" | ")
            .append(s.runs()).append(s.failed() > 0 ? " (" + s.failed() + " failed)" : "")
            .append(" |");
        line(r.toString());
      }
    }
    line();
  }

  private void unusable() {
    List<String> notes = new ArrayList<>();
    meta.forEach((k, v) -> {
      if (k.startsWith("unusable.")) {
        notes.add("- " + k.substring("unusable.".length()) + ": " + v);
      }
    });
    boolean probe = runs.stream().anyMatch(r -> r.note().contains("probe"));
    if (notes.isEmpty() && !probe) {
      return;
    }
    line("### Systems that could not be measured normally");
    line();
    notes.forEach(this::line);
    if (probe) {
      line("- tinyproxy with 1,000,000 rules: tinyproxy tries its filter's regular expressions "
          + "one by one on every request (and its memory grows by an automaton per expression "
          + "used). It was run alone, once, after the other systems (a *probe*, so that its "
          + "backlog could not take the proxies' core from them); its row above is that one "
          + "bounded run. 0 req/s means no request completed within wrk's 2 s timeout.");
    }
    line();
  }

  private void sanity(List<String> lines) {
    if (lines.isEmpty()) {
      return;
    }
    line("## Sanity check before measuring");
    line();
    line("One allowed request (`http://" + meta.get("origin_host") + "/small`) and one banned "
        + "name through each proxy; the expected answers are 200 and 403.");
    line();
    line("| system | list | allowed | banned |");
    line("| --- | --- | ---: | ---: |");
    for (String l : lines) {
      String[] f = l.split("\t", -1);
      if (f.length >= 4) {
        line("| " + f[0] + " | " + f[1] + " | " + check(f[2], "200") + " | " + check(f[3], "403")
            + " |");
      }
    }
    line();
  }

  private void backpressure(Map<String, String> bp) {
    if (bp.isEmpty()) {
      return;
    }
    line("## Backpressure: 512 MiB through exitfilter to a client reading 32 MiB/s");
    line();
    if (bp.containsKey("error")) {
      line("Not measured: " + bp.get("error") + ".");
      line();
      return;
    }
    double bytes = parse(bp.get("bytes"));
    double seconds = parse(bp.get("seconds"));
    line(String.format(Locale.ROOT,
        "`curl --limit-rate 32M` through exitfilter (started with "
            + "`-XX:NativeMemoryTracking=summary`): status %s, %s bytes in %.1f s (%.1f MiB/s); "
            + "%s samples, about one a second.",
        bp.get("status"), fmt(bytes), seconds, bytes / seconds / 1048576, bp.get("samples")));
    line();
    line("| MiB | idle | during the transfer | growth |");
    line("| --- | ---: | ---: | ---: |");
    mibRow("heap used, max (jstat: survivors + eden + old)", bp, "idle_heap_kib", "max_heap_kib");
    mibRow("heap used right after a full GC mid-transfer", bp, "idle_heap_kib", "gc_heap_kib");
    mibRow("NMT *Other*, max (malloc'd and Unsafe memory: Netty's direct buffers)", bp,
        "idle_other_kib", "max_other_kib");
    mibRow("RSS, max", bp, "idle_rss_kib", "max_rss_kib");
    line();
    line("*Idle* is after a few requests and a full GC. The max of the heap includes garbage "
        + "the collector had not yet reclaimed; the heap after a full GC is what the transfer "
        + "holds on to. Without backpressure the proxy would read the origin at loopback speed "
        + "and hold most of the 512 MiB.");
    line();
  }

  private void allRuns() {
    line("## All runs");
    line();
    line("| list | system | scenario | rep | conn | requests | req/s | p50 ms | p99 ms | errors "
        + "| non-2xx | CPU % | core busy % | RSS MiB | note |");
    line("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        + "| ---: | --- |");
    for (Run r : runs) {
      line("| " + r.phase() + " | " + r.system() + " | " + r.scenario() + " | " + r.rep() + " | "
          + r.conns() + " | " + fmt(r.requests()) + " | " + fmt(r.rps()) + " | " + ms(r.p50())
          + " | " + ms(r.p99()) + " | " + errors(r.errors()) + " | " + fmt(r.non2xx()) + " | "
          + fmt(r.cpu()) + " | " + fmt(r.coreBusy()) + " | " + fmt(r.rss()) + " | " + r.note()
          + " |");
    }
    line();
  }

  // ------------------------------------------------------------------ data

  private List<String> phases() {
    return runs.stream().map(Run::phase).distinct().toList();
  }

  private Summary summary(String phase, String system, String scenario) {
    List<Run> matching = runs.stream()
        .filter(r -> r.phase().equals(phase) && r.system().equals(system)
            && r.scenario().equals(scenario))
        .toList();
    if (matching.isEmpty()) {
      return null;
    }
    List<Run> ok = matching.stream().filter(r -> !Double.isNaN(r.rps())).toList();
    String notes = String.join(", ", matching.stream().map(Run::note)
        .filter(n -> !n.isBlank()).distinct().toList());
    return new Summary(
        median(ok, Run::rps),
        median(ok, Run::p50),
        median(ok, Run::p99),
        median(matching, Run::cpu),
        median(matching, Run::coreBusy),
        median(matching, Run::rss),
        median(ok, Run::mibPerSecond),
        errorSums(ok),
        sum(ok, Run::non2xx),
        sum(ok, Run::requests),
        matching.size(),
        matching.size() - ok.size(),
        notes);
  }

  static double median(List<Run> runs, ToDoubleFunction<Run> value) {
    double[] v = runs.stream().mapToDouble(value).filter(d -> !Double.isNaN(d)).sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    int mid = v.length / 2;
    return v.length % 2 == 1 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
  }

  private static double[] errorSums(List<Run> runs) {
    double[] sums = new double[ERRORS.size()];
    for (Run r : runs) {
      for (int i = 0; i < sums.length; i++) {
        sums[i] += Double.isNaN(r.errors()[i]) ? 0 : r.errors()[i];
      }
    }
    return sums;
  }

  private static double sum(List<Run> runs, ToDoubleFunction<Run> value) {
    OptionalDouble any = runs.stream().mapToDouble(value).filter(d -> !Double.isNaN(d)).max();
    return any.isPresent()
        ? runs.stream().mapToDouble(value).filter(d -> !Double.isNaN(d)).sum()
        : Double.NaN;
  }

  private static List<Run> readRuns(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    if (lines.isEmpty()) {
      return List.of();
    }
    List<String> header = Arrays.asList(lines.get(0).split("\t", -1));
    List<Run> runs = new ArrayList<>();
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      Map<String, String> v = new LinkedHashMap<>();
      for (int i = 0; i < header.size() && i < f.length; i++) {
        v.put(header.get(i), f[i]);
      }
      double requests = parse(v.get("requests"));
      // wrk reports latencies of 0 when nothing completed; there is no latency to show then.
      boolean none = !(requests > 0);
      double[] errors = ERRORS.stream().mapToDouble(e -> parse(v.get("err_" + e))).toArray();
      runs.add(new Run(
          v.get("phase"),
          v.get("system"),
          v.get("scenario"),
          (int) parse(v.get("rep")),
          (int) parse(v.get("conns")),
          requests,
          parse(v.get("rps")),
          none ? Double.NaN : parse(v.get("p50_ms")),
          none ? Double.NaN : parse(v.get("p99_ms")),
          errors,
          parse(v.get("non2xx")),
          parse(v.get("cpu_pct")),
          parse(v.get("core_busy_pct")),
          parse(v.get("rss_mib")),
          parse(v.get("mib_per_s")),
          Objects.requireNonNullElse(v.get("note"), "").strip()));
    }
    return runs;
  }

  private static Map<String, String> readEnv(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    if (!Files.exists(file)) {
      return env;
    }
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
  }

  // ------------------------------------------------------------------ formatting

  private void target(String what, String measured, boolean met) {
    line("| " + what + " | " + measured + " | " + (met ? "yes" : "**no**") + " |");
  }

  private void mibRow(String what, Map<String, String> bp, String idleKey, String duringKey) {
    double idle = parse(bp.get(idleKey)) / 1024;
    double during = parse(bp.get(duringKey)) / 1024;
    line(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %+.1f |", what, idle, during,
        during - idle));
  }

  private void row(String key, String value) {
    line("| " + key + " | " + (value == null ? "?" : value) + " |");
  }

  /** "0", or the non-zero counters by kind: "1,512 read, 5 timeout". */
  private static String errors(double[] counts) {
    List<String> parts = new ArrayList<>();
    for (int i = 0; i < counts.length; i++) {
      if (counts[i] > 0) {
        parts.add(fmt(counts[i]) + " " + ERRORS.get(i));
      }
    }
    return parts.isEmpty() ? "0" : String.join(", ", parts);
  }

  private String non2xx(Summary s) {
    if (Double.isNaN(s.non2xx()) || s.non2xx() == 0) {
      return "0";
    }
    return fmt(s.non2xx()) + " (" + pct(s.non2xx() / s.requests()) + ")";
  }

  private static String check(String got, String want) {
    return got.equals(want) ? got : "**" + got + "** (want " + want + ")";
  }

  private static double parse(String s) {
    if (s == null || s.isBlank()) {
      return Double.NaN;
    }
    try {
      return Double.parseDouble(s.strip());
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  private static String fmt(double v) {
    if (Double.isNaN(v)) {
      return "";
    }
    if (Math.abs(v) >= 100 || v == Math.rint(v)) {
      return String.format(Locale.ROOT, "%,.0f", v);
    }
    return String.format(Locale.ROOT, "%.1f", v);
  }

  private static String ms(double v) {
    return Double.isNaN(v) ? "" : String.format(Locale.ROOT, v >= 100 ? "%.0f" : "%.2f", v);
  }

  private static String ratio(double a, double b) {
    return Double.isNaN(a) || Double.isNaN(b) || b == 0 ? "" : times(a / b);
  }

  private static String times(double r) {
    return String.format(Locale.ROOT, r >= 10 ? "%.0f×" : "%.2f×", r);
  }

  private static String pct(double r) {
    return String.format(Locale.ROOT, "%.0f%%", 100 * r);
  }

  private static String signedPct(double r) {
    return String.format(Locale.ROOT, "%+.1f%%", 100 * r);
  }

  private void line(String s) {
    out.append(s).append('\n');
  }

  private void line() {
    out.append('\n');
  }
}
