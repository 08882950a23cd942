package org.exitfilter.config;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import org.exitfilter.net.IpNetwork;

/**
 * The entries read from one plain-text list file, kept as a few arrays rather than a {@link Rule}
 * each.
 *
 * <p>A list can hold a million entries, and they differ only in their value and line: kind, ports,
 * reason, requester, dates and reference are the list's own ({@link #template()}). So the values
 * are stored as their normalized ASCII bytes, one after the other, with where each ends and the
 * line it came from: about the value's length plus eight bytes an entry (four when every entry is
 * the next line, as in most lists), where a {@code Rule} with its {@code Source} and {@code String}
 * cost about 150. {@link #rule} builds the full record of an entry when one is asked for ({@code
 * check}, the block page, {@code validate}).
 */
public final class ListEntries {
  private final Path file;
  private final RuleKind kind;
  private final EntryReader.Details details;
  private final byte[] values;
  private final int[] ends;

  /** Entry {@code i}'s line, or {@code null} when it is {@code i + lineShift} for every entry. */
  private final int[] lines;

  private final int lineShift;

  /** The number of entries: the arrays may be a little longer (see {@link Builder#build}). */
  private final int size;

  private final ReadContent content;

  private ListEntries(
      Path file,
      RuleKind kind,
      EntryReader.Details details,
      byte[] values,
      int[] ends,
      int[] lines,
      int lineShift,
      int size,
      ReadContent content) {
    this.file = file;
    this.kind = kind;
    this.details = details;
    this.values = values;
    this.ends = ends;
    this.lines = lines;
    this.lineShift = lineShift;
    this.size = size;
    this.content = content;
  }

  /** The list file. */
  public Path file() {
    return file;
  }

  /** The bytes the entries were read from. */
  public ReadContent content() {
    return content;
  }

  /**
   * The same entries, their rules naming {@code file} as where they were written: a shared list
   * names its entries by list and commit rather than by the folder it was checked out to. Shares
   * the arrays.
   */
  public ListEntries withFile(Path file) {
    return new ListEntries(file, kind, details, values, ends, lines, lineShift, size, content);
  }

  /** The kind of every entry of the list: domain, host or network. */
  public RuleKind kind() {
    return kind;
  }

  public int size() {
    return size;
  }

  /** The normalized value of entry {@code i}: an ASCII name, or the canonical CIDR text. */
  public String value(int i) {
    int start = start(i);
    return new String(values, start, ends[i] - start, StandardCharsets.ISO_8859_1);
  }

  /** The length in bytes (and characters: values are ASCII) of entry {@code i}'s value. */
  public int valueLength(int i) {
    return ends[i] - start(i);
  }

  /** Copies entry {@code i}'s value bytes into {@code into} from {@code at}. */
  public void copyValue(int i, byte[] into, int at) {
    int start = start(i);
    System.arraycopy(values, start, into, at, ends[i] - start);
  }

  /** Whether entry {@code i}'s value is {@code text[from, to)}; allocates nothing. */
  public boolean valueEquals(int i, CharSequence text, int from, int to) {
    int start = start(i);
    if (ends[i] - start != to - from) {
      return false;
    }
    for (int k = from; k < to; k++) {
      if ((values[start++] & 0xFF) != text.charAt(k)) {
        return false;
      }
    }
    return true;
  }

  /** The 1-based line entry {@code i} was read from. */
  public int line(int i) {
    return lines == null ? i + lineShift : lines[i];
  }

  /** The full record of entry {@code i}, built on each call. */
  public Rule rule(int i) {
    return rule(value(i), line(i));
  }

  /**
   * A rule equal to every entry of the list but for value and line (those of the first entry), or
   * {@code null} for an empty list: what the entries share, for indexes that keep it once.
   */
  public Rule template() {
    return size() == 0 ? null : rule(0);
  }

  private Rule rule(String value, int line) {
    return new Rule(
        kind,
        value,
        kind == RuleKind.NETWORK ? IpNetwork.parse(value) : null,
        details.ports(),
        false,
        details.reason(),
        details.requestedBy(),
        details.requestedOn(),
        details.expires(),
        details.reference(),
        new Source(file, line, 0));
  }

  private int start(int i) {
    return i == 0 ? 0 : ends[i - 1];
  }

  /**
   * Collects a list's entries in file order; not thread-safe.
   *
   * <p>Sized from the file's length, so that a million entries are read without copying their
   * arrays as they grow and without a last copy to trim them: each copy is garbage the size of the
   * list, made while the old list still serves during a reload, and the heap grew to hold it.
   */
  static final class Builder {
    /** Arrays with at most this share unused are kept as they are rather than copied to size. */
    private static final int KEEP_UNUSED_EIGHTHS = 1;

    private final EntryReader.ListSpec spec;
    private byte[] values;
    private int[] ends;

    /**
     * {@code null} while every entry's line is its index plus {@link #lineShift}: a list of one
     * name per line, with any comments above the names, needs no array of lines, which at a million
     * entries is 4 MB less to allocate during a reload and to keep.
     */
    private int[] lines;

    private int lineShift;
    private int size;
    private int used;

    /**
     * @param fileBytes the list file's length, or 0 when unknown: the values of a list of plain
     *     names take at most that many bytes, unless names in Unicode grow as they are encoded
     * @param lineBreaks the line breaks in the file: there is at most one entry more
     */
    Builder(EntryReader.ListSpec spec, long fileBytes, long lineBreaks) {
      this.spec = spec;
      this.values = new byte[capacity(fileBytes, 1 << 12)];
      int entries = capacity(lineBreaks + 1, 1 << 8);
      this.ends = new int[entries];
    }

    private static int capacity(long wanted, int least) {
      return (int) Math.min(Math.max(wanted, least), Integer.MAX_VALUE - 16);
    }

    /** Adds a normalized value, which must be ASCII. */
    void add(String value, int line) {
      int length = value.length();
      ensure(length);
      for (int c = 0; c < length; c++) {
        values[used++] = (byte) value.charAt(c);
      }
      finish(line);
    }

    /** Adds a normalized value given as ASCII bytes {@code from[start, end)}. */
    void add(byte[] from, int start, int end, int line) {
      ensure(end - start);
      System.arraycopy(from, start, values, used, end - start);
      used += end - start;
      finish(line);
    }

    private void ensure(int length) {
      if (used + length > values.length) {
        long wanted = Math.max((long) values.length * 3 / 2, (long) used + length);
        if (wanted > Integer.MAX_VALUE - 16) {
          throw new IllegalStateException("list file too large: " + spec.file());
        }
        values = Arrays.copyOf(values, (int) wanted);
      }
      if (size == ends.length) {
        int wanted = ends.length + (ends.length >> 1);
        ends = Arrays.copyOf(ends, wanted);
        if (lines != null) {
          lines = Arrays.copyOf(lines, wanted);
        }
      }
    }

    private void finish(int line) {
      ends[size] = used;
      if (size == 0) {
        lineShift = line;
      } else if (lines == null && line != size + lineShift) {
        lines = new int[ends.length];
        for (int i = 0; i < size; i++) {
          lines[i] = i + lineShift;
        }
      }
      if (lines != null) {
        lines[size] = line;
      }
      size++;
    }

    ListEntries build(ReadContent content) {
      return new ListEntries(
          spec.file(),
          spec.kind(),
          spec.details(),
          fitted(values, used),
          fitted(ends, size),
          lines == null ? null : fitted(lines, size),
          lineShift,
          size,
          content);
    }

    private static byte[] fitted(byte[] array, int used) {
      return mostlyUsed(array.length, used) ? array : Arrays.copyOf(array, used);
    }

    private static int[] fitted(int[] array, int used) {
      return mostlyUsed(array.length, used) ? array : Arrays.copyOf(array, used);
    }

    private static boolean mostlyUsed(int length, int used) {
      return length - used <= (long) length * KEEP_UNUSED_EIGHTHS / 8;
    }
  }
}
