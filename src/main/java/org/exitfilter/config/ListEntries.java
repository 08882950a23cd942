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
 * line it came from: about the value's length plus eight bytes an entry, where a {@code Rule} with
 * its {@code Source} and {@code String} cost about 150. {@link #rule} builds the full record of an
 * entry when one is asked for ({@code check}, the block page, {@code validate}).
 */
public final class ListEntries {
  private final Path file;
  private final RuleKind kind;
  private final EntryReader.Details details;
  private final byte[] values;
  private final int[] ends;
  private final int[] lines;

  private ListEntries(
      Path file,
      RuleKind kind,
      EntryReader.Details details,
      byte[] values,
      int[] ends,
      int[] lines) {
    this.file = file;
    this.kind = kind;
    this.details = details;
    this.values = values;
    this.ends = ends;
    this.lines = lines;
  }

  /** The list file. */
  public Path file() {
    return file;
  }

  /**
   * The same entries, their rules naming {@code file} as where they were written: a shared list
   * names its entries by list and commit rather than by the folder it was checked out to. Shares
   * the arrays.
   */
  public ListEntries withFile(Path file) {
    return new ListEntries(file, kind, details, values, ends, lines);
  }

  /** The kind of every entry of the list: domain, host or network. */
  public RuleKind kind() {
    return kind;
  }

  public int size() {
    return ends.length;
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

  /** The 1-based line entry {@code i} was read from. */
  public int line(int i) {
    return lines[i];
  }

  /** The full record of entry {@code i}, built on each call. */
  public Rule rule(int i) {
    return rule(value(i), lines[i]);
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

  /** Collects a list's entries in file order; not thread-safe. */
  static final class Builder {
    private final EntryReader.ListSpec spec;
    private byte[] values = new byte[1 << 12];
    private int[] ends = new int[1 << 8];
    private int[] lines = new int[1 << 8];
    private int size;
    private int used;

    Builder(EntryReader.ListSpec spec) {
      this.spec = spec;
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
        long wanted = Math.max((long) values.length * 2, (long) used + length);
        if (wanted > Integer.MAX_VALUE - 16) {
          throw new IllegalStateException("list file too large: " + spec.file());
        }
        values = Arrays.copyOf(values, (int) wanted);
      }
      if (size == ends.length) {
        ends = Arrays.copyOf(ends, size * 2);
        lines = Arrays.copyOf(lines, size * 2);
      }
    }

    private void finish(int line) {
      ends[size] = used;
      lines[size] = line;
      size++;
    }

    ListEntries build() {
      return new ListEntries(
          spec.file(),
          spec.kind(),
          spec.details(),
          Arrays.copyOf(values, used),
          Arrays.copyOf(ends, size),
          Arrays.copyOf(lines, size));
    }
  }
}
