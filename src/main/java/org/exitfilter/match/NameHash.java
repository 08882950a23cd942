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

  /** Feeds one more character, the one to the left of those fed so far. */
  static long step(long hash, char c) {
    return hash * MULTIPLIER + c;
  }

  /** The hash of the whole text, as the suffix walk computes it when it reaches the start. */
  static long of(CharSequence text) {
    long hash = 0;
    for (int i = text.length() - 1; i >= 0; i--) {
      hash = step(hash, text.charAt(i));
    }
    return hash;
  }

  /**
   * Spreads a polynomial hash over all 64 bits (the MurmurHash3 finalizer): table slots are picked
   * from the low bits and a tag from the high bits, and both must depend on every character.
   */
  static long mix(long hash) {
    hash ^= hash >>> 33;
    hash *= 0xFF51AFD7ED558CCDL;
    hash ^= hash >>> 33;
    hash *= 0xC4CEB9FE1A85EC53L;
    hash ^= hash >>> 33;
    return hash;
  }
}
