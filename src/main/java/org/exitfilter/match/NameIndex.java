package org.exitfilter.match;

import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;

/**
 * The host and domain entries, found by hashing: a lookup walks the name once from the right and
 * probes the table at each label boundary, so its cost depends on the name's length and not on the
 * number of entries.
 *
 * <p>Per entry it keeps a word of flags and template number, the entry's index in {@link
 * NameEntries.Keys} (which reads the name and line where the loaded list holds them, not a copy)
 * and a slot for the verdict (see {@link Templates}). Entries with the same name form a group
 * ordered by precedence: host exceptions, host bans, domain exceptions, domain bans, each in file
 * order, so the first entry of a group that applies to the port decides.
 *
 * <p>The table also holds pattern hints: for {@code *.cdn.example.org}, the suffix {@code
 * cdn.example.org} that every name the pattern matches ends with. The walk notices them for free,
 * so the pattern index is searched only for the rare name that ends with one.
 */
final class NameIndex {
  private static final int CONTINUES = 1;

  /** Every port, every day: no need to ask the templates. */
  private static final int ALWAYS = 2;

  private static final int HOST = 4;
  private static final int HINT = 8;
  private static final int GROUP_HINTED = 16;
  private static final int TEMPLATE_SHIFT = 5;
  private static final long HINTED = 1L << 62;

  private final GroupTable table;
  private final int[] slots;
  private final NameEntries.Keys keys;

  /** {@code entryAt[position]}: the entry's index in {@link #keys}. */
  private final int[] entryAt;

  private final int[] meta;
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
      NameEntries.Keys keys,
      int[] entryAt,
      int[] meta,
      Templates templates,
      boolean[] suffixLabels,
      boolean[] nameLabels,
      long[] filter) {
    this.table = table;
    this.slots = table.slots;
    this.keys = keys;
    this.entryAt = entryAt;
    this.meta = meta;
    this.templates = templates;
    this.suffixLabels = suffixLabels;
    this.nameLabels = nameLabels;
    this.filter = filter;
    this.filterShift = filterShift(filter.length);
  }

  /**
   * Indexes host and domain entries, and the hints that tell when a pattern might match.
   *
   * @param entries the entries in order of precedence within a name: host exceptions, host bans,
   *     domain exceptions, domain bans, each in file order; then the hints (template {@link
   *     NameEntries#HINT}): name suffixes that some pattern requires (see {@link
   *     PatternIndex#hintOf}), so that a lookup reports whether the name ends with one of them
   */
  static NameIndex build(NameEntries entries, Templates templates) {
    int n = entries.size();
    long[] hashes = new long[n];
    byte[] labelCounts = new byte[n];
    int notNormalized = entries.describeAll(hashes, labelCounts);
    if (notNormalized >= 0) {
      throw new IllegalArgumentException(
          "name not normalized to lowercase ASCII: '"
              + entries.value(notNormalized)
              + "' at line "
              + entries.line(notNormalized));
    }
    int maxLabels = 0;
    for (int i = 0; i < n; i++) {
      hashes[i] = GroupTable.spread(hashes[i]);
      maxLabels = Math.max(maxLabels, labelCounts[i]);
    }
    GroupTable.Layout layout = GroupTable.build(hashes, entries::sameValue);
    GroupTable table = layout.table();
    // The filter is made now and the hashes dropped before the key arrays are allocated: at a
    // million entries that is 8 MB less at the peak of a reload, when the old list still serves.
    long[] filter = new long[Math.max(2, Integer.highestOneBit(Math.max(1, n / 8)) * 2)];
    int filterShift = filterShift(filter.length);
    for (long hash : hashes) {
      filter[(int) (hash >>> filterShift)] |= filterBits(hash);
    }
    hashes = null;
    int[] entryAt = layout.order();
    int[] meta = new int[n];
    boolean[] suffixLabels = new boolean[maxLabels + 1];
    boolean[] nameLabels = new boolean[maxLabels + 1];
    int groupStart = 0;
    for (int position = 0; position < n; position++) {
      int i = entryAt[position];
      int labels = labelCounts[i];
      boolean continues = layout.continues()[position];
      int flags = continues ? CONTINUES : 0;
      int template = entries.template(i);
      if (template != NameEntries.HINT) {
        boolean host = templates.kind(template) == RuleKind.HOST;
        nameLabels[labels] = true;
        suffixLabels[labels] |= !host;
        flags |= template << TEMPLATE_SHIFT;
        flags |= templates.always(template) ? ALWAYS : 0;
        flags |= host ? HOST : 0;
      } else {
        // Hints come last in their group, after every entry, and decide nothing themselves.
        suffixLabels[labels] = true;
        flags |= HINT;
        meta[groupStart] |= GROUP_HINTED;
      }
      meta[position] |= flags;
      if (!continues) {
        groupStart = position + 1;
      }
    }
    return new NameIndex(
        table, entries.keys(), entryAt, meta, templates, suffixLabels, nameLabels, filter);
  }

  /** The same index, deciding with other templates (another day's). */
  NameIndex withTemplates(Templates other) {
    return new NameIndex(table, keys, entryAt, meta, other, suffixLabels, nameLabels, filter);
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

  /**
   * The verdict of an entry: made at compile time for an entry with a template of its own, built on
   * each call for an entry of a list (only a refusal or an exception asks, never a plain allow).
   */
  Verdict verdict(int entry) {
    int template = meta[entry] >>> TEMPLATE_SHIFT;
    Verdict verdict = templates.precomputed(template);
    return verdict != null
        ? verdict
        : templates.rebuild(template, keys.value(entryAt[entry]), keys.line(entryAt[entry]));
  }

  /** The first entry of the group starting at {@code entry} of the given kind for the port. */
  private int firstApplying(int entry, int port, boolean host) {
    for (int e = entry; ; e++) {
      int m = meta[e];
      if ((m & HINT) == 0
          && ((m & HOST) != 0) == host
          && ((m & ALWAYS) != 0 || templates.applies(m >>> TEMPLATE_SHIFT, port))) {
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
        if (keys.valueEquals(entryAt[entry], name, from, to)) {
          return entry;
        }
      }
    }
  }

  /**
   * Names are stored as one byte per character and matched against normalized lookups, so an entry
   * that is not lowercase ASCII would silently never match; refuse it loudly instead.
   */
  /** A pattern's value must be normalized like a name's (see {@link NameEntries#describeAll}). */
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
