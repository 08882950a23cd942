package org.exitfilter.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * Every problem found in a configuration or blocklist, reported together rather than one by one.
 */
public final class ConfigException extends Exception {
  private final List<Problem> problems;

  public ConfigException(List<Problem> problems) {
    super(problems.stream().map(Problem::toString).collect(Collectors.joining("\n")));
    this.problems = List.copyOf(problems);
  }

  /** The problems, in file order. */
  public List<Problem> problems() {
    return problems;
  }
}
