package org.exitfilter.match;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.exitfilter.config.Rule;

/**
 * The pattern entries ({@code *.cdn.example.org}, {@code www.*.example}), grouped by shape: a shape
 * is a label count and the positions of the {@code *} labels. A pattern can only match a name with
 * as many labels, so a lookup looks at the shapes of the name's label count alone (none, usually)
 * and, for each, hashes the name's labels outside the {@code *} positions and probes one table,
 * fewest {@code *} first: the first shape count that matches decides.
 */
final class PatternIndex {
  private static final int CONTINUES = 1;

  /** Every port, every day: no need to ask the templates. */
  private static final int ALWAYS = 2;

  private static final int EXCEPTION = 4;
  private static final int TEMPLATE_SHIFT = 3;

  /** Shapes by label count, fewest {@code *} first; {@code null} where there are none. */
  private final Shape[][] shapesByLabels;

  /** {@code unhinted[n]}: some pattern of {@code n} labels ends with {@code *}, so has no hint. */
  private final boolean[] unhinted;

  private final GroupTable table;
  private final int[] slots;
  private final int mask;
  private final byte[] keys;
  private final int[] keyStart;
  private final int[] meta;
  private final int[] shapeOf;
  private final int[] order;
  private final Templates templates;

  /**
   * One shape.
   *
   * @param id distinguishes shapes in the shared table
   * @param labels the number of labels
   * @param stars the number of {@code *} labels
   * @param starsFromRight the positions of the {@code *} labels, counted from the last label (0)
   */
  private record Shape(int id, int labels, int stars, int[] starsFromRight) {}

  private PatternIndex(
      Shape[][] shapesByLabels,
      boolean[] unhinted,
      GroupTable table,
      byte[] keys,
      int[] keyStart,
      int[] meta,
      int[] shapeOf,
      int[] order,
      Templates templates) {
    this.shapesByLabels = shapesByLabels;
    this.unhinted = unhinted;
    this.table = table;
    this.slots = table.slots;
    this.mask = table.mask;
    this.keys = keys;
    this.keyStart = keyStart;
    this.meta = meta;
    this.shapeOf = shapeOf;
    this.order = order;
    this.templates = templates;
  }

  /**
   * Indexes pattern rules.
   *
   * @param rules the rules, exceptions first, each kind in file order
   * @param fileOrder each rule's position among the bans or among the exceptions
   * @param templateIds the template of each rule
   */
  static PatternIndex build(
      List<Rule> rules, int[] fileOrder, int[] templateIds, Templates templates) {
    int n = rules.size();
    Map<String, Shape> shapes = new HashMap<>();
    Shape[] shapeOfRule = new Shape[n];
    long[] hashes = new long[n];
    long totalChars = 0;
    int maxLabels = 0;
    for (int i = 0; i < n; i++) {
      Rule rule = rules.get(i);
      NameIndex.checkNormalized(rule);
      String[] labels = rule.value().split("\\.", -1);
      StringBuilder shapeKey = new StringBuilder().append(labels.length).append(':');
      StringBuilder fixed = new StringBuilder();
      List<Integer> stars = new ArrayList<>();
      for (int fromRight = 0; fromRight < labels.length; fromRight++) {
        String label = labels[labels.length - 1 - fromRight];
        if (label.equals("*")) {
          stars.add(fromRight);
          shapeKey.append(fromRight).append(',');
        } else {
          // Built reversed, then turned around: the labels outside the stars, joined by dots.
          if (fixed.length() > 0) {
            fixed.append('.');
          }
          fixed.append(new StringBuilder(label).reverse());
        }
      }
      Shape shape =
          shapes.computeIfAbsent(
              shapeKey.toString(),
              k ->
                  new Shape(
                      shapes.size(),
                      labels.length,
                      stars.size(),
                      stars.stream().mapToInt(Integer::intValue).toArray()));
      shapeOfRule[i] = shape;
      hashes[i] = mixed(NameHash.of(fixed.reverse()), shape);
      totalChars += rule.value().length();
      maxLabels = Math.max(maxLabels, labels.length);
    }
    GroupTable.Layout layout =
        GroupTable.build(hashes, (a, b) -> rules.get(a).value().equals(rules.get(b).value()));

    byte[] keys = new byte[Math.toIntExact(totalChars)];
    int[] keyStart = new int[n + 1];
    int[] meta = new int[n];
    int[] shapeOf = new int[n];
    int[] order = new int[n];
    int at = 0;
    for (int position = 0; position < n; position++) {
      int i = layout.order()[position];
      Rule rule = rules.get(i);
      String value = rule.value();
      keyStart[position] = at;
      for (int c = 0; c < value.length(); c++) {
        keys[at++] = (byte) value.charAt(c);
      }
      meta[position] =
          templateIds[i] << TEMPLATE_SHIFT
              | (layout.continues()[position] ? CONTINUES : 0)
              | (templates.always(templateIds[i]) ? ALWAYS : 0)
              | (rule.exception() ? EXCEPTION : 0);
      shapeOf[position] = shapeOfRule[i].id();
      order[position] = fileOrder[i];
    }
    keyStart[n] = at;

    Shape[][] shapesByLabels = new Shape[n == 0 ? 0 : maxLabels + 1][];
    boolean[] unhinted = new boolean[shapesByLabels.length];
    for (Shape shape : shapes.values()) {
      unhinted[shape.labels()] |= shape.starsFromRight()[0] == 0;
      int labels = shape.labels();
      Shape[] known = shapesByLabels[labels];
      Shape[] grown = known == null ? new Shape[1] : Arrays.copyOf(known, known.length + 1);
      grown[grown.length - 1] = shape;
      Arrays.sort(grown, Comparator.comparingInt(Shape::stars).thenComparingInt(Shape::id));
      shapesByLabels[labels] = grown;
    }
    return new PatternIndex(
        shapesByLabels, unhinted, layout.table(), keys, keyStart, meta, shapeOf, order, templates);
  }

  /** The same index, deciding with other templates (another day's). */
  PatternIndex withTemplates(Templates other) {
    return new PatternIndex(
        shapesByLabels, unhinted, table, keys, keyStart, meta, shapeOf, order, other);
  }

  /**
   * The suffix every name matching a pattern ends with: its labels right of the last {@code *}
   * ({@code cdn.example.org} for {@code *.cdn.example.org}), or {@code null} if it ends with a
   * {@code *}.
   */
  static String hintOf(String pattern) {
    int star = pattern.lastIndexOf('*');
    return star + 1 < pattern.length() ? pattern.substring(star + 2) : null;
  }

  /**
   * Whether {@link #find} must be asked about a name that ends with no hint: only if some pattern
   * of that many labels has none.
   */
  boolean mayMatchWithoutHint(int labels) {
    return labels < unhinted.length && unhinted[labels];
  }

  /**
   * The pattern entry that decides for a name of {@code labels} labels, or -1: among the patterns
   * with the fewest {@code *} that match and apply to the port, an exception before a ban, then the
   * first in file order.
   */
  int find(String name, int labels, int port) {
    if (labels >= shapesByLabels.length || shapesByLabels[labels] == null) {
      return -1;
    }
    int best = -1;
    int bestStars = 0;
    for (Shape shape : shapesByLabels[labels]) {
      if (best >= 0 && shape.stars() > bestStars) {
        break;
      }
      int entry = probe(shape, name);
      if (entry >= 0) {
        int found = firstApplying(entry, port);
        if (found >= 0 && (best < 0 || precedes(found, best))) {
          best = found;
          bestStars = shape.stars();
        }
      }
    }
    return best;
  }

  /**
   * The verdict of an entry, made at compile time: patterns are written in the blocklist file
   * itself (lists hold no patterns), each with a template of its own.
   */
  Verdict verdict(int entry) {
    return templates.precomputed(meta[entry] >>> TEMPLATE_SHIFT);
  }

  private boolean precedes(int a, int b) {
    boolean exceptionA = (meta[a] & EXCEPTION) != 0;
    boolean exceptionB = (meta[b] & EXCEPTION) != 0;
    return exceptionA != exceptionB ? exceptionA : order[a] < order[b];
  }

  private int firstApplying(int entry, int port) {
    for (int e = entry; ; e++) {
      int m = meta[e];
      if ((m & ALWAYS) != 0 || templates.applies(m >>> TEMPLATE_SHIFT, port)) {
        return e;
      }
      if ((m & CONTINUES) == 0) {
        return -1;
      }
    }
  }

  /** The first entry of the group of this shape whose fixed labels are the name's, or -1. */
  private int probe(Shape shape, String name) {
    long mixed = mixed(fixedLabelsHash(shape, name), shape);
    int tag = table.tag(mixed);
    for (int s = table.firstSlot(mixed); ; s = (s + 1) & mask) {
      int slot = slots[s];
      if (slot == 0) {
        return -1;
      }
      if (table.tagMatches(slot, tag)) {
        int entry = table.entry(slot);
        if (shapeOf[entry] == shape.id() && matches(entry, name)) {
          return entry;
        }
      }
    }
  }

  /**
   * The hash of the name's labels outside the shape's {@code *} positions, joined by dots, as
   * {@link NameHash#of} computes it for the same text; walked from the right like the text.
   */
  private static long fixedLabelsHash(Shape shape, String name) {
    int[] stars = shape.starsFromRight();
    int nextStar = 0;
    int label = 0;
    boolean star = stars.length > 0 && stars[0] == 0;
    boolean inLabel = false;
    boolean anyFixed = false;
    long hash = 0;
    for (int i = name.length() - 1; i >= 0; i--) {
      char c = name.charAt(i);
      if (c == '.') {
        label++;
        if (star) {
          nextStar++;
        }
        star = nextStar < stars.length && stars[nextStar] == label;
        inLabel = false;
      } else if (!star) {
        if (!inLabel) {
          if (anyFixed) {
            hash = NameHash.step(hash, '.');
          }
          inLabel = true;
          anyFixed = true;
        }
        hash = NameHash.step(hash, c);
      }
    }
    return hash;
  }

  private static long mixed(long hash, Shape shape) {
    return GroupTable.spread(NameHash.step(hash, (char) shape.id()));
  }

  /** Whether the stored pattern matches the name label by label ({@code *} is any one label). */
  private boolean matches(int entry, String name) {
    int p = keyStart[entry];
    int patternEnd = keyStart[entry + 1];
    int i = 0;
    int length = name.length();
    while (true) {
      int labelEnd = p;
      while (labelEnd < patternEnd && keys[labelEnd] != '.') {
        labelEnd++;
      }
      int nameEnd = name.indexOf('.', i);
      if (nameEnd < 0) {
        nameEnd = length;
      }
      boolean star = labelEnd - p == 1 && keys[p] == '*';
      if (!star && !regionEquals(p, labelEnd, name, i, nameEnd)) {
        return false;
      }
      boolean patternDone = labelEnd == patternEnd;
      boolean nameDone = nameEnd == length;
      if (patternDone || nameDone) {
        return patternDone && nameDone;
      }
      p = labelEnd + 1;
      i = nameEnd + 1;
    }
  }

  private boolean regionEquals(int from, int to, String name, int nameFrom, int nameTo) {
    if (to - from != nameTo - nameFrom) {
      return false;
    }
    for (int k = 0; k < to - from; k++) {
      if ((keys[from + k] & 0xFF) != name.charAt(nameFrom + k)) {
        return false;
      }
    }
    return true;
  }
}
