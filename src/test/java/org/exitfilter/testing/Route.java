package org.exitfilter.testing;

import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;

/**
 * Which origin endpoint a request target names, with its parameter; unknown or malformed targets
 * map to {@link Kind#NOT_FOUND} or {@link Kind#BAD_REQUEST} with the reason in {@code problem}.
 */
record Route(Route.Kind kind, long n, int status, String problem) {

  enum Kind {
    ROOT,
    ECHO,
    BYTES,
    CHUNKED,
    CLOSE,
    HALF,
    UPLOAD,
    STATUS,
    HANG,
    RESET,
    STALL,
    ABORT,
    HOP_BY_HOP,
    NOT_FOUND,
    BAD_REQUEST
  }

  private static Route of(Kind kind) {
    return new Route(kind, 0, 0, null);
  }

  private static Route bad(String problem) {
    return new Route(Kind.BAD_REQUEST, 0, 0, problem);
  }

  /** Parses an origin-form or absolute-form request target. */
  static Route parse(String target) {
    String originForm = originForm(target);
    if (originForm == null) {
      return new Route(Kind.NOT_FOUND, 0, 0, "not a path: " + target);
    }
    QueryStringDecoder query = new QueryStringDecoder(originForm);
    String path = query.path();
    switch (path) {
      case "/":
        return of(Kind.ROOT);
      case "/echo":
        return of(Kind.ECHO);
      case "/upload":
        return of(Kind.UPLOAD);
      case "/hang":
        return of(Kind.HANG);
      case "/reset":
        return of(Kind.RESET);
      case "/stall":
        return of(Kind.STALL);
      case "/hop-by-hop":
        return of(Kind.HOP_BY_HOP);
      case "/abort":
        return withLength(Kind.ABORT, query);
      case "/bytes":
        return withLength(Kind.BYTES, query);
      case "/chunked":
        return withLength(Kind.CHUNKED, query);
      case "/close":
        return withLength(Kind.CLOSE, query);
      case "/half":
        return withLength(Kind.HALF, query);
      default:
        if (path.startsWith("/status/")) {
          return status(path.substring("/status/".length()));
        }
        return new Route(Kind.NOT_FOUND, 0, 0, "no endpoint " + path);
    }
  }

  /** The path and query of the target, or {@code null} for authority-form and {@code *}. */
  private static String originForm(String target) {
    if (target.startsWith("/")) {
      return target;
    }
    try {
      URI uri = new URI(target);
      if (uri.isAbsolute() && uri.getRawPath() != null) {
        String path = uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
        return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
      }
    } catch (URISyntaxException e) {
      // Not a URI, so not a path either.
    }
    return null;
  }

  private static Route withLength(Kind kind, QueryStringDecoder query) {
    List<String> values = query.parameters().get("n");
    if (values == null || values.size() != 1) {
      return bad("expected one parameter n, the body length");
    }
    try {
      long n = Long.parseLong(values.get(0));
      if (n < 0) {
        return bad("n must not be negative");
      }
      return new Route(kind, n, 0, null);
    } catch (NumberFormatException e) {
      return bad("n is not a number: " + values.get(0));
    }
  }

  private static Route status(String code) {
    if (!code.matches("[2-5][0-9][0-9]")) {
      return bad("status must be 200 to 599: " + code);
    }
    return new Route(Kind.STATUS, 0, Integer.parseInt(code), null);
  }
}
