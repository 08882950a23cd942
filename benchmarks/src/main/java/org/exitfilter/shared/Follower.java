package org.exitfilter.shared;

/** An exit that follows the shared list, as the benchmark observes it. */
interface Follower {
  String label();

  /** Whether the exit refuses {@code name} now. */
  boolean enforces(String name);
}
