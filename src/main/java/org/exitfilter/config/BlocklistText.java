package org.exitfilter.config;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A blocklist file as lines of text, with where its {@code bans:} section and each of its entries
 * start and end. Found with {@link YamlReader}, the reader the loader uses (so quoting, comments
 * and block scalars are read as the proxy reads them), and mapped back to whole lines, so that an
 * edit touches only the lines of one entry and leaves every other byte as the operator wrote it.
 */
final class BlocklistText {
  /** The name problems are reported against; only the first problem's message is shown. */
  private static final Path TEXT = Path.of("blocklist");

  /** What follows {@code bans:}. */
  enum Bans {
    /** No {@code bans:} key at all. */
    ABSENT,
    /** {@code bans:} with nothing after it. */
    EMPTY,
    /** {@code bans: []}. */
    EMPTY_FLOW,
    /** {@code bans: [...]} with entries in it. */
    FLOW,
    /** One {@code - } item per entry: the form edits are made in. */
    BLOCK,
    /** Anything else (a mapping, a scalar): the loader refuses it anyway. */
    OTHER
  }

  /**
   * One item of the {@code bans:} list.
   *
   * @param dashLine the line of its {@code -} (0-based)
   * @param endLine its last line of content (0-based): comments and blank lines after it belong to
   *     whatever follows
   * @param keyColumn where its keys start, or -1 when it is not a mapping starting on the dash line
   * @param scalars its keys with their values as text, where the value is a scalar
   */
  record Item(int dashLine, int endLine, int keyColumn, Map<String, String> scalars) {}

  final List<String> lines = new ArrayList<>();

  /** The line break ending each line: "\n", "\r\n", "\r", or "" for a last line without one. */
  final List<String> breaks = new ArrayList<>();

  final String lineBreak;
  Bans bans = Bans.ABSENT;
  boolean rootIsBlockMapping;
  int bansKeyLine = -1;

  /** For {@link Bans#EMPTY_FLOW}: the 0-based line and char columns of its brackets. */
  int openBracketLine = -1;

  int openBracketColumn = -1;
  int closeBracketLine = -1;
  int closeBracketColumn = -1;
  final List<Item> items = new ArrayList<>();

  /**
   * Splits the text at the characters SnakeYAML counts as line breaks (YAML 1.1: CR, LF, CR LF,
   * NEL, LS and PS), so that its line numbers are this class's line numbers.
   */
  private BlocklistText(String text) {
    int start = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '\n' || c == '\r' || c == '\u0085' || c == '\u2028' || c == '\u2029') {
        lines.add(text.substring(start, i));
        if (c == '\r' && i + 1 < text.length() && text.charAt(i + 1) == '\n') {
          breaks.add("\r\n");
          i++;
        } else {
          breaks.add(String.valueOf(c));
        }
        start = i + 1;
      }
    }
    if (start < text.length() || lines.isEmpty()) {
      lines.add(text.substring(start));
      breaks.add("");
    }
    lineBreak =
        breaks.stream()
            .filter(b -> b.equals("\n") || b.equals("\r\n") || b.equals("\r"))
            .findFirst()
            .orElse("\n");
  }

  /**
   * Maps out a blocklist's text.
   *
   * @throws BlocklistEditException when the YAML does not read cleanly or its items cannot be told
   *     apart line by line
   */
  static BlocklistText of(String text) throws BlocklistEditException {
    BlocklistText layout = new BlocklistText(text);
    Problems problems = new Problems(TEXT);
    YamlNode root;
    try {
      root = YamlReader.read(TEXT, text.getBytes(UTF_8), problems);
    } catch (IOException e) {
      throw new UncheckedIOException("reading from a string", e);
    }
    if (!problems.isEmpty()) {
      throw layoutProblem("it is not valid YAML (" + problems.inFileOrder().get(0).message() + ")");
    }
    layout.map(root);
    layout.findItemLines();
    return layout;
  }

  static BlocklistEditException layoutProblem(String why) {
    return new BlocklistEditException(
        "cannot change the blocklist without disturbing it: " + why + "; nothing was written");
  }

  /** The text again, from its lines and breaks. */
  String text() {
    StringBuilder out = new StringBuilder();
    for (int i = 0; i < lines.size(); i++) {
      out.append(lines.get(i)).append(breaks.get(i));
    }
    return out.toString();
  }

  // -- Reading the tree ------------------------------------------------------------------------

  /** Per item: the line of its first token, the last line its values reach, its key column. */
  private final List<int[]> itemTokens = new ArrayList<>();

  private final List<Map<String, String>> itemScalars = new ArrayList<>();
  private int sectionEndLine = -1;

  private void map(YamlNode root) {
    if (root == null) {
      rootIsBlockMapping = true; // an empty document: a mapping can be appended
      return;
    }
    if (!(root instanceof YamlNode.Mapping mapping) || charAt(root.where()) == '{') {
      return;
    }
    rootIsBlockMapping = true;
    List<YamlNode.Field> fields = mapping.fields;
    for (int i = 0; i < fields.size(); i++) {
      YamlNode.Field field = fields.get(i);
      if (!field.key().equals("bans")) {
        continue;
      }
      bansKeyLine = line(field.where());
      sectionEndLine = i + 1 < fields.size() ? line(fields.get(i + 1).where()) : lines.size();
      YamlNode value = field.value();
      if (value instanceof YamlNode.Scalar scalar && scalar.isNull()) {
        bans = Bans.EMPTY;
      } else if (value instanceof YamlNode.Sequence list && charAt(list.where()) == '[') {
        bans = list.items.isEmpty() ? Bans.EMPTY_FLOW : Bans.FLOW;
        if (bans == Bans.EMPTY_FLOW) {
          findEmptyBrackets(list.where());
        }
      } else if (value instanceof YamlNode.Sequence list) {
        bans = Bans.BLOCK;
        for (YamlNode item : list.items) {
          int first = line(item.where());
          int keyColumn = item instanceof YamlNode.Mapping ? column(item.where()) : -1;
          itemTokens.add(new int[] {first, lastLine(item), keyColumn});
          itemScalars.add(scalars(item));
        }
      } else {
        bans = Bans.OTHER;
      }
    }
  }

  /** The brackets of {@code []}, when both are on the line of the first. */
  private void findEmptyBrackets(Source open) {
    openBracketLine = line(open);
    openBracketColumn = column(open);
    String text = lines.get(openBracketLine);
    int close = openBracketColumn + 1;
    while (close < text.length() && (text.charAt(close) == ' ' || text.charAt(close) == '\t')) {
      close++;
    }
    if (close < text.length() && text.charAt(close) == ']') {
      closeBracketLine = openBracketLine;
      closeBracketColumn = close;
    }
  }

  /** The keys of an entry with their values as text, where the value is a scalar. */
  private static Map<String, String> scalars(YamlNode item) {
    Map<String, String> scalars = new HashMap<>();
    if (item instanceof YamlNode.Mapping mapping) {
      for (YamlNode.Field field : mapping.fields) {
        if (field.value() instanceof YamlNode.Scalar scalar && !scalar.isNull()) {
          scalars.put(field.key(), scalar.text());
        }
      }
    }
    return scalars;
  }

  /**
   * The last line holding content of a value, as far as the tree tells: the end of its last scalar.
   * A flow collection's closing bracket on a line of its own is not in the tree; the scan for
   * content lines in {@link #findItemLines()} finds it.
   */
  private int lastLine(YamlNode node) {
    int last = line(node.where());
    if (node instanceof YamlNode.Scalar scalar) {
      int endLine = line(scalar.end());
      if (endLine > last && scalar.end().column() <= 1) {
        endLine--; // a block scalar ends where the next token starts, at column 1 of a later line
      }
      last = Math.max(last, Math.min(endLine, lines.size() - 1));
    } else if (node instanceof YamlNode.Mapping mapping) {
      for (YamlNode.Field field : mapping.fields) {
        last = Math.max(last, Math.max(line(field.where()), lastLine(field.value())));
      }
    } else if (node instanceof YamlNode.Sequence list) {
      for (YamlNode item : list.items) {
        last = Math.max(last, lastLine(item));
      }
    }
    return last;
  }

  private static int line(Source where) {
    return where.line() - 1;
  }

  /** The char index in its line of a place, whose column counts code points from 1. */
  private int column(Source where) {
    int line = line(where);
    if (line < 0 || line >= lines.size()) {
      return -1;
    }
    String text = lines.get(line);
    int codePoints = where.column() - 1;
    if (codePoints < 0 || codePoints > text.codePointCount(0, text.length())) {
      return -1;
    }
    return text.offsetByCodePoints(0, codePoints);
  }

  private char charAt(Source where) {
    int column = column(where);
    String text = line(where) < lines.size() && line(where) >= 0 ? lines.get(line(where)) : "";
    return column >= 0 && column < text.length() ? text.charAt(column) : '\0';
  }

  // -- Mapping items to lines -------------------------------------------------------------------

  /** Finds each item's dash line and last line of content. */
  private void findItemLines() throws BlocklistEditException {
    if (bans != Bans.BLOCK) {
      return;
    }
    List<Integer> dashes = new ArrayList<>();
    int floor = bansKeyLine;
    int dashColumn = -1;
    for (int[] tokens : itemTokens) {
      int dash = -1;
      for (int line = tokens[0]; line > floor; line--) {
        String stripped = lines.get(line).stripLeading();
        if (stripped.startsWith("-") && !stripped.startsWith("---")) {
          dash = line;
          break;
        }
      }
      if (dash < 0) {
        throw layoutProblem("an entry under bans: has no '-' line of its own");
      }
      int column = indent(lines.get(dash));
      if (dashColumn >= 0 && column != dashColumn) {
        throw layoutProblem("the entries under bans: are not all indented alike");
      }
      dashColumn = column;
      dashes.add(dash);
      floor = Math.max(tokens[1], dash);
    }
    for (int i = 0; i < itemTokens.size(); i++) {
      int dash = dashes.get(i);
      int regionEnd = i + 1 < dashes.size() ? dashes.get(i + 1) - 1 : sectionEndLine - 1;
      int end = lastNonBlank(Math.min(itemTokens.get(i)[1], regionEnd), dash);
      for (int line = regionEnd; line > end; line--) {
        String stripped = lines.get(line).strip();
        if (!stripped.isEmpty()
            && !stripped.startsWith("#")
            && indent(lines.get(line)) > dashColumn) {
          end = line;
          break;
        }
      }
      int keyColumn = itemTokens.get(i)[0] == dash ? itemTokens.get(i)[2] : -1;
      items.add(new Item(dash, end, keyColumn, Map.copyOf(itemScalars.get(i))));
    }
  }

  private int lastNonBlank(int from, int floor) {
    for (int line = from; line > floor; line--) {
      if (!lines.get(line).isBlank()) {
        return line;
      }
    }
    return floor;
  }

  static int indent(String line) {
    int i = 0;
    while (i < line.length() && line.charAt(i) == ' ') {
      i++;
    }
    return i;
  }
}
