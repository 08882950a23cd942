package org.exitfilter.config;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * One kind of problem or warning about a blocklist's entries, at most a given number listed per
 * file: a list of a million lines must not bury the operator in messages. The rest are counted, and
 * said in one message at the first of them ({@link #finish}).
 */
final class CappedProblems {
  /** How many warnings of one kind one file gets listed (duplicates, shadowed bans). */
  static final int MAX_WARNINGS_PER_FILE = 20;

  private final Problems problems;
  private final String what;
  private final int maxPerFile;
  private final Map<Path, int[]> perFile = new HashMap<>();
  private final Map<Path, Source> firstUnlisted = new HashMap<>();

  /**
   * @param what what is reported, plural, as the count names it: {@code "duplicate entries"}
   * @param maxPerFile how many are listed per file before the rest are counted
   */
  CappedProblems(Problems problems, String what, int maxPerFile) {
    this.problems = problems;
    this.what = what;
    this.maxPerFile = maxPerFile;
  }

  /** Adds the message at {@code where}, or counts it once its file has had its share. */
  void add(Source where, Supplier<String> message) {
    int[] count = perFile.computeIfAbsent(where.file(), f -> new int[1]);
    if (++count[0] > maxPerFile) {
      firstUnlisted.putIfAbsent(where.file(), where);
      return;
    }
    problems.add(where, message.get());
  }

  /** Adds the counts of what was not listed one by one. */
  void finish() {
    firstUnlisted.forEach(
        (file, where) ->
            problems.add(
                where,
                (perFile.get(file)[0] - maxPerFile)
                    + " more "
                    + what
                    + " in this file from this line on are not listed"));
  }
}
