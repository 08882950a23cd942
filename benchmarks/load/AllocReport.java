import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Reads one JFR recording made by {@code alloc.sh} during a bounded wrk run and prints what the
 * proxy allocated per request: exactly, from {@code jdk.ThreadAllocationStatistics} (each thread's
 * allocation counter at the start and at the end of the recording), and by site, from the weights
 * of {@code jdk.ObjectAllocationSample} (a statistical estimate whose total approaches the exact
 * one).
 *
 * <pre>
 *   java benchmarks/load/AllocReport.java REQUESTS SITES RECORDING.jfr...
 * </pre>
 *
 * <p>{@code REQUESTS} is what wrk completed over all the recordings given. Samples are taken when
 * a thread's allocation buffer (TLAB) fills up, so a 10 s run yields only a few hundred: their
 * weights give each site's share, and the shares are printed in bytes per request of the exact
 * total. The first line is machine-readable ({@code ALLOC_RESULT key=value ...}); the rest is for
 * people. Event-loop threads are Netty's ({@code multiThreadIoEventLoopGroup-*}).
 */
public final class AllocReport {
  private static final String EVENT_LOOP = "multiThreadIoEventLoopGroup-";
  private static final int FRAMES = 4;

  private record Counter(Instant first, long firstValue, Instant last, long lastValue) {}

  public static void main(String[] args) throws IOException {
    if (args.length < 3) {
      System.err.println("usage: AllocReport REQUESTS SITES RECORDING.jfr...");
      System.exit(2);
    }
    long requests = Long.parseLong(args[0]);
    int sites = Integer.parseInt(args[1]);
    Map<String, Long> bySite = new HashMap<>();
    Map<String, Long> byOwnCode = new HashMap<>();
    Map<String, Long> byClass = new HashMap<>();
    long sampled = 0;
    long samples = 0;
    long loops = 0;
    long all = 0;
    for (int i = 2; i < args.length; i++) {
      Path file = Path.of(args[i]);
      Map<String, Counter> counters = new HashMap<>();
      Map<Long, List<RecordedEvent>> samplesByThread = new HashMap<>();
      Instant start = null;
      for (RecordedEvent e : RecordingFile.readAllEvents(file)) {
        Instant t = e.getStartTime();
        start = start == null || t.isBefore(start) ? t : start;
        switch (e.getEventType().getName()) {
          case "jdk.ThreadAllocationStatistics" -> {
            var thread = e.getThread("thread");
            if (thread != null) {
              long value = e.getLong("allocated");
              counters.merge(
                  thread.getJavaName() + "#" + thread.getJavaThreadId(),
                  new Counter(t, value, t, value),
                  (x, y) ->
                      new Counter(
                          x.first.isAfter(y.first) ? y.first : x.first,
                          x.first.isAfter(y.first) ? y.firstValue : x.firstValue,
                          x.last.isAfter(y.last) ? x.last : y.last,
                          x.last.isAfter(y.last) ? x.lastValue : y.lastValue));
            }
          }
          case "jdk.ObjectAllocationSample" ->
              samplesByThread
                  .computeIfAbsent(e.getThread("eventThread").getJavaThreadId(), k -> new ArrayList<>())
                  .add(e);
          default -> {}
        }
      }
      for (List<RecordedEvent> thread : samplesByThread.values()) {
        // A sample's weight is what its thread allocated since its previous sample; the first
        // one of a recording reaches back before the recording (to the previous run, the
        // warm-up or the start) and so is left out.
        thread.sort(Comparator.comparing(RecordedEvent::getStartTime));
        for (RecordedEvent e : thread.subList(1, thread.size())) {
          long weight = e.getLong("weight");
          String type = e.getClass("objectClass").getName();
          sampled += weight;
          samples++;
          byClass.merge(type, weight, Long::sum);
          bySite.merge(type + "  @ " + site(e.getStackTrace()), weight, Long::sum);
          byOwnCode.merge(ownFrame(e.getStackTrace()), weight, Long::sum);
        }
      }
      if (start == null) {
        System.err.println("AllocReport: no events in " + file);
        System.exit(1);
      }
      // A thread first seen after the recording began was born during it: all its counter counts.
      Instant born = start.plusSeconds(1);
      for (var entry : counters.entrySet()) {
        Counter c = entry.getValue();
        long delta = c.first.isAfter(born) ? c.lastValue : c.lastValue - c.firstValue;
        all += delta;
        if (entry.getKey().startsWith(EVENT_LOOP)) {
          loops += delta;
        }
      }
    }
    double n = Math.max(1, requests);
    System.out.printf(
        Locale.ROOT,
        "ALLOC_RESULT requests=%d loop_bytes_per_req=%.1f all_bytes_per_req=%.1f"
            + " sampled_bytes_per_req=%.1f samples=%d%n",
        requests,
        loops / n,
        all / n,
        sampled / n,
        samples);
    System.out.printf(
        Locale.ROOT,
        "exact (jdk.ThreadAllocationStatistics): event loops %.1f B/request, all threads %.1f"
            + " B/request%n",
        loops / n,
        all / n);
    // Shares of the samples, in bytes per request of the exact total.
    double scale = sampled == 0 ? 0 : all / (double) sampled / n;
    System.out.printf(
        Locale.ROOT,
        "%nby site (%d samples of jdk.ObjectAllocationSample; innermost frame first):%n",
        samples);
    print(bySite, scale, sites);
    System.out.printf(Locale.ROOT, "%nby the innermost exitfilter frame on the stack:%n");
    print(byOwnCode, scale, sites);
    System.out.printf(Locale.ROOT, "%nby class:%n");
    print(byClass, scale, Math.min(sites, 10));
  }

  private static void print(Map<String, Long> weights, double scale, int limit) {
    List<Map.Entry<String, Long>> rows = new ArrayList<>(weights.entrySet());
    rows.sort(Map.Entry.<String, Long>comparingByValue().reversed());
    for (var row : rows.subList(0, Math.min(limit, rows.size()))) {
      System.out.printf(Locale.ROOT, "  %7.1f B  %s%n", row.getValue() * scale, row.getKey());
    }
  }

  /** The innermost frame of exitfilter's own code, or where the stack enters Netty's. */
  private static String ownFrame(RecordedStackTrace stack) {
    if (stack == null) {
      return "(no stack)";
    }
    for (RecordedFrame f : stack.getFrames()) {
      String type = f.getMethod().getType().getName();
      if (type.startsWith("org.exitfilter.")) {
        return type.substring("org.exitfilter.".length())
            + "."
            + f.getMethod().getName()
            + ":"
            + f.getLineNumber();
      }
    }
    return "(Netty or the JDK only)";
  }

  /** The top frames, innermost first, shortened to Class.method:line. */
  private static String site(RecordedStackTrace stack) {
    if (stack == null) {
      return "(no stack)";
    }
    StringBuilder out = new StringBuilder();
    List<RecordedFrame> frames = stack.getFrames();
    for (int i = 0; i < Math.min(FRAMES, frames.size()); i++) {
      RecordedFrame f = frames.get(i);
      String type = f.getMethod().getType().getName();
      if (i > 0) {
        out.append(" < ");
      }
      out.append(type.substring(type.lastIndexOf('.') + 1))
          .append('.')
          .append(f.getMethod().getName())
          .append(':')
          .append(f.getLineNumber());
    }
    return out.toString();
  }
}
