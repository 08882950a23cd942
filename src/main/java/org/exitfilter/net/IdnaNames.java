package org.exitfilter.net;

import com.ibm.icu.text.IDNA;
import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/**
 * UTS #46 mapping of a host to ASCII, with the options the WHATWG URL standard uses ("domain to
 * ASCII" with beStrict false), so a name means here what it means in a browser.
 *
 * <p>Non-transitional: {@code faß.de} is {@code xn--fa-hia.de}, a different registration from
 * {@code fass.de}, which {@code java.net.IDN} (IDNA 2003) would give instead. Without STD3 rules,
 * as browsers: {@code _} and other ASCII pass through here and the caller refuses the forbidden
 * ones.
 */
final class IdnaNames {
  private static final IDNA UTS46 =
      IDNA.getUTS46Instance(
          IDNA.NONTRANSITIONAL_TO_ASCII
              | IDNA.NONTRANSITIONAL_TO_UNICODE
              | IDNA.CHECK_BIDI
              | IDNA.CHECK_CONTEXTJ);

  /**
   * Errors that WHATWG does not apply: it sets CheckHyphens false (real names such as {@code
   * r3---sn-abc.googlevideo.com} have hyphens in positions 3 and 4) and VerifyDnsLength false.
   * ICU4J always reports them; the lengths and empty labels are checked by {@link HostParser} after
   * the trailing dot is removed, with clearer messages.
   */
  private static final Set<IDNA.Error> NOT_APPLIED =
      EnumSet.of(
          IDNA.Error.LEADING_HYPHEN,
          IDNA.Error.TRAILING_HYPHEN,
          IDNA.Error.HYPHEN_3_4,
          IDNA.Error.EMPTY_LABEL,
          IDNA.Error.LABEL_TOO_LONG,
          IDNA.Error.DOMAIN_NAME_TOO_LONG);

  private IdnaNames() {}

  /**
   * Maps a name to lowercase ASCII: case folded, compatibility forms (fullwidth letters and dots)
   * folded, Unicode labels turned into {@code xn--} labels.
   *
   * @throws InvalidHostException when UTS #46 finds the name invalid
   */
  static String toAscii(String name) throws InvalidHostException {
    if (isPlainAscii(name)) {
      return name.toLowerCase(Locale.ROOT);
    }
    return viaUts46(name);
  }

  /**
   * Whether UTS #46 would only lowercase this name: letters, digits, {@code -}, {@code _} and dots,
   * with no {@code xn--} label (whose punycode must be decoded and checked). Nearly every name a
   * proxy sees is like this, and skipping ICU for them saves most of the parsing time.
   */
  static boolean isPlainAscii(String name) {
    int labelStart = 0;
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '.') {
        labelStart = i + 1;
      } else if (!((c >= 'a' && c <= 'z')
          || (c >= '0' && c <= '9')
          || c == '-'
          || c == '_'
          || (c >= 'A' && c <= 'Z'))) {
        return false;
      } else if (i == labelStart + 3
          && c == '-'
          && name.charAt(i - 1) == '-'
          && (name.charAt(i - 2) | 0x20) == 'n'
          && (name.charAt(i - 3) | 0x20) == 'x') {
        return false;
      }
    }
    return true;
  }

  static String viaUts46(String name) throws InvalidHostException {
    IDNA.Info info = new IDNA.Info();
    StringBuilder ascii = new StringBuilder(name.length() + 16);
    UTS46.nameToASCII(name, ascii, info);
    for (IDNA.Error error : info.getErrors()) {
      if (!NOT_APPLIED.contains(error)) {
        throw new InvalidHostException(describe(error));
      }
    }
    for (int i = 0; i < ascii.length(); i++) {
      if (ascii.charAt(i) > 0x7f) {
        // Never seen without an error above; refused rather than passed to a resolver.
        throw new InvalidHostException("internationalized name that does not map to ASCII");
      }
    }
    return ascii.toString().toLowerCase(Locale.ROOT);
  }

  private static String describe(IDNA.Error error) {
    return switch (error) {
      case BIDI -> "internationalized name that breaks the IDNA bidi rule";
      case CONTEXTJ -> "zero-width joiner or non-joiner where IDNA does not allow one";
      case CONTEXTO_DIGITS, CONTEXTO_PUNCTUATION ->
          "character used outside the context IDNA allows for it";
      case DISALLOWED -> "character not allowed in host names";
      case LEADING_COMBINING_MARK -> "label starts with a combining mark";
      case PUNYCODE, INVALID_ACE_LABEL -> "invalid punycode (xn--) label";
      case LABEL_HAS_DOT -> "punycode (xn--) label that decodes to a dot";
      default -> "invalid internationalized name";
    };
  }
}
