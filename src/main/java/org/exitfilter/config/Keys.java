package org.exitfilter.config;

import java.util.List;
import java.util.Locale;

/** Messages for keys the operator got wrong, with the nearest allowed key when it looks a typo. */
final class Keys {
  private Keys() {}

  static String unknown(String key, List<String> allowed) {
    String closest = closest(key, allowed);
    return "unknown key '"
        + key
        + "'"
        + (closest == null ? "" : " (did you mean '" + closest + "'?)")
        + "; allowed keys: "
        + String.join(", ", allowed);
  }

  /** The allowed key within a couple of edits of {@code key}, or {@code null}. */
  static String closest(String key, List<String> allowed) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : allowed) {
      int d = distance(key, candidate);
      if (d < bestDistance) {
        best = candidate;
        bestDistance = d;
      }
    }
    int tolerated = Math.min(2, Math.max(1, key.length() / 3));
    return bestDistance <= tolerated ? best : null;
  }

  /** Levenshtein distance, ignoring case. */
  static int distance(String a, String b) {
    a = a.toLowerCase(Locale.ROOT);
    b = b.toLowerCase(Locale.ROOT);
    int[] previous = new int[b.length() + 1];
    int[] current = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      previous[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      current[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int substitution = previous[j - 1] + (a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1);
        current[j] = Math.min(substitution, Math.min(previous[j], current[j - 1]) + 1);
      }
      int[] swap = previous;
      previous = current;
      current = swap;
    }
    return previous[b.length()];
  }
}
