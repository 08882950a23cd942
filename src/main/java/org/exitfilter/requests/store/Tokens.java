package org.exitfilter.requests.store;

import java.security.SecureRandom;

/** Random, unguessable strings: proof tokens and the random part of request ids. */
public final class Tokens {
  /** RFC 4648 base32 in lower case: no characters that need quoting in DNS, URLs or YAML. */
  private static final char[] BASE32 = "abcdefghijklmnopqrstuvwxyz234567".toCharArray();

  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /** A proof token: 128 random bits as 26 base32 characters (the last holds 3 bits). */
  public static String token() {
    return "exitfilter-" + base32(128);
  }

  /** Six base32 characters (30 bits) for a request id; collisions are checked by the store. */
  static String idSuffix() {
    return base32(30);
  }

  private static String base32(int bits) {
    byte[] bytes = new byte[(bits + 7) / 8];
    RANDOM.nextBytes(bytes);
    StringBuilder out = new StringBuilder((bits + 4) / 5);
    for (int bit = 0; bit < bits; bit += 5) {
      int value = 0;
      for (int k = 0; k < 5; k++) {
        int b = bit + k;
        value <<= 1;
        if (b < bits && (bytes[b / 8] & (0x80 >>> (b % 8))) != 0) {
          value |= 1;
        }
      }
      out.append(BASE32[value]);
    }
    return out.toString();
  }
}
