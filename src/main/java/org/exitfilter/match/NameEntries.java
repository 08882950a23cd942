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
 * names. Used once per compile; not thread-safe. What the index keeps of it is {@link #keys()}.
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

  /** The run {@link #runOf(int)} found last. */
  private int lastRun;

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

  /**
   * Describes every entry in one pass, run by run, each value copied once: {@code hashes[i]} is
   * {@link NameHash#of} its value, {@code labels[i]} its label count (at most 127 in a name of 253
   * characters). Returns the first entry whose value is not lowercase ASCII without spaces or
   * controls, or -1: names are stored one byte per character and matched against normalized
   * lookups, so such an entry would never match. At a million entries this replaced three copies
   * and three run searches per entry.
   */
  int describeAll(long[] hashes, byte[] labels) {
    int firstBad = -1;
    for (int r = 0; r < runs.size(); r++) {
      Run run = runs.get(r);
      for (int i = firstOf[r], k = 0; i < firstOf[r + 1]; i++, k++) {
        int length = run.copy(k, scratch, 0);
        long hash = 0;
        int dots = 0;
        boolean normalized = length > 0;
        for (int c = length - 1; c >= 0; c--) {
          int b = scratch[c] & 0xFF;
          hash = NameHash.step(hash, (char) b);
          dots += b == '.' ? 1 : 0;
          normalized &= b <= 0x7E && b > 0x20 && (b < 'A' || b > 'Z');
        }
        hashes[i] = hash;
        labels[i] = (byte) (dots + 1);
        if (!normalized && firstBad < 0) {
          firstBad = i;
        }
      }
    }
    return firstBad;
  }

  boolean sameValue(int a, int b) {
    int lengthA = copyValue(a, scratch, 0);
    int lengthB = copyValue(b, otherScratch, 0);
    return Arrays.equals(scratch, 0, lengthA, otherScratch, 0, lengthB);
  }

  /**
   * The entries' values and lines, read where they are held, for the index to keep instead of a
   * copy: at a million names the copy was 32 MB more at the peak of a reload, beside the old list
   * and the list being read. No entry may be added once this is taken.
   */
  Keys keys() {
    return new Keys(runs.toArray(Run[]::new), Arrays.copyOf(firstOf, runs.size() + 1));
  }

  /** The entries by index, immutable and safe to read from any thread. */
  static final class Keys {
    private final Run[] runs;
    private final int[] firstOf;

    private Keys(Run[] runs, int[] firstOf) {
      this.runs = runs;
      this.firstOf = firstOf;
    }

    /** Whether entry {@code i}'s value is {@code name[from, to)}; allocates nothing. */
    boolean valueEquals(int i, String name, int from, int to) {
      int r = runOf(firstOf, runs.length, i);
      return runs[r].valueEquals(i - firstOf[r], name, from, to);
    }

    String value(int i) {
      int r = runOf(firstOf, runs.length, i);
      return runs[r].value(i - firstOf[r]);
    }

    int line(int i) {
      int r = runOf(firstOf, runs.length, i);
      return runs[r].line(i - firstOf[r]);
    }
  }

  private int runOf(int i) {
    // A million entries are usually one list file's run: ask the run found last time first.
    int r = lastRun;
    if (r < runs.size() && i >= firstOf[r] && i < firstOf[r + 1]) {
      return r;
    }
    lastRun = runOf(firstOf, runs.size(), i);
    return lastRun;
  }

  private static int runOf(int[] firstOf, int runCount, int i) {
    // Runs are few (the written entries of each kind, then one per list file).
    int r = Arrays.binarySearch(firstOf, 0, runCount, i);
    if (r >= 0) {
      while (r + 1 < runCount && firstOf[r + 1] == i) {
        r++; // skip empty runs
      }
      return r;
    }
    return -r - 2;
  }

  private interface Run {
    int line(int i);

    int template(int i);

    int copy(int i, byte[] into, int at);

    boolean valueEquals(int i, String name, int from, int to);

    String value(int i);
  }

  private record ListRun(ListEntries list, int template) implements Run {
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

    @Override
    public boolean valueEquals(int i, String name, int from, int to) {
      return list.valueEquals(i, name, from, to);
    }

    @Override
    public String value(int i) {
      return list.value(i);
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

    @Override
    public boolean valueEquals(int i, String name, int from, int to) {
      byte[] value = values.get(i);
      if (value.length != to - from) {
        return false;
      }
      for (int k = 0; k < value.length; k++) {
        if ((value[k] & 0xFF) != name.charAt(from + k)) {
          return false;
        }
      }
      return true;
    }

    @Override
    public String value(int i) {
      return new String(values.get(i), StandardCharsets.ISO_8859_1);
    }
  }
}
