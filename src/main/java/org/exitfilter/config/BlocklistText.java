package org.exitfilter.config;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.dataformat.yaml.YAMLParser;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.exitfilter.requests.RequestException;
import org.yaml.snakeyaml.LoaderOptions;

/**
 * A blocklist file as lines of text, with where its {@code bans:} section and each of its entries
 * start and end. Found with Jackson's YAML parser (so quoting, comments and block scalars are read
 * as YAML reads them) and mapped back to whole lines, so that an edit touches only the lines of one
 * entry and leaves every other byte as the operator wrote it.
 */
final class BlocklistText {
  private static final YAMLFactory FACTORY = factory();

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

  private static YAMLFactory factory() {
    LoaderOptions options = new LoaderOptions();
    options.setCodePointLimit(Integer.MAX_VALUE);
    return YAMLFactory.builder()
        .loaderOptions(options)
        .enable(YAMLParser.Feature.EMPTY_STRING_AS_NULL)
        .build();
  }

  /**
   * Maps out a blocklist's text.
   *
   * @throws RequestException {@link RequestException.Kind#BLOCKLIST_LAYOUT} when the YAML does not
   *     parse or its items cannot be told apart line by line
   */
  static BlocklistText of(String text) throws RequestException {
    BlocklistText layout = new BlocklistText(text);
    try (JsonParser parser = FACTORY.createParser(text)) {
      layout.scan(parser);
    } catch (JsonProcessingException e) {
      throw layoutProblem("it is not valid YAML (" + e.getOriginalMessage() + ")");
    } catch (IOException e) {
      throw new IllegalStateException("reading from a string", e);
    }
    layout.findItemLines();
    return layout;
  }

  static RequestException layoutProblem(String why) {
    return new RequestException(
        RequestException.Kind.BLOCKLIST_LAYOUT,
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

  // -- Scanning with the parser -----------------------------------------------------------------

  /** Pending items, by the line of their first token; dash lines are found afterwards. */
  private final List<int[]> itemTokens = new ArrayList<>();

  private final List<Map<String, String>> itemScalars = new ArrayList<>();
  private int sectionEndLine = -1;

  private void scan(JsonParser parser) throws IOException {
    JsonToken token = parser.nextToken();
    if (token == null) {
      rootIsBlockMapping = true; // an empty document: a mapping can be appended
      return;
    }
    if (token != JsonToken.START_OBJECT || charAt(parser.currentTokenLocation()) == '{') {
      return;
    }
    rootIsBlockMapping = true;
    boolean inBans = false;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      int keyLine = line(parser.currentTokenLocation());
      if (inBans) {
        sectionEndLine = keyLine;
        inBans = false;
      }
      String key = parser.currentName();
      JsonToken value = parser.nextToken();
      if (!key.equals("bans")) {
        parser.skipChildren();
        continue;
      }
      bansKeyLine = keyLine;
      inBans = true;
      if (value == JsonToken.VALUE_NULL) {
        bans = Bans.EMPTY;
      } else if (value == JsonToken.START_ARRAY && charAt(parser.currentTokenLocation()) == '[') {
        openBracketLine = line(parser.currentTokenLocation());
        openBracketColumn = column(parser.currentTokenLocation());
        if (parser.nextToken() == JsonToken.END_ARRAY) {
          bans = Bans.EMPTY_FLOW;
          closeBracketLine = line(parser.currentTokenLocation());
          closeBracketColumn = column(parser.currentTokenLocation());
        } else {
          bans = Bans.FLOW;
          parser.skipChildren();
          skipRestOfArray(parser);
        }
      } else if (value == JsonToken.START_ARRAY) {
        bans = Bans.BLOCK;
        scanItems(parser);
      } else {
        bans = Bans.OTHER;
        parser.skipChildren();
      }
    }
    if (inBans) {
      sectionEndLine = lines.size();
    }
  }

  /** After skipping the children of the first item of a flow list, skips to its end. */
  private static void skipRestOfArray(JsonParser parser) throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY && token != null) {
      parser.skipChildren();
    }
  }

  /** Reads the items of a block list up to its end, noting the lines each one's tokens touch. */
  private void scanItems(JsonParser parser) throws IOException {
    JsonToken token;
    while ((token = parser.nextToken()) != JsonToken.END_ARRAY) {
      int first = line(parser.currentTokenLocation());
      int firstColumn = column(parser.currentTokenLocation());
      Map<String, String> scalars = new HashMap<>();
      int last = lastLine(parser, first);
      if (token == JsonToken.START_OBJECT) {
        last = Math.max(last, scanMapping(parser, scalars));
      } else if (token == JsonToken.START_ARRAY) {
        last = Math.max(last, skipTracking(parser));
      }
      itemTokens.add(new int[] {first, last, token == JsonToken.START_OBJECT ? firstColumn : -1});
      itemScalars.add(scalars);
    }
  }

  /** The fields of one entry: scalar values kept, nested values skipped; returns the last line. */
  private int scanMapping(JsonParser parser, Map<String, String> scalars) throws IOException {
    int last = -1;
    JsonToken token;
    while ((token = parser.nextToken()) == JsonToken.FIELD_NAME) {
      String key = parser.currentName();
      last = Math.max(last, lastLine(parser, line(parser.currentTokenLocation())));
      JsonToken value = parser.nextToken();
      last = Math.max(last, lastLine(parser, line(parser.currentTokenLocation())));
      if (value == JsonToken.START_OBJECT || value == JsonToken.START_ARRAY) {
        last = Math.max(last, skipTracking(parser));
      } else {
        scalars.put(key, parser.getText());
      }
    }
    if (token != JsonToken.END_OBJECT) {
      throw new IllegalStateException("unexpected " + token + " in a mapping");
    }
    return last;
  }

  /**
   * Skips a nested value, returning the last line holding content of it. The end token of a flow
   * collection is a real bracket; that of a block collection stands where the next token starts, so
   * it does not count.
   */
  private int skipTracking(JsonParser parser) throws IOException {
    Deque<Boolean> flow = new ArrayDeque<>();
    flow.push(isFlowStart(parser));
    int last = line(parser.currentTokenLocation());
    while (!flow.isEmpty()) {
      JsonToken token = parser.nextToken();
      if (token == JsonToken.START_OBJECT || token == JsonToken.START_ARRAY) {
        flow.push(isFlowStart(parser));
        last = Math.max(last, line(parser.currentTokenLocation()));
      } else if (token == JsonToken.END_OBJECT || token == JsonToken.END_ARRAY) {
        if (flow.pop()) {
          last = Math.max(last, line(parser.currentTokenLocation()));
        }
      } else {
        last = Math.max(last, lastLine(parser, line(parser.currentTokenLocation())));
      }
    }
    return last;
  }

  private boolean isFlowStart(JsonParser parser) {
    char c = charAt(parser.currentTokenLocation());
    return c == '[' || c == '{';
  }

  /**
   * The last line the current token covers. A block scalar ends where the next token starts, at
   * column 1 of a later line; its content ends on the line before.
   */
  private int lastLine(JsonParser parser, int startLine) {
    JsonLocation end = parser.currentLocation();
    int endLine = line(end);
    if (endLine > startLine && end.getColumnNr() <= 1) {
      endLine--;
    }
    return Math.max(startLine, Math.min(endLine, lines.size() - 1));
  }

  private static int line(JsonLocation location) {
    return location.getLineNr() - 1;
  }

  /** The char index in its line of a location, whose column counts code points from 1. */
  private int column(JsonLocation location) {
    int line = line(location);
    if (line < 0 || line >= lines.size()) {
      return -1;
    }
    String text = lines.get(line);
    int codePoints = location.getColumnNr() - 1;
    if (codePoints < 0 || codePoints > text.codePointCount(0, text.length())) {
      return -1;
    }
    return text.offsetByCodePoints(0, codePoints);
  }

  private char charAt(JsonLocation location) {
    int column = column(location);
    String text =
        line(location) < lines.size() && line(location) >= 0 ? lines.get(line(location)) : "";
    return column >= 0 && column < text.length() ? text.charAt(column) : '\0';
  }

  // -- Mapping items to lines -------------------------------------------------------------------

  /** Finds each item's dash line and last line of content. */
  private void findItemLines() throws RequestException {
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
