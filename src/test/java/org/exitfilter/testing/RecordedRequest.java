package org.exitfilter.testing;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A request head as an origin received it: a copy taken on arrival, so later assertions see exactly
 * what came over the wire (minus the body).
 *
 * @param connection which accepted connection it came on, counting from 1; two requests with the
 *     same number shared a kept-alive connection
 * @param method the method, e.g. {@code GET}
 * @param uri the request target as sent: origin-form ({@code /echo?x=1}) or absolute-form
 * @param protocol e.g. {@code HTTP/1.1}
 * @param headers every header field in arrival order, names as sent
 */
public record RecordedRequest(
    int connection,
    String method,
    String uri,
    String protocol,
    List<Map.Entry<String, String>> headers) {

  public RecordedRequest {
    headers = List.copyOf(headers);
  }

  /** The first value of the named header (case-insensitive), or {@code null} if absent. */
  public String header(String name) {
    List<String> values = headers(name);
    return values.isEmpty() ? null : values.get(0);
  }

  /** Every value of the named header (case-insensitive), in arrival order. */
  public List<String> headers(String name) {
    String wanted = name.toLowerCase(Locale.ROOT);
    return headers.stream()
        .filter(h -> h.getKey().toLowerCase(Locale.ROOT).equals(wanted))
        .map(Map.Entry::getValue)
        .toList();
  }

  /** Whether the named header is present (case-insensitive). */
  public boolean hasHeader(String name) {
    return !headers(name).isEmpty();
  }

  /** The header names in arrival order, as sent. */
  public List<String> headerNames() {
    return headers.stream().map(Map.Entry::getKey).toList();
  }

  /** The request line, e.g. {@code GET /echo HTTP/1.1}. */
  public String requestLine() {
    return method + " " + uri + " " + protocol;
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(requestLine()).append('\n');
    for (Map.Entry<String, String> header : headers) {
      text.append(header.getKey()).append(": ").append(header.getValue()).append('\n');
    }
    return text.toString();
  }
}
