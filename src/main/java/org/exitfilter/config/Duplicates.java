package org.exitfilter.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Warns about entries listed twice (same kind, value and ports, both bans or both exceptions),
 * naming where the first one is. Harmless to matching, but usually a sign of a merge gone wrong.
 */
final class Duplicates {
  /** Beyond this many duplicates in one file, the rest are counted rather than listed. */
  static final int MAX_WARNINGS_PER_FILE = 20;

  private final Problems warnings;

  /** First rule seen, by exception flag and kind, then by value (and ports when not all). */
  private final Map<String, Rule>[] seen;

  private final Map<Path, int[]> perFile = new HashMap<>();
  private final Map<Path, Source> firstUnlisted = new HashMap<>();

  @SuppressWarnings("unchecked")
  private Duplicates(Problems warnings, int[] sizes) {
    this.warnings = warnings;
    this.seen = new Map[sizes.length];
    for (int i = 0; i < seen.length; i++) {
      // sized up front: growing a map of a million names costs more than filling it
      seen[i] = new HashMap<>((int) (sizes[i] / 0.75f) + 1);
    }
  }

  /** Warns about every rule that repeats an earlier one of the same list. */
  static void check(List<Rule> bans, List<Rule> exceptions, Problems warnings) {
    int[] sizes = new int[2 * RuleKind.values().length];
    bans.forEach(rule -> sizes[slot(rule)]++);
    exceptions.forEach(rule -> sizes[slot(rule)]++);
    Duplicates duplicates = new Duplicates(warnings, sizes);
    bans.forEach(duplicates::check);
    exceptions.forEach(duplicates::check);
    duplicates.finish();
  }

  private static int slot(Rule rule) {
    return (rule.exception() ? RuleKind.values().length : 0) + rule.kind().ordinal();
  }

  private void check(Rule rule) {
    int slot = slot(rule);
    String key = rule.ports().isAll() ? rule.value() : rule.value() + " " + rule.ports();
    Rule first = seen[slot].putIfAbsent(key, rule);
    if (first == null) {
      return;
    }
    Source where = rule.source();
    int[] count = perFile.computeIfAbsent(where.file(), f -> new int[1]);
    if (++count[0] > MAX_WARNINGS_PER_FILE) {
      firstUnlisted.putIfAbsent(where.file(), where);
      return;
    }
    Source other = first.source();
    String otherPlace =
        other.file().equals(where.file())
            ? "line " + other.line()
            : other.file() + ":" + other.line();
    warnings.add(
        where,
        "duplicate entry: "
            + rule.kind().key()
            + " "
            + rule.value()
            + (rule.ports().isAll() ? "" : " ports " + rule.ports())
            + " is also at "
            + otherPlace);
  }

  /** Adds the counts of duplicates that were not listed one by one. */
  private void finish() {
    firstUnlisted.forEach(
        (file, where) ->
            warnings.add(
                where,
                (perFile.get(file)[0] - MAX_WARNINGS_PER_FILE)
                    + " more duplicate entries in this file from this line on are not listed"));
  }
}
