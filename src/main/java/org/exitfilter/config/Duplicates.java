package org.exitfilter.config;

import java.util.ArrayList;
import java.util.List;

/**
 * Warns about entries listed twice (same kind, value and ports, both bans or both exceptions),
 * naming where the first one is. Harmless to matching, but usually a sign of a merge gone wrong.
 */
final class Duplicates {
  private final CappedProblems warnings;

  /** Rules seen, by exception flag and kind, then by value (and ports when not all). */
  private final List<RuleTable<String>> seen = new ArrayList<>();

  private Duplicates(Problems warnings, int[] sizes, List<Rule> bans, List<Rule> exceptions) {
    this.warnings =
        new CappedProblems(warnings, "duplicate entries", CappedProblems.MAX_WARNINGS_PER_FILE);
    for (int i = 0; i < sizes.length; i++) {
      // sized up front: growing a table of a million names costs more than filling it
      seen.add(
          new RuleTable<>(
              i < RuleKind.values().length ? bans : exceptions, Duplicates::key, sizes[i]));
    }
  }

  /** Warns about every rule that repeats an earlier one of the same list. */
  static void check(List<Rule> bans, List<Rule> exceptions, Problems warnings) {
    int[] sizes = new int[2 * RuleKind.values().length];
    bans.forEach(rule -> sizes[slot(rule)]++);
    exceptions.forEach(rule -> sizes[slot(rule)]++);
    Duplicates duplicates = new Duplicates(warnings, sizes, bans, exceptions);
    for (int i = 0; i < bans.size(); i++) {
      duplicates.check(bans.get(i), i);
    }
    for (int i = 0; i < exceptions.size(); i++) {
      duplicates.check(exceptions.get(i), i);
    }
    duplicates.warnings.finish();
  }

  private static int slot(Rule rule) {
    return (rule.exception() ? RuleKind.values().length : 0) + rule.kind().ordinal();
  }

  private static String key(Rule rule) {
    return rule.ports().isAll() ? rule.value() : rule.value() + " " + rule.ports();
  }

  /** Checks the rule at {@code position} of the bans or of the exceptions. */
  private void check(Rule rule, int position) {
    RuleTable<String> table = seen.get(slot(rule));
    String key = key(rule);
    Rule first = table.find(key, r -> true);
    if (first == null) {
      table.add(key, position);
      return;
    }
    Source where = rule.source();
    Source other = first.source();
    warnings.add(
        where,
        () ->
            "duplicate entry: "
                + rule.kind().key()
                + " "
                + rule.value()
                + (rule.ports().isAll() ? "" : " ports " + rule.ports())
                + " is also at "
                + (other.file().equals(where.file())
                    ? "line " + other.line()
                    : other.file() + ":" + other.line()));
  }
}
