package org.exitfilter.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Removes the fields that belong to one connection (RFC 9110 §7.6.1) and every {@code Proxy-*}
 * field, and, for anonymity, any field that describes the path a request took before the exit.
 * Framing fields ({@code Content-Length}, {@code Transfer-Encoding}) are left to the caller.
 */
final class HopByHop {
  // An array: a loop over it on every request and response makes no iterator.
  private static final AsciiString[] ALWAYS = {
    HttpHeaderNames.CONNECTION,
    HttpHeaderNames.KEEP_ALIVE,
    // Would go as a Proxy-* field too; named here, browsers' one costs no list of names.
    HttpHeaderNames.PROXY_CONNECTION,
    HttpHeaderNames.TE,
    HttpHeaderNames.TRAILER,
    HttpHeaderNames.UPGRADE,
    HttpHeaderNames.VIA,
    AsciiString.cached("forwarded"),
    AsciiString.cached("x-forwarded-for"),
    AsciiString.cached("x-forwarded-host"),
    AsciiString.cached("x-forwarded-proto"),
    AsciiString.cached("x-real-ip")
  };

  private static final String KEEP_ALIVE = "keep-alive";

  private HopByHop() {}

  /**
   * Runs on every request and every response head, so it works on the headers' own {@code
   * CharSequence}s: nothing is converted to a {@code String} unless a field must go.
   */
  static void strip(HttpHeaders headers) {
    // Fields named in Connection are hop-by-hop too; collect them before Connection goes.
    List<String> named = null;
    if (headers.contains(HttpHeaderNames.CONNECTION)) {
      Iterator<? extends CharSequence> values =
          headers.valueCharSequenceIterator(HttpHeaderNames.CONNECTION);
      while (values.hasNext()) {
        named = addNamedFields(values.next(), named);
      }
    }
    if (named != null) {
      named.forEach(headers::remove);
    }
    for (AsciiString name : ALWAYS) {
      headers.remove(name);
    }
    List<CharSequence> proxyFields = null;
    Iterator<Map.Entry<CharSequence, CharSequence>> fields = headers.iteratorCharSequence();
    while (fields.hasNext()) {
      CharSequence name = fields.next().getKey();
      if (AsciiString.regionMatches(name, true, 0, "proxy-", 0, 6)) {
        if (proxyFields == null) {
          proxyFields = new ArrayList<>(2);
        }
        proxyFields.add(name);
      }
    }
    if (proxyFields != null) {
      proxyFields.forEach(headers::remove);
    }
  }

  /** Adds the field names listed in one Connection value, lower-cased, to {@code named}. */
  private static List<String> addNamedFields(CharSequence value, List<String> named) {
    int start = 0;
    while (start <= value.length()) {
      int comma = AsciiString.indexOf(value, ',', start);
      int end = comma < 0 ? value.length() : comma;
      int from = start;
      int to = end;
      // What String.trim removes.
      while (from < to && value.charAt(from) <= ' ') {
        from++;
      }
      while (to > from && value.charAt(to - 1) <= ' ') {
        to--;
      }
      if (from < to && !isKeepAlive(value, from, to)) {
        String name = value.subSequence(from, to).toString().toLowerCase(Locale.ROOT);
        if (!isFraming(name)) {
          if (named == null) {
            named = new ArrayList<>(2);
          }
          named.add(name);
        }
      }
      start = end + 1;
    }
    return named;
  }

  // Keep-Alive is removed anyway; the most common Connection value costs no string.
  private static boolean isKeepAlive(CharSequence value, int from, int to) {
    return to - from == KEEP_ALIVE.length()
        && AsciiString.regionMatches(value, true, from, KEEP_ALIVE, 0, KEEP_ALIVE.length());
  }

  // A Connection header must not talk the proxy out of the framing it validated.
  private static boolean isFraming(String name) {
    return name.equals("content-length") || name.equals("transfer-encoding") || name.equals("host");
  }
}
