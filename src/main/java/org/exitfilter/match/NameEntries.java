package org.exitfilter.match;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.exitfilter.config.ListEntries;

/**
 * The host and domain entries and pattern hints to index, in order of precedence: what {@link
 * NameIndex#build} reads. A list file's entries are read where the blocklist holds them, not
 * copied, so that compiling a million entries makes no object per entry and no second copy of the
 * names. Used once per compile; not thread-safe.
 */
final class NameEntries {
  /** The template of a pattern hint, which is no entry and decides nothing. */
  static final int HINT = -1;

  /** The longest name (253 characters) fits, and so does every key compared. */
  private static final int MAX_NAME = 256;

  /** Runs of entries in order: a list file's, or a run of single entries. */
  private final List<Run> runs = new ArrayList<>();

  /** {@code firstOf[r]}: the index of run {@code r}'s first entry; one more at the end. */
  private int[] firstOf = {0};

  private final byte[] scratch = new byte[MAX_NAME];
  private final byte[] otherScratch = new byte[MAX_NAME];

  private Singles singles;

  /** Adds one entry; its value must be normalized (see {@link NameIndex#checkNormalized}). */
  void add(String value, int line, int template) {
    if (singles == null) {
      singles = new Singles();
      addRun(singles);
    }
    singles.add(value, line, template);
    firstOf[runs.size()]++;
  }

  /** Adds every entry of a list, all of one template. */
  void addAll(ListEntries list, int template) {
    singles = null;
    addRun(new ListRun(list, template));
    firstOf[runs.size()] += list.size();
  }

  private void addRun(Run run) {
    runs.add(run);
    firstOf = Arrays.copyOf(firstOf, runs.size() + 1);
    firstOf[runs.size()] = firstOf[runs.size() - 1];
  }

  int size() {
    return firstOf[runs.size()];
  }

  /** The total length of all values. */
  long totalBytes() {
    long total = 0;
    for (int i = 0; i < size(); i++) {
      total += length(i);
    }
    return total;
  }

  int length(int i) {
    int r = runOf(i);
    return runs.get(r).length(i - firstOf[r]);
  }

  int line(int i) {
    int r = runOf(i);
    return runs.get(r).line(i - firstOf[r]);
  }

  int template(int i) {
    int r = runOf(i);
    return runs.get(r).template(i - firstOf[r]);
  }

  /** Copies the value's bytes into {@code into} from {@code at}; returns its length. */
  int copyValue(int i, byte[] into, int at) {
    int r = runOf(i);
    return runs.get(r).copy(i - firstOf[r], into, at);
  }

  String value(int i) {
    int length = copyValue(i, scratch, 0);
    return new String(scratch, 0, length, StandardCharsets.ISO_8859_1);
  }

  /** {@link NameHash#of} of the value. */
  long hash(int i) {
    int length = copyValue(i, scratch, 0);
    long hash = 0;
    for (int k = length - 1; k >= 0; k--) {
      hash = NameHash.step(hash, (char) (scratch[k] & 0xFF));
    }
    return hash;
  }

  int labels(int i) {
    int length = copyValue(i, scratch, 0);
    int labels = 1;
    for (int k = 0; k < length; k++) {
      if (scratch[k] == '.') {
        labels++;
      }
    }
    return labels;
  }

  /**
   * Whether the value is lowercase ASCII without spaces or controls: names are stored as one byte
   * per character and matched against normalized lookups, so another entry would never match.
   */
  boolean normalized(int i) {
    int length = copyValue(i, scratch, 0);
    if (length == 0) {
      return false;
    }
    for (int k = 0; k < length; k++) {
      int c = scratch[k] & 0xFF;
      if (c > 0x7E || c <= 0x20 || (c >= 'A' && c <= 'Z')) {
        return false;
      }
    }
    return true;
  }

  boolean sameValue(int a, int b) {
    int lengthA = copyValue(a, scratch, 0);
    int lengthB = copyValue(b, otherScratch, 0);
    return Arrays.equals(scratch, 0, lengthA, otherScratch, 0, lengthB);
  }

  private int runOf(int i) {
    // Runs are few (the written entries of each kind, then one per list file).
    int r = Arrays.binarySearch(firstOf, 0, runs.size(), i);
    if (r >= 0) {
      while (r + 1 < runs.size() && firstOf[r + 1] == i) {
        r++; // skip empty runs
      }
      return r;
    }
    return -r - 2;
  }

  private interface Run {
    int length(int i);

    int line(int i);

    int template(int i);

    int copy(int i, byte[] into, int at);
  }

  private record ListRun(ListEntries list, int template) implements Run {
    @Override
    public int length(int i) {
      return list.valueLength(i);
    }

    @Override
    public int line(int i) {
      return list.line(i);
    }

    @Override
    public int template(int i) {
      return template;
    }

    @Override
    public int copy(int i, byte[] into, int at) {
      list.copyValue(i, into, at);
      return list.valueLength(i);
    }
  }

  /** Entries added one at a time: those written in the blocklist file, and pattern hints. */
  private static final class Singles implements Run {
    private final List<byte[]> values = new ArrayList<>();
    private int[] lines = new int[8];
    private int[] templates = new int[8];

    void add(String value, int line, int template) {
      int n = values.size();
      if (n == lines.length) {
        lines = Arrays.copyOf(lines, 2 * n);
        templates = Arrays.copyOf(templates, 2 * n);
      }
      values.add(value.getBytes(StandardCharsets.ISO_8859_1));
      lines[n] = line;
      templates[n] = template;
    }

    @Override
    public int length(int i) {
      return values.get(i).length;
    }

    @Override
    public int line(int i) {
      return lines[i];
    }

    @Override
    public int template(int i) {
      return templates[i];
    }

    @Override
    public int copy(int i, byte[] into, int at) {
      byte[] value = values.get(i);
      System.arraycopy(value, 0, into, at, value.length);
      return value.length;
    }
  }
}
