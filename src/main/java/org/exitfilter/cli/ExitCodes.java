package org.exitfilter.cli;

/** The process exit codes, documented in the README. */
public final class ExitCodes {
  /** Success; for {@code check}: every target is allowed. */
  public static final int OK = 0;

  /** For {@code check}: at least one target is blocked. */
  public static final int BLOCKED = 1;

  /** The command line was wrong. */
  public static final int USAGE = 2;

  /** The configuration or blocklist is invalid; the problems were printed. */
  public static final int INVALID_CONFIG = 3;

  /** Something else went wrong (a port in use, a file unreadable). */
  public static final int FAILURE = 4;

  private ExitCodes() {}
}
