package org.exitfilter.proxy;

import io.netty.handler.codec.http.HttpResponseStatus;

/**
 * Every way the proxy can refuse or fail a request, each mapped to exactly one status and one RFC
 * 9209 {@code Proxy-Status} error type.
 */
enum ProxyError {
  BAD_REQUEST(HttpResponseStatus.BAD_REQUEST, "http_request_error"),
  URI_TOO_LONG(HttpResponseStatus.REQUEST_URI_TOO_LONG, "http_request_error"),
  HEADERS_TOO_LARGE(HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE, "http_request_error"),
  REQUEST_TIMEOUT(HttpResponseStatus.REQUEST_TIMEOUT, "http_request_error"),
  BLOCKED(HttpResponseStatus.FORBIDDEN, "http_request_denied"),
  PORT_NOT_ALLOWED(HttpResponseStatus.FORBIDDEN, "http_request_denied"),
  DESTINATION_PROHIBITED(HttpResponseStatus.FORBIDDEN, "destination_ip_prohibited"),
  DNS_ERROR(HttpResponseStatus.BAD_GATEWAY, "dns_error"),
  DNS_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "dns_timeout"),
  CONNECTION_REFUSED(HttpResponseStatus.BAD_GATEWAY, "connection_refused"),
  CONNECTION_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "connection_timeout"),
  DESTINATION_UNAVAILABLE(HttpResponseStatus.BAD_GATEWAY, "destination_unavailable"),
  RESPONSE_INCOMPLETE(HttpResponseStatus.BAD_GATEWAY, "http_response_incomplete"),
  RESPONSE_HEADERS_TOO_LARGE(HttpResponseStatus.BAD_GATEWAY, "http_response_header_section_size"),
  RESPONSE_INVALID(HttpResponseStatus.BAD_GATEWAY, "http_protocol_error"),
  RESPONSE_TIMEOUT(HttpResponseStatus.GATEWAY_TIMEOUT, "http_response_timeout"),
  CONNECTION_LIMIT(HttpResponseStatus.SERVICE_UNAVAILABLE, "connection_limit_reached");

  final HttpResponseStatus status;
  final String proxyStatusError;

  ProxyError(HttpResponseStatus status, String proxyStatusError) {
    this.status = status;
    this.proxyStatusError = proxyStatusError;
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
