package org.exitfilter.proxy;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * The words of common status lines as shared strings, for {@link UpstreamCodec}: a response's
 * version, code and reason phrase are the same few strings on nearly every response, and a copy of
 * each per response is garbage the moment the status is looked up. A word is shared only when its
 * bytes are exactly the constant's, so what the origin sent is kept as sent.
 */
final class StatusLineWords {
  private static final String HTTP_1_1 = "HTTP/1.1";
  private static final String HTTP_1_0 = "HTTP/1.0";
  private static final int FIRST_CODE = 100;
  private static final int LAST_CODE = 599;

  /** "100" to "599". */
  private static final String[] CODES = new String[LAST_CODE - FIRST_CODE + 1];

  /** The reason phrase of each code that Netty has a constant for, or null. */
  private static final String[] REASONS = new String[CODES.length];

  static {
    for (int code = FIRST_CODE; code <= LAST_CODE; code++) {
      CODES[code - FIRST_CODE] = Integer.toString(code);
      HttpResponseStatus status = HttpResponseStatus.valueOf(code);
      // Netty hands out its constant every time for a known code, a new status otherwise.
      if (status == HttpResponseStatus.valueOf(code)) {
        REASONS[code - FIRST_CODE] = status.reasonPhrase();
      }
    }
  }

  private StatusLineWords() {}

  /** {@code HTTP/1.1} or {@code HTTP/1.0} as a constant, or null. */
  static String version(byte[] bytes, int start, int length) {
    if (same(HTTP_1_1, bytes, start, length)) {
      return HTTP_1_1;
    }
    if (same(HTTP_1_0, bytes, start, length)) {
      return HTTP_1_0;
    }
    return null;
  }

  /** A three-digit code from 100 to 599 as a constant, or null. */
  static String code(byte[] bytes, int start, int length) {
    if (length != 3) {
      return null;
    }
    int code = 0;
    for (int i = start; i < start + 3; i++) {
      int digit = bytes[i] - '0';
      if (digit < 0 || digit > 9) {
        return null;
      }
      code = code * 10 + digit;
    }
    return code >= FIRST_CODE && code <= LAST_CODE ? CODES[code - FIRST_CODE] : null;
  }

  /** The reason phrase Netty knows for {@code code} if the bytes spell exactly it, or null. */
  static String reason(int code, byte[] bytes, int start, int length) {
    if (code < FIRST_CODE || code > LAST_CODE) {
      return null;
    }
    String reason = REASONS[code - FIRST_CODE];
    return reason != null && same(reason, bytes, start, length) ? reason : null;
  }

  private static boolean same(String word, byte[] bytes, int start, int length) {
    if (word.length() != length) {
      return false;
    }
    for (int i = 0; i < length; i++) {
      if (word.charAt(i) != bytes[start + i]) {
        return false;
      }
    }
    return true;
  }
}
