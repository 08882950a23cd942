package org.exitfilter.notice;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Chooses the language of a page: {@code ?lang=} when it names a served language, then the
 * visitor's {@code Accept-Language} by quality, then the first configured language.
 */
final class Languages {
  private final List<String> served;

  Languages(List<String> served) {
    this.served = List.copyOf(served);
  }

  List<String> served() {
    return served;
  }

  String fallback() {
    return served.get(0);
  }

  String choose(String langParameter, String acceptLanguage) {
    if (langParameter != null) {
      String asked = langParameter.trim().toLowerCase(Locale.ROOT);
      if (served.contains(asked)) {
        return asked;
      }
    }
    if (acceptLanguage != null) {
      for (String range : ranges(acceptLanguage)) {
        if (range.equals("*")) {
          return fallback();
        }
        String primary = range.split("-", 2)[0];
        if (served.contains(primary)) {
          return primary;
        }
      }
    }
    return fallback();
  }

  /** The language ranges of an Accept-Language field, best first; q=0 ranges left out. */
  static List<String> ranges(String field) {
    record Weighted(String range, double q, int order) {}
    List<Weighted> ranges = new ArrayList<>();
    String[] parts = field.split(",", 32);
    for (int i = 0; i < parts.length; i++) {
      String[] pieces = parts[i].split(";");
      String range = pieces[0].trim().toLowerCase(Locale.ROOT);
      if (range.isEmpty() || range.length() > 35) {
        continue;
      }
      double q = 1;
      for (int p = 1; p < pieces.length; p++) {
        String param = pieces[p].trim();
        if (param.startsWith("q=") || param.startsWith("Q=")) {
          try {
            q = Double.parseDouble(param.substring(2));
          } catch (NumberFormatException e) {
            q = 0;
          }
        }
      }
      if (q > 0) {
        ranges.add(new Weighted(range, q, i));
      }
    }
    ranges.sort(
        Comparator.comparingDouble(Weighted::q).reversed().thenComparingInt(Weighted::order));
    return ranges.stream().map(Weighted::range).toList();
  }
}
