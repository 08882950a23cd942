package org.exitfilter.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An HTTP response exactly as it came off a socket, read by {@link RawClient}.
 *
 * @param statusLine the first line, e.g. {@code HTTP/1.1 403 Forbidden}
 * @param status the status code from it
 * @param headers every header field in arrival order, names as sent
 * @param body the body with any chunked framing removed; empty when only the head was read
 */
public record RawResponse(
    String statusLine, int status, List<Map.Entry<String, String>> headers, byte[] body) {

  public RawResponse {
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

  public boolean hasHeader(String name) {
    return !headers(name).isEmpty();
  }

  /** The body decoded as UTF-8. */
  public String bodyText() {
    return new String(body, UTF_8);
  }

  /** The same head with a body. */
  RawResponse withBody(byte[] newBody) {
    return new RawResponse(statusLine, status, headers, newBody);
  }

  @Override
  public String toString() {
    StringBuilder text = new StringBuilder(statusLine).append('\n');
    headers.forEach(h -> text.append(h.getKey()).append(": ").append(h.getValue()).append('\n'));
    return text.append("(").append(body.length).append(" body bytes)").toString();
  }
}
