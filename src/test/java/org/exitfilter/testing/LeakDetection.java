package org.exitfilter.testing;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import io.netty.util.ResourceLeakTracker;
import java.lang.ref.ReferenceQueue;
import java.lang.ref.WeakReference;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Turns Netty's leak reports into test failures.
 *
 * <p>Netty creates each leak detector once, in the static initializer of the class it guards (for
 * buffers, {@code AbstractByteBuf}), so {@link #install()} must run before any buffer is allocated
 * in the JVM. {@link LeakDetectionExtension} is auto-registered for every test class (see {@code
 * META-INF/services}) and installs it when JUnit loads extensions, which is before any test class
 * is initialized. After each test class the extension calls {@link #assertNoLeaks()}.
 *
 * <p>A leak is only noticed when the garbage collector has cleared the leaked object and its
 * detector next polls its reference queue, which Netty does when it starts tracking another object.
 * {@link #forceDetection()} makes both happen.
 *
 * <p>When {@code io.netty.leakDetection.level} is not set, the level is raised to PARANOID so a run
 * from an IDE tracks every buffer like the Maven build does.
 */
public final class LeakDetection {
  private static final String LEVEL_PROPERTY = "io.netty.leakDetection.level";

  /** A hint that marks a leak made on purpose by a test: recorded, but not logged as an error. */
  static final String DELIBERATE = "deliberate-leak";

  private static final int ROUNDS = 4;
  private static final int BUFFERS_PER_ROUND = 64;

  private static final List<Report> REPORTS = new CopyOnWriteArrayList<>();
  private static final List<RecordingDetector<?>> DETECTORS = new CopyOnWriteArrayList<>();
  private static volatile boolean installed;

  private LeakDetection() {}

  /** One leak Netty noticed: the type of the leaked object and where it was last touched. */
  public record Report(String resourceType, String records) {
    @Override
    public String toString() {
      return "LEAK of " + resourceType + (records.isEmpty() ? " (no records)" : ":" + records);
    }
  }

  /**
   * Installs the recording detector factory. Idempotent; must run before Netty creates its first
   * buffer (the extension takes care of that).
   */
  public static synchronized void install() {
    if (installed) {
      return;
    }
    if (System.getProperty(LEVEL_PROPERTY) == null) {
      ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID);
    }
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
    installed = true;
  }

  /** The leaks reported since the last {@link #clear()}, oldest first. */
  public static List<Report> reports() {
    return List.copyOf(REPORTS);
  }

  /** Forgets the reports collected so far. */
  public static void clear() {
    REPORTS.clear();
  }

  /** Forgets the reports that match, for tests that leak on purpose; returns whether any did. */
  static boolean discard(Predicate<Report> filter) {
    return REPORTS.removeIf(filter);
  }

  /**
   * Collects garbage and makes every detector poll for cleared objects, a few rounds, so that a
   * buffer leaked by the code under test is reported now rather than during some later test.
   */
  public static void forceDetection() {
    for (int round = 0; round < ROUNDS; round++) {
      awaitGarbageCollection();
      pollBuffers();
      pollEveryDetector();
    }
    if (installed && DETECTORS.stream().noneMatch(d -> d.resourceType.equals(typeName()))) {
      throw new IllegalStateException(
          "LeakDetection was installed after Netty created its buffer leak detector, so buffer"
              + " leaks cannot be seen; something allocated a ByteBuf before JUnit loaded"
              + " LeakDetectionExtension");
    }
  }

  /**
   * Forces detection and fails with every report if anything leaked; the reports are cleared either
   * way so that the next test class is not blamed for this one.
   */
  public static void assertNoLeaks() {
    assertNoLeaks("this test");
  }

  /**
   * As {@link #assertNoLeaks()}, naming {@code where} the leak was noticed. The message ends with
   * that name and the first leak's most recent access, because a CI log often keeps only the end of
   * a long failure.
   */
  public static void assertNoLeaks(String where) {
    forceDetection();
    List<Report> leaks = reports();
    REPORTS.removeAll(leaks);
    if (!leaks.isEmpty()) {
      throw new AssertionError(
          leaks.size()
              + " Netty leak(s) reported:\n"
              + leaks.stream().map(Report::toString).collect(Collectors.joining("\n\n"))
              + "\n\nIn short: "
              + leaks.size()
              + " leak(s) noticed after "
              + where
              + "; the first was last touched at:\n"
              + mostRecentAccess(leaks.get(0).records()));
    }
  }

  /** The lines of Netty's record {@code #1:} (the most recent access), at most a dozen. */
  static String mostRecentAccess(String records) {
    List<String> lines = records.lines().toList();
    int start = lines.indexOf("#1:");
    if (start < 0) {
      return "(no access records)";
    }
    return lines.stream()
        .skip(start + 1L)
        .takeWhile(line -> !line.matches("#\\d+:|Created at:"))
        .limit(12)
        .collect(Collectors.joining("\n"));
  }

  private static String typeName() {
    return ByteBuf.class.getSimpleName();
  }

  /** Returns once a GC has cleared a fresh weak reference, or after a second if none does. */
  private static void awaitGarbageCollection() {
    ReferenceQueue<Object> queue = new ReferenceQueue<>();
    WeakReference<Object> sentinel = new WeakReference<>(new Object(), queue);
    System.gc();
    try {
      // The reference handler thread enqueues references cleared by one collection together,
      // so once the sentinel arrives the leaked objects' trackers are (almost always) queued too.
      queue.remove(1_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    sentinel.clear();
  }

  /** Each tracked allocation makes the buffer detector poll its queue. */
  private static void pollBuffers() {
    List<ByteBufAllocator> allocators =
        List.of(
            ByteBufAllocator.DEFAULT,
            PooledByteBufAllocator.DEFAULT,
            UnpooledByteBufAllocator.DEFAULT);
    List<ByteBuf> buffers = new ArrayList<>();
    try {
      for (ByteBufAllocator allocator : allocators) {
        for (int i = 0; i < BUFFERS_PER_ROUND; i++) {
          buffers.add(allocator.directBuffer(64));
          buffers.add(allocator.heapBuffer(64));
        }
      }
    } finally {
      buffers.forEach(ByteBuf::release);
    }
  }

  /** Detectors of other types (DNS messages, timers) poll only when they track something. */
  private static void pollEveryDetector() {
    for (RecordingDetector<?> detector : DETECTORS) {
      detector.poll();
    }
  }

  private static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval) {
      RecordingDetector<T> detector = new RecordingDetector<>(resource, samplingInterval);
      DETECTORS.add(detector);
      return detector;
    }

    @Override
    @SuppressWarnings("deprecation")
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(
        Class<T> resource, int samplingInterval, long maxActive) {
      return newResourceLeakDetector(resource, samplingInterval);
    }
  }

  /** Netty's detector that also records what it reports, and reports even if logging is off. */
  private static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    private final String resourceType;

    RecordingDetector(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
      this.resourceType = resource.getSimpleName();
    }

    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String type, String records) {
      REPORTS.add(new Report(type, records));
      if (!records.contains(DELIBERATE)) {
        super.reportTracedLeak(type, records);
      }
    }

    @Override
    protected void reportUntracedLeak(String type) {
      REPORTS.add(new Report(type, ""));
      super.reportUntracedLeak(type);
    }

    /** Tracking any object polls the reference queue (at PARANOID every time, else sampled). */
    @SuppressWarnings("unchecked")
    void poll() {
      Object probe = new Object();
      ResourceLeakTracker<T> tracker = track((T) probe);
      if (tracker != null) {
        tracker.close((T) probe);
      }
    }
  }
}
