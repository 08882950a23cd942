package org.exitfilter.proxy;

import io.netty.handler.codec.http.HttpResponseStatus;
import org.exitfilter.proxy.ProxyObserver.Outcome;

/**
 * Every way the proxy can refuse or fail a request, each mapped to exactly one status, one RFC 9209
 * {@code Proxy-Status} error type and one metrics {@link Outcome}.
 */
enum ProxyError {
  BAD_REQUEST(HttpResponseStatus.BAD_REQUEST, "http_request_error", Outcome.BAD_REQUEST),
  URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, "http_request_error", Outcome.BAD_REQUEST),
  HEADERS_TOO_LARGE(
      HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE,
      "http_request_error",
      Outcome.BAD_REQUEST),
  REQUEST_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT, "http_request_error", Outcome.BAD_REQUEST),
  BLOCKED(HttpResponseStatus.FORBIDDEN, "http_request_denied", Outcome.BLOCKED),
  PORT_NOT_ALLOWED(HttpResponseStatus.FORBIDDEN, "http_request_denied", Outcome.PROHIBITED),
  DESTINATION_PROHIBITED(
      HttpResponseStatus.FORBIDDEN, "destination_ip_prohibited", Outcome.PROHIBITED),
  DNS_ERROR(HttpResponseStatus.BAD_GATEWAY, "dns_error", Outcome.UPSTREAM_ERROR),
  DNS_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "dns_timeout", Outcome.UPSTREAM_ERROR),
  CONNECTION_REFUSED(HttpResponseStatus.BAD_GATEWAY, "connection_refused", Outcome.UPSTREAM_ERROR),
  CONNECTION_TIMEOUT(
      HttpResponseStatus.GATEWAY_TIMEOUT, "connection_timeout", Outcome.UPSTREAM_ERROR),
  DESTINATION_UNAVAILABLE(
      HttpResponseStatus.BAD_GATEWAY, "destination_unavailable", Outcome.UPSTREAM_ERROR),
  RESPONSE_INCOMPLETE(
      HttpResponseStatus.BAD_GATEWAY, "http_response_incomplete", Outcome.UPSTREAM_ERROR),
  RESPONSE_HEADERS_TOO_LARGE(
      HttpResponseStatus.BAD_GATEWAY, "http_response_header_section_size", Outcome.UPSTREAM_ERROR),
  RESPONSE_INVALID(HttpResponseStatus.BAD_GATEWAY, "http_protocol_error", Outcome.UPSTREAM_ERROR),
  RESPONSE_TIMEOUT(
      HttpResponseStatus.GATEWAY_TIMEOUT, "http_response_timeout", Outcome.UPSTREAM_ERROR),
  CONNECTION_LIMIT(
      HttpResponseStatus.SERVICE_UNAVAILABLE, "connection_limit_reached", Outcome.PROHIBITED);

  final HttpResponseStatus status;
  final String proxyStatusError;

  /** How a request refused or failed this way is counted in the metrics. */
  final Outcome outcome;

  ProxyError(HttpResponseStatus status, String proxyStatusError, Outcome outcome) {
    this.status = status;
    this.proxyStatusError = proxyStatusError;
    this.outcome = outcome;
  }

  /**
   * The {@code Proxy-Status} field value. Details are fixed text chosen by the proxy, never the
   * destination, so nothing a user sent is reflected into headers.
   */
  String proxyStatus(String details) {
    return details == null
        ? "exitfilter; error=" + proxyStatusError
        : "exitfilter; error=" + proxyStatusError + "; details=\"" + details + "\"";
  }
}
