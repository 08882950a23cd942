package org.exitfilter.match;

/**
 * The hash of names and name suffixes. It is a polynomial fed from the right, so that walking a
 * name once from its last character to its first yields the hash of every label suffix on the way
 * ({@code org}, {@code example.org}, {@code www.example.org}) without a substring.
 */
final class NameHash {
  /** An odd multiplier, so that no character's contribution is ever shifted out entirely. */
  static final long MULTIPLIER = 0x9E3779B97F4A7C15L;

  private NameHash() {}

  private static final long MULTIPLIER_SQUARED = MULTIPLIER * MULTIPLIER;

  /** Feeds one more character, the one to the left of those fed so far. */
  static long step(long hash, char c) {
    return hash * MULTIPLIER + c;
  }

  /**
   * Feeds two characters, {@code right} then {@code left}: the same as two {@link #step}s, with one
   * multiplication on the chain from one character to the next instead of two, so that the
   * processor can work on the next pair while this one completes.
   */
  static long step2(long hash, char right, char left) {
    return hash * MULTIPLIER_SQUARED + (right * MULTIPLIER + left);
  }

  /** The hash of the whole text, as the suffix walk computes it when it reaches the start. */
  static long of(CharSequence text) {
    long hash = 0;
    for (int i = text.length() - 1; i >= 0; i--) {
      hash = step(hash, text.charAt(i));
    }
    return hash;
  }
}
