package org.exitfilter.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Removes the fields that belong to one connection (RFC 9110 §7.6.1) and every {@code Proxy-*}
 * field, and, for anonymity, any field that describes the path a request took before the exit.
 * Framing fields ({@code Content-Length}, {@code Transfer-Encoding}) are left to the caller.
 */
final class HopByHop {
  private static final List<AsciiString> ALWAYS =
      List.of(
          HttpHeaderNames.CONNECTION,
          HttpHeaderNames.KEEP_ALIVE,
          HttpHeaderNames.TE,
          HttpHeaderNames.TRAILER,
          HttpHeaderNames.UPGRADE,
          HttpHeaderNames.VIA,
          AsciiString.cached("forwarded"),
          AsciiString.cached("x-forwarded-for"),
          AsciiString.cached("x-forwarded-host"),
          AsciiString.cached("x-forwarded-proto"),
          AsciiString.cached("x-real-ip"));

  private HopByHop() {}

  static void strip(HttpHeaders headers) {
    // Fields named in Connection are hop-by-hop too; collect them before Connection goes.
    List<String> named = null;
    for (String value : headers.getAll(HttpHeaderNames.CONNECTION)) {
      for (String token : value.split(",")) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty() && !isFraming(name)) {
          if (named == null) {
            named = new ArrayList<>(2);
          }
          named.add(name);
        }
      }
    }
    if (named != null) {
      named.forEach(headers::remove);
    }
    for (AsciiString name : ALWAYS) {
      headers.remove(name);
    }
    List<String> proxyFields = null;
    for (Map.Entry<String, String> field : headers) {
      if (field.getKey().regionMatches(true, 0, "proxy-", 0, 6)) {
        if (proxyFields == null) {
          proxyFields = new ArrayList<>(2);
        }
        proxyFields.add(field.getKey());
      }
    }
    if (proxyFields != null) {
      proxyFields.forEach(headers::remove);
    }
  }

  // A Connection header must not talk the proxy out of the framing it validated.
  private static boolean isFraming(String name) {
    return name.equals("content-length") || name.equals("transfer-encoding") || name.equals("host");
  }
}
