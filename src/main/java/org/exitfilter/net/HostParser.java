package org.exitfilter.net;

import java.util.Locale;
import java.util.Objects;

/**
 * The one parser of destination hosts. Its output is what the blocklist is matched against and what
 * the proxy connects to, so no spelling of a host can be checked as one thing and reached as
 * another.
 */
public final class HostParser {
  /** Longest DNS name in text form, without the trailing dot (RFC 1035, 255 octets on the wire). */
  private static final int MAX_NAME_LENGTH = 253;

  private static final int MAX_LABEL_LENGTH = 63;

  /**
   * Longest input looked at. UTS #46 may drop characters (soft hyphens), so the raw text of a valid
   * name can exceed 253 characters, but not by this much; the bound keeps the IDNA work per request
   * small.
   */
  private static final int MAX_INPUT_LENGTH = 1024;

  private HostParser() {}

  /**
   * Normalizes a host as found in a URI, a CONNECT target or a TLS SNI: IPv6 in brackets, IPv4 in
   * every spelling browsers accept, or a name (lowercased, one trailing dot removed, IDN converted
   * with UTS #46 non-transitional processing).
   *
   * <p>Follows the WHATWG URL standard's host parser for special schemes, stricter in three ways:
   * percent-encoding is refused rather than decoded, DNS lengths are enforced, and empty labels are
   * refused. Bare IPv6 (no brackets) is accepted when the text contains {@code ':'}, as TLS SNI and
   * some CONNECT clients give it; a name never contains {@code ':'}.
   *
   * @throws InvalidHostException for percent-encoding, forbidden characters, empty labels, names
   *     over 253 characters or labels over 63, or a numeric-looking last label that is not a valid
   *     IPv4 address
   */
  public static Host parse(String raw) throws InvalidHostException {
    Objects.requireNonNull(raw, "raw");
    if (raw.isEmpty()) {
      throw new InvalidHostException("empty host");
    }
    if (raw.length() > MAX_INPUT_LENGTH) {
      throw new InvalidHostException("host longer than " + MAX_INPUT_LENGTH + " characters");
    }
    if (raw.charAt(0) == '[') {
      if (raw.charAt(raw.length() - 1) != ']') {
        throw new InvalidHostException("IPv6 literal without its closing ']'");
      }
      return ipv6(raw.substring(1, raw.length() - 1));
    }
    if (raw.indexOf(':') >= 0) {
      return ipv6(raw);
    }
    if (raw.indexOf('%') >= 0) {
      throw new InvalidHostException("percent-encoded host");
    }
    // Checked before IDNA only for a clearer message; checked again after, because UTS #46 maps
    // fullwidth forms such as U+FF0F to their ASCII counterparts.
    rejectForbidden(raw);
    String ascii = IdnaNames.toAscii(raw);
    rejectForbidden(ascii);
    if (Ipv4Literal.endsInNumber(ascii)) {
      return new Host.Ip(InetAddresses.fromBytes(Ipv4Literal.parse(ascii)));
    }
    return new Host.Name(checkedName(ascii));
  }

  /** Like {@link #parse} but accepts only names, as blocklist entries need. */
  public static Host.Name parseName(String raw) throws InvalidHostException {
    Host host = parse(raw);
    if (host instanceof Host.Name name) {
      return name;
    }
    throw new InvalidHostException(
        "an IP address, not a name; write it as a network: entry to ban an address");
  }

  private static Host.Ip ipv6(String text) throws InvalidHostException {
    return new Host.Ip(InetAddresses.fromBytes(Ipv6Literal.parse(text)));
  }

  /** Removes one trailing dot and enforces DNS lengths; two trailing dots are an empty label. */
  private static String checkedName(String ascii) throws InvalidHostException {
    String name = ascii.endsWith(".") ? ascii.substring(0, ascii.length() - 1) : ascii;
    if (name.isEmpty()) {
      throw new InvalidHostException("empty host");
    }
    if (name.length() > MAX_NAME_LENGTH) {
      throw new InvalidHostException("name longer than " + MAX_NAME_LENGTH + " characters");
    }
    int labelStart = 0;
    while (labelStart <= name.length()) {
      int dot = name.indexOf('.', labelStart);
      int labelEnd = dot < 0 ? name.length() : dot;
      if (labelEnd == labelStart) {
        throw new InvalidHostException("empty label");
      }
      if (labelEnd - labelStart > MAX_LABEL_LENGTH) {
        throw new InvalidHostException("label longer than " + MAX_LABEL_LENGTH + " characters");
      }
      labelStart = labelEnd + 1;
    }
    return name;
  }

  /**
   * Refuses the WHATWG forbidden domain code points: C0 controls, space, DEL and {@code
   * #%/:<>?@[\]^|}. Each of them either ends a host in a URL or means something to a resolver or a
   * log reader.
   */
  private static void rejectForbidden(String text) throws InvalidHostException {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c <= 0x20 || c == 0x7f || "#%/:<>?@[\\]^|".indexOf(c) >= 0) {
        if (c == '%') {
          throw new InvalidHostException("percent-encoded host");
        }
        throw new InvalidHostException("forbidden character " + describe(c) + " in host");
      }
    }
  }

  private static String describe(char c) {
    String codePoint = String.format(Locale.ROOT, "U+%04X", (int) c);
    return c > 0x20 && c < 0x7f ? codePoint + " '" + c + "'" : codePoint;
  }
}
