package org.exitfilter.abuse;

/**
 * Makes text from a mail safe to keep and print on one line: control characters become spaces,
 * bidirectional controls U+FFFD, at most {@link #MAX_LENGTH} characters (as {@code requests} does
 * for its mails; kept apart so the two packages need not share internals).
 */
final class Clean {
  static final int MAX_LENGTH = 300;

  private Clean() {}

  static String oneLine(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = new StringBuilder(Math.min(text.length(), MAX_LENGTH));
    boolean space = false;
    for (int i = 0; i < text.length() && out.length() < MAX_LENGTH; ) {
      int c = text.codePointAt(i);
      i += Character.charCount(c);
      if (Character.isWhitespace(c) || Character.getType(c) == Character.CONTROL) {
        space = out.length() > 0;
        continue;
      }
      if (space) {
        out.append(' ');
        space = false;
      }
      boolean bidi =
          c == 0x061C
              || c == 0x200E
              || c == 0x200F
              || (c >= 0x202A && c <= 0x202E)
              || (c >= 0x2066 && c <= 0x2069);
      out.appendCodePoint(bidi || Character.getType(c) == Character.SURROGATE ? 0xFFFD : c);
    }
    return out.length() == 0 ? null : out.toString();
  }
}
