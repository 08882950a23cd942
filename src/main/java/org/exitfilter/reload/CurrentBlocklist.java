package org.exitfilter.reload;

import java.time.LocalDate;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.exitfilter.config.Blocklist;
import org.exitfilter.match.Matcher;

/**
 * The blocklist snapshot in force: one {@link AtomicReference}, read once per request and replaced
 * whole, so a lookup takes no lock and never sees half of a reload.
 *
 * <p>It keeps no entry besides the compiled matcher's: the loaded {@link Blocklist} is dropped once
 * compiled, and a new day needs only {@link Matcher#onDay}.
 */
public final class CurrentBlocklist implements Supplier<Matcher> {

  /** A compiled list with what is known of the file it came from. */
  public record Snapshot(Blocklist.Summary blocklist, Matcher matcher) {}

  private final AtomicReference<Snapshot> current;
  private volatile Consumer<Blocklist> onReplace = blocklist -> {};

  public CurrentBlocklist(Blocklist blocklist, LocalDate day) {
    this.current = new AtomicReference<>(compile(blocklist, day));
  }

  /** Compiles and swaps in a new list; requests already under way keep the one they took. */
  public void replace(Blocklist blocklist, LocalDate day) {
    current.set(compile(blocklist, day));
    onReplace.accept(blocklist);
  }

  /**
   * Hands every list {@link #replace} swaps in to {@code listener} too, on the reload thread, right
   * after the new snapshot is in force: for what publishes the list (the exit notice's bans).
   */
  public void onReplace(Consumer<Blocklist> listener) {
    this.onReplace = listener;
  }

  /**
   * Swaps in the same list for another day, so that expired entries stop applying. Called from the
   * one reload thread, which is also the only caller of {@link #replace}.
   */
  public void advanceTo(LocalDate day) {
    Snapshot now = current.get();
    current.set(new Snapshot(now.blocklist(), now.matcher().onDay(day)));
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

  private static Snapshot compile(Blocklist blocklist, LocalDate day) {
    return new Snapshot(blocklist.summary(), Matcher.compile(blocklist, day));
  }
}
