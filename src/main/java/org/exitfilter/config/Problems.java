package org.exitfilter.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Collects problems as they are found, then hands them back in file order: the main file first,
 * other files in the order they first come up, and by line and column within a file.
 */
final class Problems {
  private final Path mainFile;
  private final List<Problem> list = new ArrayList<>();

  Problems(Path mainFile) {
    this.mainFile = mainFile;
  }

  void add(Source where, String message) {
    list.add(new Problem(where, message));
  }

  boolean isEmpty() {
    return list.isEmpty();
  }

  int size() {
    return list.size();
  }

  List<Problem> inFileOrder() {
    Map<Path, Integer> fileRank = new HashMap<>();
    fileRank.put(mainFile, 0);
    for (Problem p : list) {
      fileRank.putIfAbsent(p.where().file(), fileRank.size());
    }
    List<Problem> sorted = new ArrayList<>(list);
    sorted.sort(
        Comparator.<Problem>comparingInt(p -> fileRank.get(p.where().file()))
            .thenComparingInt(p -> p.where().line())
            .thenComparingInt(p -> p.where().column()));
    return sorted;
  }

  /** Throws every error found, if any. */
  void throwIfAny() throws ConfigException {
    if (!list.isEmpty()) {
      throw new ConfigException(inFileOrder());
    }
  }
}
