package org.exitfilter.net;

/**
 * IPv6 text, read with the WHATWG URL standard's IPv6 parser: up to eight groups of one to four hex
 * digits, at most one {@code ::} standing for one or more zero groups, and optionally a dotted IPv4
 * address (decimal, no leading zeros) in place of the last two groups.
 *
 * <p>No zone identifier: {@code fe80::1%eth0} names an interface of this machine, never a
 * destination on the Internet. The result is bytes, never a lookup: {@code InetAddress.getByName}
 * must not see untrusted text, since anything it does not recognise as a literal it sends to DNS.
 */
final class Ipv6Literal {
  private Ipv6Literal() {}

  /**
   * Parses IPv6 text without brackets into its sixteen bytes.
   *
   * @throws InvalidHostException when the text is not an IPv6 address
   */
  static byte[] parse(String text) throws InvalidHostException {
    if (text.indexOf('%') >= 0) {
      throw invalid("zone identifiers are not allowed");
    }
    int[] pieces = new int[8];
    int pieceIndex = 0;
    Integer compress = null;
    int pointer = 0;
    int length = text.length();

    if (pointer < length && text.charAt(pointer) == ':') {
      if (pointer + 1 >= length || text.charAt(pointer + 1) != ':') {
        throw invalid("it starts with a single ':'");
      }
      pointer += 2;
      pieceIndex++;
      compress = pieceIndex;
    }
    while (pointer < length) {
      if (pieceIndex == 8) {
        throw invalid("more than eight groups");
      }
      if (text.charAt(pointer) == ':') {
        if (compress != null) {
          throw invalid("more than one '::'");
        }
        pointer++;
        pieceIndex++;
        compress = pieceIndex;
        continue;
      }
      int value = 0;
      int digits = 0;
      while (digits < 4 && pointer < length && hexValue(text.charAt(pointer)) >= 0) {
        value = value * 16 + hexValue(text.charAt(pointer));
        pointer++;
        digits++;
      }
      if (pointer < length && text.charAt(pointer) == '.') {
        if (digits == 0) {
          throw invalid("an embedded IPv4 address is malformed");
        }
        pointer -= digits;
        if (pieceIndex > 6) {
          throw invalid("an embedded IPv4 address comes after six groups");
        }
        readEmbeddedIpv4(text, pointer, pieces, pieceIndex);
        pieceIndex += 2;
        pointer = length;
        break;
      }
      if (pointer < length && text.charAt(pointer) == ':') {
        pointer++;
        if (pointer == length) {
          throw invalid("it ends with a single ':'");
        }
      } else if (pointer < length) {
        throw invalid(
            digits == 4 && hexValue(text.charAt(pointer)) >= 0
                ? "a group has more than four hex digits"
                : "it contains a character that is not a hex digit, ':' or '.'");
      }
      pieces[pieceIndex] = value;
      pieceIndex++;
    }

    if (compress != null) {
      int swaps = pieceIndex - compress;
      pieceIndex = 7;
      while (pieceIndex != 0 && swaps > 0) {
        int other = compress + swaps - 1;
        int kept = pieces[pieceIndex];
        pieces[pieceIndex] = pieces[other];
        pieces[other] = kept;
        pieceIndex--;
        swaps--;
      }
    } else if (pieceIndex != 8) {
      throw invalid("fewer than eight groups and no '::'");
    }

    byte[] bytes = new byte[16];
    for (int i = 0; i < 8; i++) {
      bytes[2 * i] = (byte) (pieces[i] >>> 8);
      bytes[2 * i + 1] = (byte) pieces[i];
    }
    return bytes;
  }

  /**
   * The RFC 5952 text of sixteen bytes: lowercase, no leading zeros, the first longest run of two
   * or more zero groups written as {@code ::}.
   */
  static String format(byte[] bytes) {
    if (bytes.length != 16) {
      throw new IllegalArgumentException("an IPv6 address has 16 bytes, not " + bytes.length);
    }
    int[] groups = new int[8];
    for (int i = 0; i < 8; i++) {
      groups[i] = ((bytes[2 * i] & 0xff) << 8) | (bytes[2 * i + 1] & 0xff);
    }
    int bestStart = -1;
    int bestLength = 1;
    for (int i = 0; i < 8; ) {
      if (groups[i] != 0) {
        i++;
        continue;
      }
      int start = i;
      while (i < 8 && groups[i] == 0) {
        i++;
      }
      if (i - start > bestLength) {
        bestStart = start;
        bestLength = i - start;
      }
    }
    StringBuilder text = new StringBuilder(39);
    for (int i = 0; i < 8; i++) {
      if (i == bestStart) {
        text.append("::");
        i += bestLength - 1;
        continue;
      }
      if (text.length() > 0 && text.charAt(text.length() - 1) != ':') {
        text.append(':');
      }
      text.append(Integer.toHexString(groups[i]));
    }
    return text.toString();
  }

  /** Reads a.b.c.d into two pieces, refusing leading zeros as the WHATWG parser does. */
  private static void readEmbeddedIpv4(String text, int start, int[] pieces, int pieceIndex)
      throws InvalidHostException {
    int pointer = start;
    int numbersSeen = 0;
    while (pointer < text.length()) {
      if (numbersSeen > 0) {
        if (text.charAt(pointer) == '.' && numbersSeen < 4) {
          pointer++;
        } else {
          throw invalid("an embedded IPv4 address is malformed");
        }
      }
      if (pointer == text.length() || !isDigit(text.charAt(pointer))) {
        throw invalid("an embedded IPv4 address is malformed");
      }
      int part = -1;
      while (pointer < text.length() && isDigit(text.charAt(pointer))) {
        int digit = text.charAt(pointer) - '0';
        if (part == 0) {
          throw invalid("an embedded IPv4 address has a leading zero");
        }
        part = part < 0 ? digit : part * 10 + digit;
        if (part > 255) {
          throw invalid("an embedded IPv4 address has a part above 255");
        }
        pointer++;
      }
      int index = pieceIndex + numbersSeen / 2;
      pieces[index] = pieces[index] * 0x100 + part;
      numbersSeen++;
    }
    if (numbersSeen != 4) {
      throw invalid("an embedded IPv4 address does not have four parts");
    }
  }

  private static boolean isDigit(char c) {
    return c >= '0' && c <= '9';
  }

  private static int hexValue(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    char lower = (char) (c | 0x20);
    return lower >= 'a' && lower <= 'f' ? lower - 'a' + 10 : -1;
  }

  private static InvalidHostException invalid(String detail) {
    return new InvalidHostException("not a valid IPv6 address: " + detail);
  }
}
