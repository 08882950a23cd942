package org.exitfilter.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.Ticker;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deadline that is cheap to set and clear on every request: both cost a clock read, not a
 * scheduled task. At most one task per connection is pending; when it fires before the current
 * deadline (because the deadline moved), it re-arms itself for the rest. Confined to one event
 * loop, like the connection that owns it.
 *
 * <p>Time is read from the executor's {@link Ticker}, the clock its scheduled tasks run by, so that
 * a test on {@code EmbeddedChannel} moves both with {@code advanceTimeBy}.
 */
final class Deadline {
  private static final long NONE = Long.MIN_VALUE;

  private final EventExecutor executor;
  private final Ticker ticker;
  private final Runnable onExpiry;
  private long due = NONE;
  private long taskDue = NONE;
  private ScheduledFuture<?> task;

  Deadline(EventExecutor executor, Runnable onExpiry) {
    this.executor = executor;
    this.ticker = executor.ticker();
    this.onExpiry = onExpiry;
  }

  /** Expires {@code timeoutNanos} from now, replacing any deadline already set. */
  void set(long timeoutNanos) {
    due = ticker.nanoTime() + timeoutNanos;
    if (task == null || due - taskDue < 0) {
      schedule(timeoutNanos);
    }
  }

  boolean isSet() {
    return due != NONE;
  }

  /** No deadline any more; a pending task finds nothing to do when it fires. */
  void clear() {
    due = NONE;
  }

  /** Clears the deadline and drops the pending task, for a connection that is closing. */
  void cancel() {
    due = NONE;
    if (task != null) {
      task.cancel(false);
      task = null;
    }
  }

  private void schedule(long delayNanos) {
    if (task != null) {
      task.cancel(false);
    }
    taskDue = ticker.nanoTime() + delayNanos;
    task = executor.schedule(this::fire, delayNanos, TimeUnit.NANOSECONDS);
  }

  private void fire() {
    task = null;
    if (due == NONE) {
      return;
    }
    long remaining = due - ticker.nanoTime();
    if (remaining > 0) {
      schedule(remaining);
    } else {
      due = NONE;
      onExpiry.run();
    }
  }
}
