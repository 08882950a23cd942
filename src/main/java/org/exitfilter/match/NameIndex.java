package org.exitfilter.match;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;

/**
 * The host and domain entries, found by hashing: a lookup walks the name once from the right and
 * probes the table at each label boundary, so its cost depends on the name's length and not on the
 * number of entries.
 *
 * <p>Per entry it keeps the name's ASCII bytes in one shared array, a word of flags and template
 * number, a line number and a slot for the verdict (see {@link Templates}). Entries with the same
 * name form a group ordered by precedence: host exceptions, host bans, domain exceptions, domain
 * bans, each in file order, so the first entry of a group that applies to the port decides.
 *
 * <p>The table also holds pattern hints: for {@code *.cdn.example.org}, the suffix {@code
 * cdn.example.org} that every name the pattern matches ends with. The walk notices them for free,
 * so the pattern index is searched only for the rare name that ends with one.
 */
final class NameIndex {
  private static final int CONTINUES = 1;
  private static final int ALL_PORTS = 2;
  private static final int HOST = 4;
  private static final int HINT = 8;
  private static final int GROUP_HINTED = 16;
  private static final int TEMPLATE_SHIFT = 5;
  private static final long HINTED = 1L << 62;

  private final GroupTable table;
  private final int[] slots;
  private final byte[] keys;
  private final int[] keyStart;
  private final int[] meta;
  private final int[] lines;
  private final Verdict[] verdicts;
  private final Templates templates;

  /**
   * {@code suffixLabels[n]}: some domain entry or pattern hint has {@code n} labels; suffixes of
   * other lengths are not probed.
   */
  private final boolean[] suffixLabels;

  /** {@code nameLabels[n]}: some domain or host entry has {@code n} labels. */
  private final boolean[] nameLabels;

  /**
   * A Bloom filter over every key, one {@code long} word per key's hash and two bits in it, about 8
   * bits per key. Most probes are for suffixes no entry has ({@code example.com} of {@code
   * www.example.com}); the filter, an eighth of the size of the slots, answers those from a cache
   * line that is far more often at hand than a slot in a table of millions, and lets about 1 in 20
   * through to the table.
   */
  private final long[] filter;

  private final int filterShift;

  private NameIndex(
      GroupTable table,
      byte[] keys,
      int[] keyStart,
      int[] meta,
      int[] lines,
      Verdict[] verdicts,
      Templates templates,
      boolean[] suffixLabels,
      boolean[] nameLabels,
      long[] filter) {
    this.table = table;
    this.slots = table.slots;
    this.keys = keys;
    this.keyStart = keyStart;
    this.meta = meta;
    this.lines = lines;
    this.verdicts = verdicts;
    this.templates = templates;
    this.suffixLabels = suffixLabels;
    this.nameLabels = nameLabels;
    this.filter = filter;
    this.filterShift = filterShift(filter.length);
  }

  /**
   * Indexes host and domain rules, and the hints that tell when a pattern might match.
   *
   * @param rules the rules in order of precedence within a name: host exceptions, host bans, domain
   *     exceptions, domain bans, each in file order
   * @param templateIds the template of each rule
   * @param hints name suffixes that some pattern requires (see {@link PatternIndex#hintOf}); a
   *     lookup reports whether the name ends with one of them
   */
  static NameIndex build(
      List<Rule> rules, int[] templateIds, List<String> hints, Templates templates) {
    int ruleCount = rules.size();
    int n = ruleCount + hints.size();
    String[] values = new String[n];
    long[] hashes = new long[n];
    long totalChars = 0;
    int maxLabels = 0;
    for (int i = 0; i < n; i++) {
      if (i < ruleCount) {
        checkNormalized(rules.get(i));
        values[i] = rules.get(i).value();
      } else {
        values[i] = hints.get(i - ruleCount);
      }
      hashes[i] = GroupTable.spread(NameHash.of(values[i]));
      totalChars += values[i].length();
      maxLabels = Math.max(maxLabels, labelCount(values[i]));
    }
    if (totalChars > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("blocklist names too long in total: " + totalChars);
    }
    GroupTable table = GroupTable.build(hashes, (a, b) -> values[a].equals(values[b]));
    byte[] keys = new byte[(int) totalChars];
    int[] keyStart = new int[n + 1];
    int[] meta = new int[n];
    int[] lines = new int[n];
    Verdict[] verdicts = new Verdict[n];
    boolean[] suffixLabels = new boolean[maxLabels + 1];
    boolean[] nameLabels = new boolean[maxLabels + 1];
    int at = 0;
    int groupStart = 0;
    for (int position = 0; position < n; position++) {
      int i = table.order[position];
      String value = values[i];
      keyStart[position] = at;
      for (int c = 0; c < value.length(); c++) {
        keys[at++] = (byte) value.charAt(c);
      }
      int labels = labelCount(value);
      int flags = table.continues[position] ? CONTINUES : 0;
      if (i < ruleCount) {
        Rule rule = rules.get(i);
        int template = templateIds[i];
        boolean host = rule.kind() == RuleKind.HOST;
        nameLabels[labels] = true;
        suffixLabels[labels] |= !host;
        flags |= template << TEMPLATE_SHIFT;
        flags |= rule.ports().isAll() ? ALL_PORTS : 0;
        flags |= host ? HOST : 0;
        lines[position] = rule.source().line();
        verdicts[position] = templates.precomputed(template);
      } else {
        // Hints come last in their group, after every rule, and decide nothing themselves.
        suffixLabels[labels] = true;
        flags |= HINT;
        meta[groupStart] |= GROUP_HINTED;
      }
      meta[position] |= flags;
      if (!table.continues[position]) {
        groupStart = position + 1;
      }
    }
    keyStart[n] = at;
    long[] filter = new long[Math.max(2, Integer.highestOneBit(Math.max(1, n / 8)) * 2)];
    int filterShift = filterShift(filter.length);
    for (long hash : hashes) {
      filter[(int) (hash >>> filterShift)] |= filterBits(hash);
    }
    return new NameIndex(
        table, keys, keyStart, meta, lines, verdicts, templates, suffixLabels, nameLabels, filter);
  }

  private static int filterShift(int words) {
    return 64 - Integer.numberOfTrailingZeros(words);
  }

  /** Two bits from the middle of a spread hash, where every bit of the key has been mixed in. */
  private static long filterBits(long spreadHash) {
    return 1L << (spreadHash >>> 20) | 1L << (spreadHash >>> 26);
  }

  /**
   * The entry that decides among hosts and domains for a name, or -1, with the name's label count
   * and whether it ends with a pattern hint, packed in a {@code long} so that nothing is allocated:
   * read them with {@link #entryOf}, {@link #labelsOf} and {@link #hinted}. When the entry is a
   * domain entry ({@link #isHost} false), a matching pattern still takes precedence.
   */
  long find(String name, int port) {
    int length = name.length();
    long hash = 0;
    int labels = 1;
    int domain = -1;
    long hinted = 0;
    int i = length - 1;
    while (i >= 0) {
      char c = name.charAt(i);
      if (c == '.') {
        // `hash` now covers exactly the suffix after this dot, which has `labels` labels.
        if (labels < suffixLabels.length && suffixLabels[labels]) {
          int entry = probe(hash, name, i + 1, length);
          if (entry >= 0) {
            int found = firstApplying(entry, port, false);
            if (found >= 0) {
              domain = found; // a longer suffix than any found before
            }
            hinted |= (meta[entry] & GROUP_HINTED) != 0 ? HINTED : 0;
          }
        }
        labels++;
        hash = NameHash.step(hash, c);
        i--;
      } else if (i > 0 && name.charAt(i - 1) != '.') {
        hash = NameHash.step2(hash, c, name.charAt(i - 1));
        i -= 2;
      } else {
        hash = NameHash.step(hash, c);
        i--;
      }
    }
    if (labels < nameLabels.length && nameLabels[labels]) {
      int entry = probe(hash, name, 0, length);
      if (entry >= 0) {
        int host = firstApplying(entry, port, true);
        if (host >= 0) {
          return found(labels, host) | hinted;
        }
        int found = firstApplying(entry, port, false);
        if (found >= 0) {
          domain = found;
        }
      }
    }
    return found(labels, domain) | hinted;
  }

  private static long found(int labels, int entry) {
    return (long) labels << 32 | (entry & 0xFFFF_FFFFL);
  }

  static int entryOf(long found) {
    return (int) found;
  }

  static int labelsOf(long found) {
    return (int) (found >>> 32) & 0xFFFF;
  }

  /** Whether the name ends with a pattern hint, so that a pattern might match it. */
  static boolean hinted(long found) {
    return (found & HINTED) != 0;
  }

  boolean isHost(int entry) {
    return (meta[entry] & HOST) != 0;
  }

  /** The verdict of an entry; built on first use for entries of shared templates. */
  Verdict verdict(int entry) {
    Verdict verdict = verdicts[entry];
    if (verdict == null) {
      // Racing threads may each build one; they are equal and fully immutable (final fields).
      verdict = templates.rebuild(meta[entry] >>> TEMPLATE_SHIFT, key(entry), lines[entry]);
      verdicts[entry] = verdict;
    }
    return verdict;
  }

  private String key(int entry) {
    int start = keyStart[entry];
    return new String(keys, start, keyStart[entry + 1] - start, StandardCharsets.ISO_8859_1);
  }

  /** The first entry of the group starting at {@code entry} of the given kind for the port. */
  private int firstApplying(int entry, int port, boolean host) {
    for (int e = entry; ; e++) {
      int m = meta[e];
      if ((m & HINT) == 0
          && ((m & HOST) != 0) == host
          && ((m & ALL_PORTS) != 0 || templates.ports(m >>> TEMPLATE_SHIFT).contains(port))) {
        return e;
      }
      if ((m & CONTINUES) == 0) {
        return -1;
      }
    }
  }

  /** The first entry of the group whose name is {@code name[from, to)}, or -1. */
  private int probe(long hash, String name, int from, int to) {
    long mixed = GroupTable.spread(hash);
    long bits = filterBits(mixed);
    if ((filter[(int) (mixed >>> filterShift)] & bits) != bits) {
      return -1;
    }
    int tag = table.tag(mixed);
    for (int s = table.firstSlot(mixed); ; s = (s + 1) & table.mask) {
      int slot = slots[s];
      if (slot == 0) {
        return -1;
      }
      if (table.tagMatches(slot, tag)) {
        int entry = table.entry(slot);
        if (keyEquals(entry, name, from, to)) {
          return entry;
        }
      }
    }
  }

  private boolean keyEquals(int entry, String name, int from, int to) {
    int start = keyStart[entry];
    if (keyStart[entry + 1] - start != to - from) {
      return false;
    }
    for (int i = from; i < to; i++) {
      if ((keys[start++] & 0xFF) != name.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static int labelCount(String name) {
    int labels = 1;
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) == '.') {
        labels++;
      }
    }
    return labels;
  }

  /**
   * Names are stored as one byte per character and matched against normalized lookups, so an entry
   * that is not lowercase ASCII would silently never match; refuse it loudly instead.
   */
  static void checkNormalized(Rule rule) {
    String value = rule.value();
    if (value.isEmpty()) {
      throw new IllegalArgumentException("empty name in " + rule.describe());
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c > 0x7E || c <= 0x20 || (c >= 'A' && c <= 'Z')) {
        throw new IllegalArgumentException(
            "name not normalized to lowercase ASCII in " + rule.describe());
      }
    }
  }
}
