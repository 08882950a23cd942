import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;

/**
 * Turns the raw results of benchmarks/load/lean.sh into issue 9's table (Markdown) and a chart
 * (PNG) of memory and CPU per request. A single-file program (JDK only; the chart is drawn with
 * Java2D, so no plotting package is needed): {@code java Lean.java META RAW FACTS SANITY COMMANDS
 * CONFIGS OUT.md OUT.png}.
 */
public final class Lean {
  private final Map<String, String> meta;
  private final List<Map<String, String>> runs;
  private final Map<String, Map<String, String>> facts;
  private final List<String> instances;
  private final StringBuilder out = new StringBuilder();

  Lean(Map<String, String> meta, List<Map<String, String>> runs,
      Map<String, Map<String, String>> facts) {
    this.meta = meta;
    this.runs = runs;
    this.facts = facts;
    this.instances = Arrays.stream(meta.getOrDefault("instances", "").split(" "))
        .filter(s -> !s.isBlank()).toList();
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 8) {
      System.err.println("usage: Lean META RAW FACTS SANITY COMMANDS CONFIGS OUT.md OUT.png");
      System.exit(2);
    }
    Map<String, String> meta = readEnv(Path.of(args[0]));
    List<Map<String, String>> runs = readTsv(Path.of(args[1]));
    Map<String, Map<String, String>> facts = new LinkedHashMap<>();
    for (String line : Files.readAllLines(Path.of(args[2]))) {
      String[] f = line.split("\t", 3);
      if (f.length == 3) {
        facts.computeIfAbsent(f[0], k -> new LinkedHashMap<>()).put(f[1], f[2]);
      }
    }
    Lean lean = new Lean(meta, runs, facts);
    Path png = Path.of(args[7]);
    String md = lean.render(Files.readAllLines(Path.of(args[3])), Files.readString(Path.of(args[4])),
        Files.readString(Path.of(args[5])), png.getFileName().toString());
    Files.writeString(Path.of(args[6]), md);
    lean.chart(png);
  }

  // ------------------------------------------------------------------ figures per instance

  private List<Map<String, String>> runsOf(String instance, String scenario) {
    return runs.stream()
        .filter(r -> instance.equals(r.get("system")) && scenario.equals(r.get("scenario")))
        .toList();
  }

  private List<Map<String, String>> reps(String instance) {
    return runsOf(instance, "small-50").stream().filter(r -> !"soak".equals(r.get("rep")))
        .toList();
  }

  private double medianOf(List<Map<String, String>> rs, String key) {
    double[] v = rs.stream().mapToDouble(r -> parse(r.get(key))).filter(d -> !Double.isNaN(d))
        .sorted().toArray();
    if (v.length == 0) {
      return Double.NaN;
    }
    return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
  }

  /** CPU µs per forwarded request: the process's CPU over all runs ÷ the requests completed. */
  private double cpuPerRequest(List<Map<String, String>> rs) {
    double cpu = 0;
    double requests = 0;
    for (var r : rs) {
      double c = parse(r.get("cpu_s"));
      double n = parse(r.get("requests"));
      if (!Double.isNaN(c) && n > 0) {
        cpu += c;
        requests += n;
      }
    }
    return requests > 0 ? cpu / requests * 1e6 : Double.NaN;
  }

  private double rssAfterLoad(String instance) {
    List<Map<String, String>> rs = reps(instance);
    return rs.isEmpty() ? Double.NaN : parse(rs.get(rs.size() - 1).get("rss_mib"));
  }

  private double rssAfterSoak(String instance) {
    List<Map<String, String>> rs = runsOf(instance, "small-50").stream()
        .filter(r -> "soak".equals(r.get("rep"))).toList();
    return rs.isEmpty() ? Double.NaN : parse(rs.get(0).get("rss_mib"));
  }

  private String fact(String instance, String key) {
    return facts.getOrDefault(instance, Map.of()).getOrDefault(key, "");
  }

  private double factNum(String instance, String key) {
    return parse(fact(instance, key));
  }

  private double kibToMib(double kib) {
    return kib / 1024;
  }

  /** Live heap bytes per list entry: (heap with this list − heap with an empty one) ÷ entries. */
  private double heapPerEntry(String instance) {
    String variant = instance.substring(0, instance.lastIndexOf('-'));
    String list = instance.substring(instance.lastIndexOf('-') + 1);
    double entries = list.equals("1m") ? 1_000_000 : list.equals("10k") ? 10_000 : Double.NaN;
    return (factNum(instance, "heap_bytes") - factNum(variant + "-empty", "heap_bytes")) / entries;
  }

  // ------------------------------------------------------------------ Markdown

  String render(List<String> sanity, String commands, String configs, String pngName) {
    line("# How lean is exitfilter (issue 9), " + meta.getOrDefault("started", "?"));
    line();
    if (!meta.getOrDefault("note", "").isBlank()) {
      line("> **Note:** " + meta.get("note"));
      line();
    }
    if (meta.getOrDefault("mode", "").startsWith("quick")) {
      line("> **Quick mode** (`--quick`): short runs that check the harness; its numbers are not "
          + "a measurement.");
      line();
    }
    double load = parse(meta.getOrDefault("load", "0").split(" ")[0]);
    if (load > 0.5) {
      line("> **The machine was not quiet:** load average " + meta.get("load") + " at the start ("
          + meta.get("load_end") + " at the end); the numbers are noisy.");
      line();
    }
    line("| | |");
    line("| --- | --- |");
    row("date", meta.get("started"));
    row("machine", meta.get("cpu") + ", " + meta.get("cores") + " cores, " + meta.get("memory")
        + ", kernel " + meta.get("kernel"));
    row("load average", meta.get("load") + " at the start, " + meta.get("load_end") + " at the end");
    row("JDK", meta.get("jdk"));
    row("exitfilter", "commit " + meta.get("exitfilter") + ", started with "
        + (meta.getOrDefault("launcher", "").isBlank() ? "`java -jar target/exitfilter.jar`"
            : "`bin/exitfilter` (EXITFILTER_JAR=target/exitfilter.jar)")
        + (meta.getOrDefault("java_opts", "").isBlank() ? "" : ", options `" + meta.get("java_opts")
            + "`"));
    if (!meta.getOrDefault("baseline_jar", "").isBlank()) {
      row("exitfilter-before", "`java " + meta.get("baseline_java_opts") + " -jar "
          + meta.get("baseline_jar") + "`");
    }
    row("Squid", meta.get("squid"));
    row("origin", meta.get("origin"));
    row("wrk", meta.get("wrk") + ", 2 threads, `--latency`, timeout 2 s");
    row("pinning", meta.get("pinning"));
    row("runs", "small GET (100 B), 50 keep-alive connections: " + meta.get("reps") + " × "
        + meta.get("duration") + " s per system, interleaved round robin, after " + meta.get("warmup")
        + " s of warm-up; then " + meta.get("soak") + " s without a break (the *after " + meta.get("soak")
        + " s* row)");
    row("open files", meta.get("nofile") + " per process (`ulimit -n`)");
    line();

    issueTable();
    line("![RSS and CPU per request](" + pngName + ")");
    line();
    jvmOptions();
    manyDetails();
    sanity(sanity);
    line("## How the numbers were made");
    line();
    line("See [benchmarks/load/README.md](../README.md), *How lean*. In short: *req/s*, *p50*, "
        + "*p99* are medians of the repetitions; *CPU per request* is the proxy process's "
        + "user + system time (all threads, `/proc/PID/stat`) summed over the repetitions ÷ the "
        + "requests wrk completed in them; *RSS after load* is `VmRSS` at the end of the last "
        + "repetition; *launch* is from the exec to the port accepting a TCP connection (polled "
        + "every 10 ms), and to a first 200 through it; *reload* is from appending a new name to "
        + "the list file in place (Squid: then `squid -k reconfigure`) to a request for it "
        + "answered 403 (" + reloadPolling() + "); *peak RSS during reload* is `VmHWM` after "
        + "`echo 5 > /proc/PID/clear_refs` before the write; *heap per entry* is "
        + "`jcmd GC.class_histogram`'s total (after the full GC it forces) with the list minus "
        + "the same with an empty list, ÷ entries.");
    line();
    line("### Commands");
    line();
    line("```sh");
    out.append(commands.strip()).append('\n');
    line("```");
    line();
    line("### Configurations (as generated; other instances differ in port and list)");
    line(configs.strip());
    line();
    allRuns();
    return out.toString();
  }

  /**
   * How the reload was polled. Results written before ReloadPoll.java have no reload_poll_ms: a
   * shell forked a curl every 20 ms, whose own cost slowed the reload it timed (README, How lean).
   */
  private String reloadPolling() {
    String ms = meta.get("reload_poll_ms");
    return ms == null || ms.isBlank()
        ? "a curl forked every 20 ms"
        : "`ReloadPoll.java`: one JVM started before the edit, a new connection every " + ms + " ms";
  }

  private void issueTable() {
    line("## Issue 9's table");
    line();
    StringBuilder head = new StringBuilder("| |");
    StringBuilder rule = new StringBuilder("| --- |");
    for (String i : instances) {
      head.append(' ').append(i).append(" |");
      rule.append(" ---: |");
    }
    line(head.toString());
    line(rule.toString());
    tableRow("small GET, 50 keep-alive conns, req/s", i -> fact(i, "unusable").isEmpty()
        ? fmt(medianOf(reps(i), "rps")) : "not measured: " + fact(i, "unusable"));
    tableRow("CPU per forwarded request, µs", i -> fmt(cpuPerRequest(reps(i))));
    tableRow("p50 at 50 conns, ms", i -> ms(medianOf(reps(i), "p50_ms")));
    tableRow("p99 at 50 conns, ms", i -> ms(medianOf(reps(i), "p99_ms")));
    tableRow("paced at ≤ 10,000 req/s (50 conns, 5 ms pause): req/s",
        i -> fmt(medianOf(runsOf(i, "paced-50"), "rps")));
    tableRow("paced: p50 / p99, ms", i -> runsOf(i, "paced-50").isEmpty() ? ""
        : ms(medianOf(runsOf(i, "paced-50"), "p50_ms")) + " / "
            + ms(medianOf(runsOf(i, "paced-50"), "p99_ms")));
    tableRow("errors / non-2xx", i -> reps(i).isEmpty() ? "" : fmt(sumOf(reps(i), "err_connect",
        "err_read", "err_write", "err_timeout")) + " / " + fmt(sumOf(reps(i), "non2xx")));
    tableRow("RSS after load, MiB", i -> fmt(rssAfterLoad(i)));
    tableRow("RSS after " + meta.get("soak") + " s of load, MiB (target ≤ 160 with 1M, ≤ 80 with 10k)",
        i -> fmt(rssAfterSoak(i)) + target(i, rssAfterSoak(i)));
    tableRow("CPU per request during those " + meta.get("soak") + " s, µs",
        i -> fmt(cpuPerRequest(runsOf(i, "small-50").stream()
            .filter(r -> "soak".equals(r.get("rep"))).toList())));
    tableRow("launch to listening, s", i -> sec(factNum(i, "launch_listen_ms")));
    tableRow("the same, first start (no class data sharing archive yet), s",
        i -> sec(factNum(i, "launch_first_listen_ms")));
    tableRow("launch to first answer, s", i -> sec(factNum(i, "launch_ready_ms")));
    tableRow("reload: list written to 403, s", i -> sec(factNum(i, "reload_ms")));
    tableRow("RSS before the reload, MiB", i -> fmt(kibToMib(factNum(i, "reload_rss_before_kib"))));
    tableRow("peak RSS during the reload (VmHWM), MiB (target ≤ 1.5×)", i -> {
      double before = factNum(i, "reload_rss_before_kib");
      double peak = factNum(i, "reload_hwm_kib");
      return fmt(kibToMib(peak)) + (before > 0 && peak > 0
          ? " (" + String.format(Locale.ROOT, "%.2f×", peak / before) + ")" : "");
    });
    tableRow("peak of VmRSS sampled every 50 ms, MiB",
        i -> fmt(kibToMib(factNum(i, "reload_rss_max_sampled_kib"))));
    tableRow("RSS 1 s after the reload / " + meta.getOrDefault("reload_late", "35") + " s after, MiB",
        i -> fmt(kibToMib(factNum(i, "reload_rss_after_kib"))) + " / "
            + fmt(kibToMib(factNum(i, "reload_rss_late_kib"))));
    tableRow("live heap per list entry, bytes", i -> i.startsWith("squid") ? "" : fmt(heapPerEntry(i)));
    String idle = fmt(parse(meta.get("idle_conns")));
    tableRow(idle + " idle keep-alive clients: answered / failed",
        i -> idleField(i, "ok") + (idleField(i, "ok").isEmpty() ? "" : " / " + idleField(i, "failed")));
    tableRow(idle + " idle clients: RSS held, MiB", i -> fmt(kibToMib(factNum(i, "idle_rss_held_kib"))));
    tableRow(idle + " idle clients: RSS per connection, KiB", i -> {
      double held = factNum(i, "idle_rss_held_kib");
      double before = factNum(i, "idle_rss_before_kib");
      double ok = parse(idleField(i, "ok"));
      return ok > 0 ? fmt((held - before) / ok) : "";
    });
    String edits = meta.getOrDefault("held_edits", "");
    tableRow(edits + " edits, a tunnel and a keep-alive client more held before each: RSS after"
        + " each, MiB", i -> heldEditsRss(i));
    tableRow("the same edits: list written to 403, s / held connections still answering",
        i -> heldEditsMs(i) + (fact(i, "held_edits_end").isEmpty() ? ""
            : " / " + fact(i, "held_edits_end").replaceAll("^DONE .*answered=([0-9/]+).*$", "$1")
                .replaceAll("^FAILED .*$", "failed: the proxy is gone")));
    String busy = fmt(parse(meta.get("busy_conns")));
    tableRow(busy + " busy connections: req/s", i -> fmt(medianOf(runsOf(i, "busy"), "rps")));
    tableRow(busy + " busy connections: errors", i -> runsOf(i, "busy").isEmpty() ? ""
        : errors(runsOf(i, "busy").get(0)));
    tableRow(busy + " busy connections: RSS at the end / peak, MiB", i -> runsOf(i, "busy").isEmpty()
        ? "" : fmt(medianOf(runsOf(i, "busy"), "rss_mib")) + " / "
            + fmt(kibToMib(factNum(i, "busy_hwm_kib"))));
    line();
    line("Targets (issue 9): RSS after a minute of load ≤ 160 MB with 1M entries and ≤ 80 MB with "
        + "10k (a ✓ or ✗ follows the figure); peak RSS during a reload ≤ 1.5× the steady RSS. "
        + "Many-connection rows: through the " + meta.get("many_list") + " instances only.");
    line();
  }

  /** The RSS after each held edit, in MiB, space-separated; "gone" once the process ended. */
  private String heldEditsRss(String instance) {
    StringBuilder out = new StringBuilder();
    for (String kib : fact(instance, "held_edits_rss_kib").split(" ")) {
      if (!kib.isEmpty()) {
        out.append(out.length() == 0 ? "" : " ").append(
            kib.matches("[0-9]+") ? fmt(kibToMib(Double.parseDouble(kib))) : kib);
      }
    }
    return out.toString();
  }

  /** Each held edit's time to 403, in s, space-separated; "–" when it was not seen. */
  private String heldEditsMs(String instance) {
    StringBuilder out = new StringBuilder();
    for (String ms : fact(instance, "held_edits_ms").split(" ")) {
      if (!ms.isEmpty()) {
        out.append(out.length() == 0 ? "" : " ").append(
            ms.startsWith("-") ? "–" : sec(Double.parseDouble(ms)));
      }
    }
    return out.toString();
  }

  private String target(String instance, double rssMib) {
    if (instance.startsWith("squid") || Double.isNaN(rssMib)) {
      return "";
    }
    double limit = instance.endsWith("-1m") ? 160 : 80;
    // The issue says MB; RSS is in MiB here, so the limit in MiB is a little lower.
    return rssMib * 1.048576 <= limit ? " ✓" : " ✗";
  }

  private String idleField(String instance, String key) {
    for (String part : fact(instance, "idle_result").split(" ")) {
      if (part.startsWith(key + "=")) {
        return part.substring(key.length() + 1);
      }
    }
    return "";
  }

  private void jvmOptions() {
    line("## How each exitfilter ran");
    line();
    line("| instance | command | JVM arguments (`jcmd VM.command_line`) | flags (`jcmd VM.flags`) |");
    line("| --- | --- | --- | --- |");
    for (String i : facts.keySet()) {
      if (i.startsWith("exitfilter")) {
        String args = fact(i, "jvm_args").strip();
        String cmd = fact(i, "jvm_cmdline").isBlank() ? fact(i, "command") : fact(i, "jvm_cmdline");
        line("| " + i + " | `" + cmd.strip() + "` | "
            + (args.isEmpty() ? "(none)" : "`" + args + "`") + " | `" + fact(i, "jvm_flags").strip()
            + "` |");
      }
    }
    line();
  }

  private void manyDetails() {
    line("## Many connections, in detail");
    line();
    line("Idle clients (`Idle.java`): each sent one GET through the proxy, read the response, "
        + "then stayed open and idle for 10 s.");
    line();
    line("| instance | RSS before, MiB | client's report | after holding |");
    line("| --- | ---: | --- | --- |");
    for (String i : facts.keySet()) {
      if (!fact(i, "idle_result").isEmpty()) {
        line("| " + i + " | " + fmt(kibToMib(factNum(i, "idle_rss_before_kib"))) + " | "
            + fact(i, "idle_result") + " | " + fact(i, "idle_done") + " |");
      }
    }
    line();
    line("RSS sampled every 5 s during the " + meta.get("soak") + " s run (MiB):");
    line();
    for (String i : instances) {
      if (!fact(i, "soak_rss_samples_mib").isEmpty()) {
        line("- " + i + ": " + fact(i, "soak_rss_samples_mib"));
      }
    }
    line();
    List<String> unusable = new ArrayList<>();
    facts.forEach((i, f) -> {
      if (f.containsKey("unusable")) {
        unusable.add("- " + i + ": " + f.get("unusable"));
      }
    });
    if (!unusable.isEmpty()) {
      line("Not measured:");
      line();
      unusable.forEach(this::line);
      line();
    }
  }

  private void sanity(List<String> lines) {
    line("## Sanity check");
    line();
    line("| instance | list | allowed (want 200) | banned (want 403) |");
    line("| --- | --- | ---: | ---: |");
    for (String l : lines) {
      String[] f = l.split("\t", -1);
      if (f.length >= 4) {
        line("| " + f[0] + " | " + f[1] + " | " + f[2] + " | " + f[3] + " |");
      }
    }
    line();
  }

  private void allRuns() {
    line("## All runs");
    line();
    line("| instance | scenario | rep | conn | requests | s | req/s | p50 ms | p99 ms | errors | "
        + "non-2xx | CPU s | CPU % | CPU µs/req | RSS MiB | note |");
    line("| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | ---: "
        + "| ---: | ---: | --- |");
    for (var r : runs) {
      double perRequest = parse(r.get("cpu_s")) / parse(r.get("requests")) * 1e6;
      line("| " + r.get("system") + " | " + r.get("scenario") + " | " + r.get("rep") + " | "
          + r.get("conns") + " | " + fmt(parse(r.get("requests"))) + " | " + r.get("seconds")
          + " | " + fmt(parse(r.get("rps"))) + " | " + ms(parse(r.get("p50_ms"))) + " | "
          + ms(parse(r.get("p99_ms"))) + " | " + errors(r) + " | " + r.get("non2xx") + " | "
          + r.get("cpu_s") + " | " + r.get("cpu_pct") + " | " + fmt(perRequest) + " | "
          + r.get("rss_mib") + " | " + r.getOrDefault("note", "") + " |");
    }
    line();
  }

  private interface Cell {
    String of(String instance);
  }

  private void tableRow(String what, Cell cell) {
    StringBuilder r = new StringBuilder("| ").append(what).append(" |");
    for (String i : instances) {
      r.append(' ').append(cell.of(i)).append(" |");
    }
    line(r.toString());
  }

  private static double sumOf(List<Map<String, String>> rs, String... keys) {
    double sum = 0;
    for (var r : rs) {
      for (String k : keys) {
        double v = parse(r.get(k));
        sum += Double.isNaN(v) ? 0 : v;
      }
    }
    return sum;
  }

  private static String errors(Map<String, String> r) {
    List<String> parts = new ArrayList<>();
    for (String e : List.of("connect", "read", "write", "timeout")) {
      double v = parse(r.get("err_" + e));
      if (v > 0) {
        parts.add(fmt(v) + " " + e);
      }
    }
    return parts.isEmpty() ? "0" : String.join(", ", parts);
  }

  // ------------------------------------------------------------------ the chart

  /** Two panels: RSS (after load, after the soak, peak during reload) and CPU µs per request. */
  void chart(Path png) throws IOException {
    List<String> shown = instances.stream().filter(i -> !Double.isNaN(rssAfterLoad(i))).toList();
    int width = 1200;
    int height = 1000;
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
    g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
    g.setColor(Color.WHITE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLACK);
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
    g.drawString("exitfilter and Squid, small GET, 50 keep-alive connections ("
        + meta.getOrDefault("started", "") + ", " + meta.getOrDefault("mode", "") + ")", 20, 30);
    Color[] colors = {new Color(0x4C72B0), new Color(0xDD8452), new Color(0xC44E52)};
    String[] rssNames = {"RSS after load", "after " + meta.get("soak") + " s of load",
        "peak during reload"};
    double[][] rss = new double[shown.size()][];
    for (int k = 0; k < shown.size(); k++) {
      String i = shown.get(k);
      rss[k] = new double[] {rssAfterLoad(i), rssAfterSoak(i),
          kibToMib(factNum(i, "reload_hwm_kib"))};
    }
    panel(g, 20, 50, 1160, 480, "Memory: RSS, MiB", shown, rss, rssNames, colors);
    double[][] cpu = new double[shown.size()][];
    for (int k = 0; k < shown.size(); k++) {
      cpu[k] = new double[] {cpuPerRequest(reps(shown.get(k)))};
    }
    panel(g, 20, 530, 1160, 450, "CPU per forwarded request, µs", shown, cpu,
        new String[] {"user + system CPU ÷ requests"}, new Color[] {new Color(0x55A868)});
    g.dispose();
    ImageIO.write(image, "png", png.toFile());
  }

  private static void panel(Graphics2D g, int x, int y, int w, int h, String title,
      List<String> groups, double[][] values, String[] series, Color[] colors) {
    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 15));
    g.setColor(Color.BLACK);
    g.drawString(title, x + 10, y + 20);
    int left = x + 60;
    int top = y + 60;
    int bottom = y + h - 50;
    int right = x + w - 10;
    double max = 0;
    for (double[] v : values) {
      for (double d : v) {
        if (!Double.isNaN(d)) {
          max = Math.max(max, d);
        }
      }
    }
    max = niceCeiling(max <= 0 ? 1 : max * 1.1);
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    for (int t = 0; t <= 5; t++) {
      double v = max * t / 5;
      int ty = bottom - (int) ((bottom - top) * t / 5.0);
      g.setColor(new Color(0xDDDDDD));
      g.drawLine(left, ty, right, ty);
      g.setColor(Color.DARK_GRAY);
      String label = fmt(v);
      g.drawString(label, left - 8 - g.getFontMetrics().stringWidth(label), ty + 4);
    }
    // Legend.
    int lx = x + 10;
    for (int s = 0; s < series.length; s++) {
      g.setColor(colors[s]);
      g.fillRect(lx, y + 32, 12, 12);
      g.setColor(Color.BLACK);
      g.drawString(series[s], lx + 16, y + 43);
      lx += 30 + g.getFontMetrics().stringWidth(series[s]);
    }
    int groupWidth = groups.isEmpty() ? 1 : (right - left) / groups.size();
    int bar = Math.min(70, Math.max(4, (groupWidth - 16) / Math.max(1, series.length)));
    for (int k = 0; k < groups.size(); k++) {
      int gx = left + k * groupWidth + (groupWidth - bar * series.length) / 2;
      for (int s = 0; s < series.length; s++) {
        double v = values[k][s];
        if (Double.isNaN(v)) {
          continue;
        }
        int bh = (int) Math.round((bottom - top) * v / max);
        g.setColor(colors[s]);
        g.fillRect(gx + s * bar, bottom - bh, bar - 2, bh);
        g.setColor(Color.BLACK);
        String label = fmt(v);
        int lw = g.getFontMetrics().stringWidth(label);
        g.drawString(label, gx + s * bar + (bar - 2 - lw) / 2, bottom - bh - 4);
      }
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 13));
      // Two lines, so that long names fit: the system, then the list ("exitfilter-before", "1m").
      String name = groups.get(k);
      int cut = name.lastIndexOf('-');
      String[] lines = cut > 0
          ? new String[] {name.substring(0, cut), name.substring(cut + 1) + " list"}
          : new String[] {name};
      for (int n = 0; n < lines.length; n++) {
        int nw = g.getFontMetrics().stringWidth(lines[n]);
        g.drawString(lines[n], left + k * groupWidth + (groupWidth - nw) / 2, bottom + 18 + 16 * n);
      }
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    }
    g.setColor(Color.BLACK);
    g.setStroke(new BasicStroke(1.5f));
    g.drawLine(left, bottom, right, bottom);
    g.drawLine(left, top, left, bottom);
  }

  private static double niceCeiling(double v) {
    double p = Math.pow(10, Math.floor(Math.log10(v)));
    for (double m : new double[] {1, 2, 2.5, 5, 10}) {
      if (m * p >= v) {
        return m * p;
      }
    }
    return 10 * p;
  }

  // ------------------------------------------------------------------ reading and formatting

  private static List<Map<String, String>> readTsv(Path file) throws IOException {
    List<String> lines = Files.readAllLines(file);
    List<Map<String, String>> rows = new ArrayList<>();
    if (lines.isEmpty()) {
      return rows;
    }
    String[] header = lines.get(0).split("\t", -1);
    for (String line : lines.subList(1, lines.size())) {
      if (line.isBlank()) {
        continue;
      }
      String[] f = line.split("\t", -1);
      Map<String, String> row = new LinkedHashMap<>();
      for (int i = 0; i < header.length && i < f.length; i++) {
        row.put(header[i], f[i]);
      }
      rows.add(row);
    }
    return rows;
  }

  private static Map<String, String> readEnv(Path file) throws IOException {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : Files.readAllLines(file)) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        env.put(line.substring(0, eq), line.substring(eq + 1));
      }
    }
    return env;
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
    if (Double.isNaN(v) || Double.isInfinite(v)) {
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

  private static String sec(double millis) {
    return Double.isNaN(millis) ? "" : String.format(Locale.ROOT, "%.2f", millis / 1000);
  }

  private void row(String key, String value) {
    line("| " + key + " | " + (value == null ? "?" : value) + " |");
  }

  private void line(String s) {
    out.append(s).append('\n');
  }

  private void line() {
    out.append('\n');
  }
}
