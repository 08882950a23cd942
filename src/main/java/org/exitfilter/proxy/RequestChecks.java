package org.exitfilter.proxy;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.Iterator;
import java.util.List;

/**
 * Refuses request heads that two parsers could read differently (the request smuggling forms): what
 * the decoder could not parse, a second {@code Host}, a {@code Transfer-Encoding} other than
 * exactly {@code chunked}, too many header fields. Duplicate or malformed {@code Content-Length}
 * and {@code Content-Length} beside {@code Transfer-Encoding} are already decoder failures (see
 * {@link StrictRequestDecoder}).
 */
final class RequestChecks {
  private final int maxHeaderCount;

  RequestChecks(int maxHeaderCount) {
    this.maxHeaderCount = maxHeaderCount;
  }

  /** Returns normally when the head may be acted on. */
  void check(HttpRequest request) throws ProxyException {
    DecoderResult result = request.decoderResult();
    if (result.isFailure()) {
      Throwable cause = result.cause();
      if (cause instanceof TooLongHttpLineException) {
        throw new ProxyException(ProxyError.URI_TOO_LONG, "request line too long");
      }
      if (cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException) {
        throw new ProxyException(ProxyError.HEADERS_TOO_LARGE, "header section too large");
      }
      throw new ProxyException(ProxyError.BAD_REQUEST, "malformed request");
    }
    HttpHeaders headers = request.headers();
    if (headers.size() > maxHeaderCount) {
      throw new ProxyException(ProxyError.HEADERS_TOO_LARGE, "too many header fields");
    }
    if (moreThanOne(headers, HttpHeaderNames.HOST)) {
      throw new ProxyException(ProxyError.BAD_REQUEST, "more than one Host field");
    }
    // Most requests have none; getAll would build two lists to say so.
    if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      List<String> codings = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
      if (codings.size() > 1 || !codings.get(0).trim().equalsIgnoreCase("chunked")) {
        throw new ProxyException(ProxyError.BAD_REQUEST, "Transfer-Encoding other than chunked");
      }
    }
  }

  private static boolean moreThanOne(HttpHeaders headers, CharSequence name) {
    if (headers instanceof CompactHeaders compact) {
      // Every request has a Host field; counting it in place costs no iterator.
      return compact.count(name) > 1;
    }
    Iterator<? extends CharSequence> values = headers.valueCharSequenceIterator(name);
    if (!values.hasNext()) {
      return false;
    }
    values.next();
    return values.hasNext();
  }
}
