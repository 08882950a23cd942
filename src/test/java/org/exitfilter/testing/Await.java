package org.exitfilter.testing;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;

/**
 * Waits for something to become true by polling it, instead of sleeping a fixed time and hoping. A
 * condition that is already true returns at once; one that never becomes true fails with the
 * description after the timeout.
 */
public final class Await {
  /** Long enough for anything on loopback, short enough that a broken test fails in seconds. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(5);

  private Await() {}

  /** An assertion that may fail now and pass later. */
  @FunctionalInterface
  public interface Assertion {
    void check() throws Exception;
  }

  /** Waits up to {@link #DEFAULT_TIMEOUT} for {@code condition}. */
  public static void until(String description, BooleanSupplier condition) {
    until(description, DEFAULT_TIMEOUT, condition);
  }

  /**
   * Waits until {@code condition} holds.
   *
   * @throws AssertionError naming {@code description} when it does not hold within {@code timeout}
   */
  public static void until(String description, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("Timed out after " + timeout + " waiting until " + description);
      }
      pause();
    }
  }

  /** Retries {@code assertion} for up to {@link #DEFAULT_TIMEOUT} until it passes. */
  public static void untilAsserted(Assertion assertion) {
    untilAsserted(DEFAULT_TIMEOUT, assertion);
  }

  /**
   * Retries {@code assertion} until it passes; when time runs out, rethrows its last failure so the
   * test reports what was actually observed.
   */
  public static void untilAsserted(Duration timeout, Assertion assertion) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      try {
        assertion.check();
        return;
      } catch (AssertionError | Exception e) {
        if (System.nanoTime() - deadline > 0) {
          if (e instanceof AssertionError error) {
            throw error;
          }
          throw new AssertionError("Timed out after " + timeout, e);
        }
      }
      pause();
    }
  }

  private static void pause() {
    LockSupport.parkNanos(POLL_NANOS);
    if (Thread.interrupted()) {
      Thread.currentThread().interrupt();
      throw new AssertionError("Interrupted while waiting");
    }
  }
}
