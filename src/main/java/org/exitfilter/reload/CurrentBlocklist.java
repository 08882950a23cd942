package org.exitfilter.reload;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.exitfilter.config.Blocklist;
import org.exitfilter.match.LayeredMatcher;
import org.exitfilter.match.Matcher;

/**
 * The blocklist snapshot in force: one {@link AtomicReference}, read once per request and replaced
 * whole, so a lookup takes no lock and never sees half of a reload.
 *
 * <p>It keeps no entry besides the compiled matcher's: the loaded {@link Blocklist} is dropped once
 * compiled, and a new day needs only {@link Matcher#onDay}.
 *
 * <p>The matcher in force is the operator's list layered over the shared lists the exit follows
 * ({@link LayeredMatcher}); the two are replaced independently, by the reload thread and by the
 * shared lists' thread, under one lock that only writers take.
 */
public final class CurrentBlocklist implements Supplier<Matcher> {

  /** A compiled list with what is known of the file it came from. */
  public record Snapshot(Blocklist.Summary blocklist, Matcher matcher) {}

  private final AtomicReference<Snapshot> current;
  private volatile Consumer<Blocklist> onReplace = blocklist -> {};
  private volatile Consumer<List<Blocklist>> onReplaceShared = lists -> {};

  /** Writers only: the parts the snapshot in force is made of. */
  private final Object writeLock = new Object();

  private Blocklist.Summary localSummary;
  private Matcher local;
  private Matcher shared;

  public CurrentBlocklist(Blocklist blocklist, LocalDate day) {
    this.localSummary = blocklist.summary();
    this.local = Matcher.compile(blocklist, day);
    this.current = new AtomicReference<>(new Snapshot(localSummary, local));
  }

  /** Compiles and swaps in a new list; requests already under way keep the one they took. */
  public void replace(Blocklist blocklist, LocalDate day) {
    Blocklist.Summary summary = blocklist.summary();
    Matcher compiled = Matcher.compile(blocklist, day);
    synchronized (writeLock) {
      localSummary = summary;
      local = compiled;
      publish();
    }
    onReplace.accept(blocklist);
  }

  /**
   * Hands every list swapped in to the listeners too, right after the new snapshot is in force, on
   * the thread that swapped it in: the operator's list ({@link #replace}, the reload thread) to
   * {@code local}, the shared lists' accepted commits ({@link #replaceShared}, the shared lists'
   * thread) to {@code shared}. For what publishes the list in force (the exit notice's bans), so
   * that it follows every swap from this one place. Each listener is called by one thread at a
   * time, in the order of the swaps; the lists are not kept here.
   */
  public void onReplace(Consumer<Blocklist> local, Consumer<List<Blocklist>> shared) {
    this.onReplace = local;
    this.onReplaceShared = shared;
  }

  /**
   * Compiles and swaps in the shared lists' accepted commits, one {@link Blocklist} each (none: no
   * shared list in force); the operator's list stays as it is. Requests already under way keep the
   * snapshot they took.
   */
  public void replaceShared(List<Blocklist> accepted) {
    Matcher compiled = compileShared(accepted, get().day());
    synchronized (writeLock) {
      shared =
          compiled == null || compiled.day().equals(local.day())
              ? compiled
              : compiled.onDay(local.day());
      publish();
    }
    onReplaceShared.accept(List.copyOf(accepted));
  }

  /**
   * The shared lists' accepted commits compiled into one matcher, among which the usual precedence
   * holds; {@code null} for none. What {@link #replaceShared} layers under the operator's list, and
   * what {@code check} asks.
   */
  public static Matcher compileShared(List<Blocklist> accepted, LocalDate day) {
    return accepted.isEmpty()
        ? null
        : Matcher.compile(Blocklist.union(Path.of("shared-lists"), accepted), day);
  }

  private void publish() {
    current.set(new Snapshot(localSummary, LayeredMatcher.of(local, shared)));
  }

  /**
   * Swaps in the same list for another day, so that expired entries stop applying. Called from the
   * one reload thread, which is also the only caller of {@link #replace}.
   */
  public void advanceTo(LocalDate day) {
    synchronized (writeLock) {
      local = local.onDay(day);
      shared = shared == null ? null : shared.onDay(day);
      publish();
    }
  }

  /**
   * Gives the memory that loading and compiling a list took back to the operating system, once the
   * caller has dropped the loaded {@link Blocklist}. At a million entries a load needs about three
   * times the heap the compiled snapshot keeps; without a full collection the heap would stay at
   * that peak for good (the collectors shrink the heap only after one). Called once per load, at
   * start and after each reload (and once more a little later, for the previous snapshot that a
   * request may still have held), never per request: with the serial collector and a live heap of
   * tens of megabytes it pauses the proxy for tens of milliseconds.
   */
  public static void releaseBuildMemory() {
    System.gc();
  }

  public Snapshot snapshot() {
    return current.get();
  }

  @Override
  public Matcher get() {
    return current.get().matcher();
  }
}
