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
 */
final class NameIndex {
  private static final int CONTINUES = 1;
  private static final int ALL_PORTS = 2;
  private static final int HOST = 4;
  private static final int TEMPLATE_SHIFT = 3;

  private final long[] slots;
  private final int mask;
  private final byte[] keys;
  private final int[] keyStart;
  private final int[] meta;
  private final int[] lines;
  private final Verdict[] verdicts;
  private final Templates templates;

  /**
   * {@code domainLabels[n]}: some domain entry has {@code n} labels; other suffixes are skipped.
   */
  private final boolean[] domainLabels;

  private final boolean[] hostLabels;

  private NameIndex(
      GroupTable table,
      byte[] keys,
      int[] keyStart,
      int[] meta,
      int[] lines,
      Verdict[] verdicts,
      Templates templates,
      boolean[] domainLabels,
      boolean[] hostLabels) {
    this.slots = table.slots;
    this.mask = table.mask;
    this.keys = keys;
    this.keyStart = keyStart;
    this.meta = meta;
    this.lines = lines;
    this.verdicts = verdicts;
    this.templates = templates;
    this.domainLabels = domainLabels;
    this.hostLabels = hostLabels;
  }

  /**
   * Indexes host and domain rules.
   *
   * @param rules the rules in order of precedence within a name: host exceptions, host bans, domain
   *     exceptions, domain bans, each in file order
   * @param templateIds the template of each rule
   */
  static NameIndex build(List<Rule> rules, int[] templateIds, Templates templates) {
    int n = rules.size();
    long[] hashes = new long[n];
    long totalChars = 0;
    int maxLabels = 0;
    for (int i = 0; i < n; i++) {
      String value = rules.get(i).value();
      checkNormalized(rules.get(i));
      hashes[i] = NameHash.mix(NameHash.of(value));
      totalChars += value.length();
      maxLabels = Math.max(maxLabels, labelCount(value));
    }
    if (totalChars > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("blocklist names too long in total: " + totalChars);
    }
    GroupTable table =
        GroupTable.build(hashes, (a, b) -> rules.get(a).value().equals(rules.get(b).value()));
    byte[] keys = new byte[(int) totalChars];
    int[] keyStart = new int[n + 1];
    int[] meta = new int[n];
    int[] lines = new int[n];
    Verdict[] verdicts = new Verdict[n];
    boolean[] domainLabels = new boolean[maxLabels + 1];
    boolean[] hostLabels = new boolean[maxLabels + 1];
    int at = 0;
    for (int position = 0; position < n; position++) {
      Rule rule = rules.get(table.order[position]);
      int template = templateIds[table.order[position]];
      String value = rule.value();
      keyStart[position] = at;
      for (int c = 0; c < value.length(); c++) {
        keys[at++] = (byte) value.charAt(c);
      }
      boolean host = rule.kind() == RuleKind.HOST;
      (host ? hostLabels : domainLabels)[labelCount(value)] = true;
      meta[position] =
          template << TEMPLATE_SHIFT
              | (table.continues[position] ? CONTINUES : 0)
              | (rule.ports().isAll() ? ALL_PORTS : 0)
              | (host ? HOST : 0);
      lines[position] = rule.source().line();
      verdicts[position] = templates.precomputed(template);
    }
    keyStart[n] = at;
    return new NameIndex(
        table, keys, keyStart, meta, lines, verdicts, templates, domainLabels, hostLabels);
  }

  /**
   * The entry that decides among hosts and domains for a name, or -1. When it is a domain entry
   * ({@link #isHost} false), a matching pattern still takes precedence over it.
   */
  int find(String name, int port) {
    int length = name.length();
    long hash = 0;
    int labels = 1;
    int domain = -1;
    for (int i = length - 1; i >= 0; i--) {
      char c = name.charAt(i);
      if (c == '.') {
        // `hash` now covers exactly the suffix after this dot, which has `labels` labels.
        if (labels < domainLabels.length && domainLabels[labels]) {
          int entry = probe(hash, name, i + 1, length);
          if (entry >= 0) {
            int found = firstApplying(entry, port, false);
            if (found >= 0) {
              domain = found; // a longer suffix than any found before
            }
          }
        }
        labels++;
      }
      hash = NameHash.step(hash, c);
    }
    if (labels < domainLabels.length && (domainLabels[labels] || hostLabels[labels])) {
      int entry = probe(hash, name, 0, length);
      if (entry >= 0) {
        int host = firstApplying(entry, port, true);
        if (host >= 0) {
          return host;
        }
        int found = firstApplying(entry, port, false);
        if (found >= 0) {
          domain = found;
        }
      }
    }
    return domain;
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

  int size() {
    return meta.length;
  }

  private String key(int entry) {
    int start = keyStart[entry];
    return new String(keys, start, keyStart[entry + 1] - start, StandardCharsets.ISO_8859_1);
  }

  /** The first entry of the group starting at {@code entry} of the given kind for the port. */
  private int firstApplying(int entry, int port, boolean host) {
    for (int e = entry; ; e++) {
      int m = meta[e];
      if (((m & HOST) != 0) == host
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
    long mixed = NameHash.mix(hash);
    int tag = GroupTable.tag(mixed);
    for (int s = GroupTable.firstSlot(mixed, mask); ; s = (s + 1) & mask) {
      long slot = slots[s];
      if (slot == 0) {
        return -1;
      }
      if (GroupTable.tagMatches(slot, tag)) {
        int entry = GroupTable.entry(slot);
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
