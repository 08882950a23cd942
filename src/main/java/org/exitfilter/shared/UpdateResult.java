package org.exitfilter.shared;

import java.util.Locale;

/**
 * How one update of a shared list ended.
 *
 * @param outcome accepted, unchanged, refused or unreachable
 * @param commit the fetched tip, or {@code null} when nothing was fetched
 * @param message a line for the operator: what was accepted, or why not
 */
public record UpdateResult(Outcome outcome, String commit, String message) {

  /** The ends of an update; {@code exitfilter shared update} exits with {@link #exitCode()}. */
  public enum Outcome {
    /** A new tip passed every check and is now the list in force. */
    ACCEPTED(0),
    /** The tip is the accepted commit. */
    UNCHANGED(0),
    /** A new tip failed a check; the last accepted commit keeps serving. */
    REFUSED(3),
    /** The repository could not be reached (or may not be); the last accepted commit serves. */
    UNREACHABLE(4);

    private final int exitCode;

    Outcome(int exitCode) {
      this.exitCode = exitCode;
    }

    public int exitCode() {
      return exitCode;
    }

    /** Whether the fetch confirmed the list in force as current. */
    public boolean success() {
      return this == ACCEPTED || this == UNCHANGED;
    }

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
