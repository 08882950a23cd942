package org.exitfilter.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
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
  private final ListEntries.Builder out;
  private int problemCount;
  private Source firstUnlisted;

  private ListFileReader(EntryReader.ListSpec spec, Problems problems) {
    this.spec = spec;
    this.problems = problems;
    this.out = new ListEntries.Builder(spec);
  }

  /** Reads the list, keeping each valid line's entries and reporting bad lines. */
  static ListEntries read(EntryReader.ListSpec spec, Problems problems) {
    ListFileReader reader = new ListFileReader(spec, problems);
    reader.read();
    return reader.out.build();
  }

  private void read() {
    int lineNumber = 0;
    // Bytes that are not UTF-8 decode to U+FFFD, which readLine() then finds on the right line; a
    // reporting decoder would fail a whole buffer ahead, at no useful line number.
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(Files.newInputStream(spec.file()), StandardCharsets.UTF_8),
            1 << 16)) {
      String line;
      while ((line = reader.readLine()) != null) {
        lineNumber++;
        readLine(line, lineNumber);
      }
    } catch (NoSuchFileException e) {
      problems.add(
          spec.fileWhere(),
          "list file " + spec.file() + " not found (file: is relative to the blocklist's folder)");
    } catch (IOException e) {
      problems.add(spec.fileWhere(), "cannot read list file " + spec.file() + ": " + e);
    }
    if (firstUnlisted != null) {
      problems.add(
          firstUnlisted,
          (problemCount - MAX_PROBLEMS_PER_FILE)
              + " more problems in this file from this line on are not listed");
    }
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
    Source where = new Source(spec.file(), lineNumber, 0);
    if (++problemCount <= MAX_PROBLEMS_PER_FILE) {
      problems.add(where, message);
    } else if (firstUnlisted == null) {
      firstUnlisted = where;
    }
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
