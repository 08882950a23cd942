package org.exitfilter.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exitfilter.config.BlocklistText.Bans;
import org.exitfilter.config.BlocklistText.Item;
import org.exitfilter.net.Host;
import org.exitfilter.net.HostParser;
import org.exitfilter.net.InvalidHostException;
import org.exitfilter.net.IpNetwork;

/**
 * Adds a ban to, or removes one from, the text of a blocklist by inserting or deleting the lines of
 * that one entry. Nothing else is re-serialized: comments, order, quoting, blank lines and line
 * breaks stay exactly as the operator left them, and removing an entry that was added gives back
 * the same bytes.
 *
 * <p>The result is text only; {@link BlocklistWriter} validates it with the real loader before
 * anything is written.
 */
final class BlocklistEdit {
  private static final Pattern BANS_KEY = Pattern.compile("^\\s*(?:bans|\"bans\"|'bans')\\s*:");

  private BlocklistEdit() {}

  /**
   * The text with {@code ban} appended as the last entry under {@code bans:}, indented like the
   * entries before it (and after a blank line if they are separated by one).
   *
   * @throws BlocklistEditException when {@code bans:} is written in a way an entry cannot be
   *     appended to without rewriting it
   */
  static String add(String text, BlocklistWriter.NewBan ban) throws BlocklistEditException {
    BlocklistText layout = BlocklistText.of(text);
    if (!layout.rootIsBlockMapping) {
      throw BlocklistText.layoutProblem("the file is not a mapping written one key per line");
    }
    switch (layout.bans) {
      case BLOCK -> appendToBlock(layout, ban);
      case EMPTY -> {
        requireNothingAfterKey(layout);
        insertAfter(layout, layout.bansKeyLine, entry(ban, 2, 4), false);
      }
      case EMPTY_FLOW -> {
        removeEmptyBrackets(layout);
        insertAfter(layout, layout.bansKeyLine, entry(ban, 2, 4), false);
      }
      case ABSENT -> appendSection(layout, ban);
      case FLOW ->
          throw BlocklistText.layoutProblem(
              "bans: is written in flow style ([...]); write it as one '- ' entry per line first");
      default -> throw BlocklistText.layoutProblem("bans: is not a list");
    }
    return layout.text();
  }

  /**
   * The result of a removal.
   *
   * @param text the new text
   * @param removed the domains whose entries were removed, in file order
   */
  record Removal(String text, List<String> removed) {}

  /**
   * The text without the entries under {@code bans:} whose {@code domain:} or {@code network:} is
   * one of {@code values} and whose {@code reference:} is {@code reference}. Comments above or
   * between entries stay; a blank line that separated the entry from the one before goes with it.
   */
  static Removal remove(String text, Set<String> values, String reference)
      throws BlocklistEditException {
    BlocklistText layout = BlocklistText.of(text);
    List<String> removed = new ArrayList<>();
    if (layout.bans != Bans.BLOCK) {
      return new Removal(text, removed);
    }
    List<Item> items = layout.items;
    List<Integer> doomed = new ArrayList<>();
    for (int i = 0; i < items.size(); i++) {
      Item item = items.get(i);
      String normalized = value(item);
      if (reference.equals(item.scalars().get("reference"))
          && normalized != null
          && values.contains(normalized)) {
        doomed.add(i);
        removed.add(normalized);
      }
    }
    boolean removesAll = doomed.size() == items.size() && !doomed.isEmpty();
    for (int k = doomed.size() - 1; k >= 0; k--) {
      int i = doomed.get(k);
      Item item = items.get(i);
      int from = item.dashLine();
      int to = item.endLine();
      boolean blankBefore = from - 1 > layout.bansKeyLine && layout.lines.get(from - 1).isBlank();
      boolean blankOrEndAfter =
          i == items.size() - 1
              || (to + 1 < layout.lines.size() && layout.lines.get(to + 1).isBlank());
      if (blankBefore && blankOrEndAfter) {
        from--;
      }
      deleteLines(layout, from, to);
    }
    if (removesAll) {
      // An empty "bans:" is valid too, but "bans: []" says plainly that there are none.
      String keyLine = layout.lines.get(layout.bansKeyLine);
      Matcher key = BANS_KEY.matcher(keyLine);
      if (key.find()) {
        layout.lines.set(
            layout.bansKeyLine,
            keyLine.substring(0, key.end()) + " []" + keyLine.substring(key.end()));
      }
    }
    return new Removal(layout.text(), removed);
  }

  private static void appendToBlock(BlocklistText layout, BlocklistWriter.NewBan ban) {
    List<Item> items = layout.items;
    Item first = items.get(0);
    Item last = items.get(items.size() - 1);
    int dashColumn = BlocklistText.indent(layout.lines.get(first.dashLine()));
    int keyColumn = first.keyColumn() > dashColumn ? first.keyColumn() : dashColumn + 2;
    boolean blankLine =
        items.size() >= 2
            && last.dashLine() - 1 > items.get(items.size() - 2).endLine()
            && layout.lines.get(last.dashLine() - 1).isBlank();
    insertAfter(layout, last.endLine(), entry(ban, dashColumn, keyColumn), blankLine);
  }

  private static void appendSection(BlocklistText layout, BlocklistWriter.NewBan ban) {
    int last = layout.lines.size() - 1;
    List<String> section = new ArrayList<>();
    section.add("bans:");
    section.addAll(entry(ban, 2, 4));
    if (layout.lines.get(last).isEmpty() && layout.breaks.get(last).isEmpty()) {
      // The text ends with a line break (or is empty): the section starts on the empty last line.
      layout.lines.remove(last);
      layout.breaks.remove(last);
      for (String line : section) {
        layout.lines.add(line);
        layout.breaks.add(layout.lineBreak);
      }
    } else {
      insertAfter(layout, last, section, false);
    }
  }

  /**
   * Inserts lines after line {@code after}, each ending with the file's line break; when {@code
   * after} is the last line and has no break, it gets one and the last inserted line goes without,
   * as the file did.
   */
  private static void insertAfter(
      BlocklistText layout, int after, List<String> newLines, boolean blankLineFirst) {
    List<String> toInsert = new ArrayList<>();
    if (blankLineFirst) {
      toInsert.add("");
    }
    toInsert.addAll(newLines);
    String breakAfter = layout.breaks.get(after);
    boolean wasLast = breakAfter.isEmpty();
    if (wasLast) {
      layout.breaks.set(after, layout.lineBreak);
    }
    for (int i = 0; i < toInsert.size(); i++) {
      boolean lastNew = i == toInsert.size() - 1;
      layout.lines.add(after + 1 + i, toInsert.get(i));
      layout.breaks.add(after + 1 + i, wasLast && lastNew ? "" : layout.lineBreak);
    }
  }

  /**
   * Deletes lines {@code from..to}; if they ended the file without a break, so does the new end.
   */
  private static void deleteLines(BlocklistText layout, int from, int to) {
    boolean endedFile = to == layout.lines.size() - 1 && layout.breaks.get(to).isEmpty();
    for (int line = to; line >= from; line--) {
      layout.lines.remove(line);
      layout.breaks.remove(line);
    }
    if (endedFile && from > 0) {
      layout.breaks.set(from - 1, "");
    }
  }

  private static void requireNothingAfterKey(BlocklistText layout) throws BlocklistEditException {
    String keyLine = layout.lines.get(layout.bansKeyLine);
    Matcher key = BANS_KEY.matcher(keyLine);
    String rest = key.find() ? keyLine.substring(key.end()).strip() : "?";
    if (!rest.isEmpty() && !rest.startsWith("#")) {
      throw BlocklistText.layoutProblem("bans: is set to '" + rest + "'");
    }
  }

  /** "bans: []" becomes "bans:", with anything after the brackets (a comment) kept. */
  private static void removeEmptyBrackets(BlocklistText layout) throws BlocklistEditException {
    int line = layout.openBracketLine;
    if (line != layout.bansKeyLine
        || layout.closeBracketLine != line
        || layout.openBracketColumn < 0
        || layout.closeBracketColumn < layout.openBracketColumn) {
      throw BlocklistText.layoutProblem("bans: [] is spread over several lines");
    }
    String text = layout.lines.get(line);
    int start = layout.openBracketColumn;
    while (start > 0 && text.charAt(start - 1) == ' ') {
      start--;
    }
    layout.lines.set(
        line, text.substring(0, start) + text.substring(layout.closeBracketColumn + 1));
  }

  private static List<String> entry(BlocklistWriter.NewBan ban, int dashColumn, int keyColumn) {
    List<String> lines = new ArrayList<>();
    lines.add(
        " ".repeat(dashColumn)
            + "-"
            + " ".repeat(keyColumn - dashColumn - 1)
            + ban.kind().key()
            + ": "
            + ban.value());
    for (String field : ban.fields()) {
      lines.add(" ".repeat(keyColumn) + field);
    }
    return lines;
  }

  /**
   * The entry's {@code domain:} as the loader reads it (the ASCII name), or its {@code network:}
   * (the canonical CIDR text); {@code null} for other entries and values the loader would refuse.
   */
  private static String value(Item item) {
    String domain = item.scalars().get("domain");
    String network = item.scalars().get("network");
    try {
      if (domain != null) {
        return HostParser.parse(domain) instanceof Host.Name name ? name.ascii() : null;
      }
      return network == null ? null : IpNetwork.parse(network).toString();
    } catch (InvalidHostException | IllegalArgumentException e) {
      return null;
    }
  }
}
