package org.exitfilter.proxy;

import io.netty.util.AsciiString;

/**
 * Field names that browsers and common clients send with every request, and origins with every
 * response, in the exact spelling they use, as shared constants: the decoders ({@link
 * StrictRequestDecoder}, {@link UpstreamCodec}) hand these out instead of copying the name of every
 * field of every message. Only an exact byte match counts, so a field's spelling is never changed;
 * any other name is copied as before.
 */
final class KnownFieldNames {
  /** What browsers and curl send. */
  static final KnownFieldNames REQUEST =
      new KnownFieldNames(
          "Host",
          "User-Agent",
          "Accept",
          "Accept-Language",
          "Accept-Encoding",
          "Accept-Charset",
          "Connection",
          "Proxy-Connection",
          "Keep-Alive",
          "Upgrade-Insecure-Requests",
          "Cache-Control",
          "Pragma",
          "Referer",
          "Origin",
          "Cookie",
          "Authorization",
          "Content-Type",
          "Content-Length",
          "Transfer-Encoding",
          "Range",
          "If-Modified-Since",
          "If-None-Match",
          "If-Range",
          "DNT",
          "TE",
          "Priority",
          "Sec-Fetch-Dest",
          "Sec-Fetch-Mode",
          "Sec-Fetch-Site",
          "Sec-Fetch-User",
          "Sec-GPC",
          "X-Requested-With");

  /** What common servers (nginx, Apache, CDNs) send. */
  static final KnownFieldNames RESPONSE =
      new KnownFieldNames(
          "Server",
          "Date",
          "Content-Type",
          "Content-Length",
          "Content-Encoding",
          "Content-Language",
          "Content-Range",
          "Content-Security-Policy",
          "Content-Disposition",
          "Transfer-Encoding",
          "Connection",
          "Keep-Alive",
          "Last-Modified",
          "ETag",
          "Expires",
          "Cache-Control",
          "Pragma",
          "Age",
          "Vary",
          "Accept-Ranges",
          "Location",
          "Set-Cookie",
          "Strict-Transport-Security",
          "X-Content-Type-Options",
          "X-Frame-Options",
          "Referrer-Policy",
          "Access-Control-Allow-Origin",
          "Alt-Svc",
          "content-type",
          "content-length",
          "date",
          "server");

  /** The constants by name length; each length has only a few. */
  private final AsciiString[][] byLength;

  private KnownFieldNames(String... names) {
    int longest = 0;
    for (String name : names) {
      longest = Math.max(longest, name.length());
    }
    byLength = new AsciiString[longest + 1][];
    for (int length = 0; length <= longest; length++) {
      int count = 0;
      for (String name : names) {
        count += name.length() == length ? 1 : 0;
      }
      byLength[length] = new AsciiString[count];
      count = 0;
      for (String name : names) {
        if (name.length() == length) {
          byLength[length][count++] = AsciiString.cached(name);
        }
      }
    }
  }

  /** The constant spelled exactly as {@code bytes[start, start + length)}, or null. */
  AsciiString find(byte[] bytes, int start, int length) {
    if (length >= byLength.length) {
      return null;
    }
    for (AsciiString name : byLength[length]) {
      if (sameBytes(name, bytes, start)) {
        return name;
      }
    }
    return null;
  }

  private static boolean sameBytes(AsciiString name, byte[] bytes, int start) {
    for (int i = 0; i < name.length(); i++) {
      if (name.byteAt(i) != bytes[start + i]) {
        return false;
      }
    }
    return true;
  }
}
