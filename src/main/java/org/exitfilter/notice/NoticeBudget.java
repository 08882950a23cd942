package org.exitfilter.notice;

import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * How much of the exit the notice's two expensive answers may take. The notice is public (usually
 * port 80), and with a long list a search reads every entry in force (about 30 ms for a million)
 * and {@code /bans.json} streams them all (170 MB for a million): unbounded, anyone could take a
 * core and the uplink that the exit's users need. So searches share a budget of CPU time ({@link
 * #SEARCH_SHARE}, at most {@link #SEARCH_BURST} at once), and at most {@link #MAX_JSON_STREAMS}
 * JSON lists are sent at a time. Beyond either, the answer is 503 with {@code Retry-After}. Only
 * counts and durations are kept, never anything about who asked. Shared by every connection of one
 * notice server; thread-safe.
 */
final class NoticeBudget {
  /** Share of one core that searches may use over time. */
  static final double SEARCH_SHARE = 0.25;

  /** CPU time searches may use at once before the share applies. */
  static final Duration SEARCH_BURST = Duration.ofSeconds(1);

  /** JSON lists sent at the same time. */
  static final int MAX_JSON_STREAMS = 2;

  private final LongSupplier nanoTime;
  private final long burstNanos;
  private long searchNanosLeft;
  private long refilledAt;
  private int jsonStreams;

  NoticeBudget() {
    this(System::nanoTime);
  }

  NoticeBudget(LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.burstNanos = SEARCH_BURST.toNanos();
    this.searchNanosLeft = burstNanos;
    this.refilledAt = nanoTime.getAsLong();
  }

  /** Whether a search may run now; if it does, tell {@link #searched} what it took. */
  synchronized boolean maySearch() {
    long now = nanoTime.getAsLong();
    searchNanosLeft =
        Math.min(burstNanos, searchNanosLeft + (long) ((now - refilledAt) * SEARCH_SHARE));
    refilledAt = now;
    return searchNanosLeft > 0;
  }

  /** A search took {@code nanos}. */
  synchronized void searched(long nanos) {
    searchNanosLeft -= nanos;
  }

  /** Whether a JSON list may be sent now; if it is, call {@link #jsonStreamEnded} when it ends. */
  synchronized boolean mayStreamJson() {
    if (jsonStreams >= MAX_JSON_STREAMS) {
      return false;
    }
    jsonStreams++;
    return true;
  }

  synchronized void jsonStreamEnded() {
    jsonStreams--;
  }
}
