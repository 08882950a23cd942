package org.exitfilter.net;

/**
 * IPv4 literals as the WHATWG URL standard's IPv4 parser reads them (curl agrees on every form it
 * accepts): one to four dot-separated parts, each decimal, octal (leading {@code 0}) or hexadecimal
 * ({@code 0x}); the last part fills the remaining bytes. So {@code 127.1}, {@code 0x7f.1}, {@code
 * 0177.0.0.1} and {@code 2130706433} are all 127.0.0.1.
 *
 * <p>Every one of those spellings would also be read as an address by the system resolver ({@code
 * inet_aton}), so a host that looks numeric must become an address here or be refused: passing it
 * on as a name would let {@code 2130706433} slip past a ban on 127.0.0.0/8.
 */
final class Ipv4Literal {
  /** A number too large for any part; saturating keeps the arithmetic in a long. */
  private static final long TOO_LARGE = 1L << 32;

  private static final long NOT_A_NUMBER = -1;

  private Ipv4Literal() {}

  /**
   * WHATWG "ends in a number": whether the last label (after one trailing dot) is all digits or a
   * hexadecimal number. Such a host is an IPv4 literal or nothing.
   */
  static boolean endsInNumber(String ascii) {
    int end = ascii.length();
    if (end > 0 && ascii.charAt(end - 1) == '.') {
      if (end == 1) {
        return false;
      }
      end--;
    }
    int start = ascii.lastIndexOf('.', end - 1) + 1;
    if (start < end && allDigits(ascii, start, end)) {
      return true;
    }
    // Any other decimal or octal label has a non-digit in it; only "0x..." may still be a number.
    // Checked on every request's host, so a name costs no substring.
    return end - start >= 2
        && ascii.charAt(start) == '0'
        && parseNumber(ascii.substring(start, end)) != NOT_A_NUMBER;
  }

  private static boolean allDigits(String text, int start, int end) {
    for (int i = start; i < end; i++) {
      if (!isDigit(text.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  /**
   * Parses an IPv4 literal in any WHATWG spelling into its four bytes.
   *
   * @throws InvalidHostException when the text is not an IPv4 address in any spelling
   */
  static byte[] parse(String ascii) throws InvalidHostException {
    String text = ascii;
    if (text.length() > 1 && text.charAt(text.length() - 1) == '.') {
      text = text.substring(0, text.length() - 1);
    }
    String[] parts = text.split("\\.", -1);
    if (parts.length > 4) {
      throw invalid("more than four parts");
    }
    long[] numbers = new long[parts.length];
    for (int i = 0; i < parts.length; i++) {
      numbers[i] = parseNumber(parts[i]);
      if (numbers[i] == NOT_A_NUMBER) {
        throw invalid("a part is not a decimal, octal or hexadecimal number");
      }
      if (i < parts.length - 1 && numbers[i] > 255) {
        throw invalid("a part other than the last is above 255");
      }
    }
    long last = numbers[parts.length - 1];
    if (last >= 1L << (8 * (5 - parts.length))) {
      throw invalid("the last part is too large for the bytes it fills");
    }
    long value = last;
    for (int i = 0; i < parts.length - 1; i++) {
      value += numbers[i] << (8 * (3 - i));
    }
    return toBytes((int) value);
  }

  /**
   * Parses the strict dotted-quad form written by operators: four decimal numbers 0-255 without
   * leading zeros, so that {@code 010.0.0.1} is not silently read one way here and another way by a
   * browser.
   *
   * @return the four bytes, or null when the text is not in that form
   */
  static byte[] parseDottedQuad(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] bytes = new byte[4];
    for (int i = 0; i < 4; i++) {
      String part = parts[i];
      if (part.isEmpty()
          || part.length() > 3
          || (part.length() > 1 && part.charAt(0) == '0')
          || !part.chars().allMatch(Ipv4Literal::isDigit)) {
        return null;
      }
      int value = Integer.parseInt(part);
      if (value > 255) {
        return null;
      }
      bytes[i] = (byte) value;
    }
    return bytes;
  }

  static byte[] toBytes(int value) {
    return new byte[] {
      (byte) (value >>> 24), (byte) (value >>> 16), (byte) (value >>> 8), (byte) value
    };
  }

  /**
   * WHATWG "IPv4 number parser": {@code 0x} or {@code 0X} means hexadecimal (and {@code 0x} alone
   * is zero), another leading {@code 0} means octal, else decimal.
   *
   * @return the value, saturated at {@link #TOO_LARGE}, or {@link #NOT_A_NUMBER}
   */
  private static long parseNumber(String part) {
    if (part.isEmpty()) {
      return NOT_A_NUMBER;
    }
    int radix = 10;
    int start = 0;
    if (part.length() >= 2 && part.charAt(0) == '0' && (part.charAt(1) | 0x20) == 'x') {
      radix = 16;
      start = 2;
    } else if (part.length() >= 2 && part.charAt(0) == '0') {
      radix = 8;
      start = 1;
    }
    long value = 0;
    for (int i = start; i < part.length(); i++) {
      int digit = Character.digit(part.charAt(i), radix);
      // Character.digit also accepts non-ASCII digits; the spec wants ASCII only.
      if (digit < 0 || part.charAt(i) > 0x7f) {
        return NOT_A_NUMBER;
      }
      value = Math.min(value * radix + digit, TOO_LARGE);
    }
    return value;
  }

  private static boolean isDigit(int c) {
    return c >= '0' && c <= '9';
  }

  private static InvalidHostException invalid(String detail) {
    return new InvalidHostException(
        "numeric host that is not a valid IPv4 address (" + detail + ")");
  }
}
