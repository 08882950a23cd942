package org.exitfilter.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Set;
import org.exitfilter.net.IpNetwork;

/**
 * Reads a plain-text list named under {@code lists:}: one name (or network) per line, {@code #}
 * comments and blank lines ignored, and hosts-file lines ({@code 0.0.0.0 name ...}) accepted so
 * that shared hosts-format blocklists can be used as they are.
 *
 * <p>Lists can have a million lines, so lines are read one at a time and split by hand.
 */
final class ListFileReader {
  /** Beyond this many problems in one file, the rest are counted rather than listed. */
  static final int MAX_PROBLEMS_PER_FILE = 100;

  /**
   * Names hosts files carry for the machine's own use; they are not bans, and a shared hosts-format
   * list starts with them.
   */
  private static final Set<String> HOSTS_FILE_OWN_NAMES =
      Set.of(
          "localhost",
          "localhost.localdomain",
          "local",
          "broadcasthost",
          "ip6-localhost",
          "ip6-loopback",
          "ip6-localnet",
          "ip6-mcastprefix",
          "ip6-allnodes",
          "ip6-allrouters",
          "ip6-allhosts",
          "0.0.0.0");

  private final EntryReader.ListSpec spec;
  private final Problems problems;
  private static final int MAX_NAME_LENGTH = 253;
  private static final int MAX_LABEL_LENGTH = 63;

  private final ListEntries.Builder out;

  /** The bytes read, as they were read: what the list was loaded from. */
  private final ReadContent.Accumulator content = new ReadContent.Accumulator();

  /** Tests compare the fast path with the one every line can take. */
  private final boolean slowPathOnly;

  private final CappedProblems lineProblems;

  private ListFileReader(EntryReader.ListSpec spec, Problems problems, boolean slowPathOnly) {
    this.spec = spec;
    this.problems = problems;
    this.lineProblems = new CappedProblems(problems, "problems", MAX_PROBLEMS_PER_FILE);
    long[] shape = shapeOf(spec.file());
    this.out = new ListEntries.Builder(spec, shape[0], shape[1]);
    this.slowPathOnly = slowPathOnly;
  }

  /**
   * The file's length and its line breaks ({@code \n} or {@code \r}), or zeros when it cannot be
   * read (reading it again then says why): what sizes the entries' arrays once. One pass over bytes
   * the page cache holds, about 5 ms for a million lines.
   */
  private static long[] shapeOf(Path file) {
    long length = 0;
    long breaks = 0;
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read; (read = in.read(buffer)) > 0; ) {
        length += read;
        for (int i = 0; i < read; i++) {
          byte b = buffer[i];
          if (b == '\n' || b == '\r') {
            breaks++;
          }
        }
      }
    } catch (IOException | RuntimeException e) {
      return new long[] {0, 0};
    }
    return new long[] {length, breaks};
  }

  /** Reads the list, keeping each valid line's entries and reporting bad lines. */
  static ListEntries read(EntryReader.ListSpec spec, Problems problems) {
    return read(spec, problems, false);
  }

  static ListEntries read(EntryReader.ListSpec spec, Problems problems, boolean slowPathOnly) {
    ListFileReader reader = new ListFileReader(spec, problems, slowPathOnly);
    reader.read();
    return reader.out.build(reader.content.result());
  }

  private void read() {
    try (InputStream in = Files.newInputStream(spec.file())) {
      readLines(in);
    } catch (NoSuchFileException e) {
      problems.add(
          spec.fileWhere(),
          "list file " + spec.file() + " not found (file: is relative to the blocklist's folder)");
    } catch (IOException e) {
      problems.add(spec.fileWhere(), "cannot read list file " + spec.file() + ": " + e);
    }
    lineProblems.finish();
  }

  /**
   * Splits the bytes into lines as {@link java.io.BufferedReader#readLine} does ({@code \n}, {@code
   * \r\n} or a lone {@code \r} ends a line), a buffer at a time, so that a list costs no more
   * memory than its entries while it is read.
   */
  private void readLines(InputStream in) throws IOException {
    byte[] buffer = new byte[1 << 16];
    int filled = 0;
    int lineNumber = 0;
    while (true) {
      int read = in.read(buffer, filled, buffer.length - filled);
      int scanFrom = filled;
      if (read > 0) {
        content.update(buffer, filled, read);
        filled += read;
      }
      int start = 0;
      for (int i = scanFrom; i < filled; i++) {
        if (buffer[i] == '\n') {
          lineNumber = readLine(buffer, start, i, lineNumber);
          start = i + 1;
        }
      }
      if (read < 0) {
        if (start < filled) {
          readLine(buffer, start, filled, lineNumber);
        }
        return;
      }
      System.arraycopy(buffer, start, buffer, 0, filled - start);
      filled -= start;
      if (filled == buffer.length) {
        buffer = Arrays.copyOf(buffer, buffer.length * 2);
      }
    }
  }

  /**
   * Reads the line(s) in {@code bytes[from, to)}, which hold no {@code \n}, numbered from {@code
   * lineNumber + 1}; returns the last line's number.
   */
  private int readLine(byte[] bytes, int from, int to, int lineNumber) {
    int end = to > from && bytes[to - 1] == '\r' ? to - 1 : to;
    if (!slowPathOnly && addPlainName(bytes, from, end, lineNumber + 1)) {
      return lineNumber + 1;
    }
    // Bytes that are not UTF-8 decode to U+FFFD, which readLine(String) then reports.
    String text = new String(bytes, from, end - from, StandardCharsets.UTF_8);
    int number = lineNumber;
    int start = 0;
    while (true) {
      int cr = text.indexOf('\r', start);
      number++;
      readLine(cr < 0 ? text.substring(start) : text.substring(start, cr), number);
      if (cr < 0) {
        return number;
      }
      start = cr + 1;
    }
  }

  /**
   * The fast path for the line nearly every big list consists of: one name that is already in its
   * normalized form (lowercase ASCII letters, digits, {@code -}, {@code _}, no {@code xn--} label,
   * valid label and name lengths, a last label that cannot be read as a number), which is stored as
   * it is, with no {@code String} made. Anything else, from an upper-case letter to a comment, is
   * left to {@link #readLine(String, int)}, which normalizes through {@link RuleValues} and reports
   * problems; both give the same entry for every line this accepts.
   */
  private boolean addPlainName(byte[] bytes, int from, int to, int lineNumber) {
    if (spec.kind() == RuleKind.NETWORK || to == from) {
      return false;
    }
    int end = bytes[to - 1] == '.' ? to - 1 : to;
    if (end == from || end - from > MAX_NAME_LENGTH) {
      return false;
    }
    int labelStart = from;
    for (int i = from; i < end; i++) {
      byte c = bytes[i];
      if (c == '.') {
        if (i == labelStart || i - labelStart > MAX_LABEL_LENGTH) {
          return false;
        }
        labelStart = i + 1;
      } else if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_')) {
        return false;
      } else if (i == labelStart + 3
          && c == '-'
          && bytes[i - 1] == '-'
          && bytes[i - 2] == 'n'
          && bytes[i - 3] == 'x') {
        return false;
      }
    }
    if (end == labelStart || end - labelStart > MAX_LABEL_LENGTH) {
      return false;
    }
    // A last label starting with a digit may be an IPv4 number (WHATWG); the slow path decides.
    byte first = bytes[labelStart];
    if (first >= '0' && first <= '9') {
      return false;
    }
    out.add(bytes, from, end, lineNumber);
    return true;
  }

  private void readLine(String line, int lineNumber) {
    if (line.indexOf('\uFFFD') >= 0) {
      problem(lineNumber, "the line is not UTF-8 text");
      return;
    }
    int end = line.indexOf('#');
    if (end < 0) {
      end = line.length();
    }
    int start = lineNumber == 1 && line.startsWith("\uFEFF") ? 1 : 0;
    start = skipSpace(line, start, end);
    if (start == end) {
      return;
    }
    int tokenEnd = skipToken(line, start, end);
    int next = skipSpace(line, tokenEnd, end);
    if (next == end) {
      add(line.substring(start, tokenEnd), lineNumber);
      return;
    }
    String first = line.substring(start, tokenEnd);
    if (spec.kind() == RuleKind.NETWORK) {
      problem(lineNumber, "expected one network per line, found more after '" + first + "'");
      return;
    }
    if (!isAddress(first)) {
      problem(
          lineNumber,
          "expected one name per line, or a hosts-file line (an IP address, then names);"
              + " '"
              + first
              + "' is not an IP address");
      return;
    }
    while (next < end) {
      int nameEnd = skipToken(line, next, end);
      String name = line.substring(next, nameEnd);
      if (!HOSTS_FILE_OWN_NAMES.contains(name)) {
        add(name, lineNumber);
      }
      next = skipSpace(line, nameEnd, end);
    }
  }

  private void add(String text, int lineNumber) {
    try {
      RuleKind kind = spec.kind();
      out.add(
          kind == RuleKind.NETWORK
              ? RuleValues.network(text).toString()
              : RuleValues.name(kind, text),
          lineNumber);
    } catch (InvalidValueException e) {
      problem(lineNumber, e.getMessage());
    }
  }

  private static boolean isAddress(String text) {
    if (text.equals("0.0.0.0")
        || text.equals("127.0.0.1")
        || text.equals("::")
        || text.equals("::1")) {
      return true;
    }
    int zone = text.indexOf('%');
    String address = zone < 0 ? text : text.substring(0, zone);
    if (address.indexOf('/') >= 0) {
      return false;
    }
    try {
      IpNetwork.parse(address);
      return true;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private void problem(int lineNumber, String message) {
    lineProblems.add(new Source(spec.file(), lineNumber, 0), () -> message);
  }

  private static int skipSpace(String line, int from, int end) {
    while (from < end && isSpace(line.charAt(from))) {
      from++;
    }
    return from;
  }

  private static int skipToken(String line, int from, int end) {
    while (from < end && !isSpace(line.charAt(from))) {
      from++;
    }
    return from;
  }

  private static boolean isSpace(char c) {
    return c == ' ' || c == '\t' || c == '\f' || c == '\u000B';
  }
}
