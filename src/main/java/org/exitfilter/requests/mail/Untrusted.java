package org.exitfilter.requests.mail;

/**
 * Makes text from a mail safe to keep and print: a subject or a display name is whatever the sender
 * wrote, and could carry terminal escape sequences or bidirectional overrides that make a listing
 * lie about what it shows. The abuse desk keeps its complaints' texts through it too.
 */
public final class Untrusted {
  /** Longer header texts are cut: they are for recognizing a request, not for reading it. */
  public static final int MAX_LENGTH = 300;

  private Untrusted() {}

  /**
   * The text on one line, with every control character (line breaks and tabs included) turned into
   * a space, bidirectional controls into U+FFFD, runs of spaces collapsed and the ends trimmed; at
   * most {@link #MAX_LENGTH} characters. {@code null} and blank text give {@code null}.
   */
  public static String oneLine(String text) {
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
      out.appendCodePoint(
          isBidiControl(c) || Character.getType(c) == Character.SURROGATE ? 0xFFFD : c);
    }
    return out.length() == 0 ? null : out.toString();
  }

  /** U+061C, U+200E/F, U+202A..U+202E and U+2066..U+2069 reorder what a terminal shows. */
  private static boolean isBidiControl(int c) {
    return c == 0x061C
        || c == 0x200E
        || c == 0x200F
        || (c >= 0x202A && c <= 0x202E)
        || (c >= 0x2066 && c <= 0x2069);
  }
}
