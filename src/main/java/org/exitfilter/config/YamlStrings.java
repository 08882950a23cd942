package org.exitfilter.config;

import java.util.Locale;

/** Writes YAML scalars as text, for the files this package edits or writes by hand. */
public final class YamlStrings {
  private YamlStrings() {}

  /**
   * A YAML double-quoted scalar that reads back as exactly {@code text}: backslash and quote
   * escaped, and every character YAML would take as a line break or that a reader could not see (C0
   * and C1 controls, DEL, U+2028, U+2029, the byte order mark) written as an escape.
   */
  public static String quote(String text) {
    StringBuilder out = new StringBuilder(text.length() + 2).append('"');
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == 0x2028 || c == 0x2029 || c == 0xfeff) {
            out.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
    return out.append('"').toString();
  }
}
