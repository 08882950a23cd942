package org.exitfilter.config;

import java.time.Duration;

/**
 * Resource limits that keep one client, one origin or a crowd from taking the proxy down.
 *
 * @param maxConnections client connections open at once; beyond it new ones get 503
 * @param maxRequestLineLength longest request line accepted (414 beyond)
 * @param maxHeaderSize total size of a request's or response's header section (431 beyond)
 * @param maxHeaderCount number of header fields in one message (431 beyond)
 * @param headerTimeout time a client has to send a complete request header section
 * @param idleTimeout time a connection or tunnel may stay silent in both directions
 * @param connectTimeout time to open the upstream connection (504 beyond)
 * @param responseTimeout time from a forwarded request to the first byte of its response (504)
 */
public record Limits(
    int maxConnections,
    int maxRequestLineLength,
    int maxHeaderSize,
    int maxHeaderCount,
    Duration headerTimeout,
    Duration idleTimeout,
    Duration connectTimeout,
    Duration responseTimeout) {

  public static final Limits DEFAULTS =
      new Limits(
          10_000,
          8 * 1024,
          16 * 1024,
          100,
          Duration.ofSeconds(10),
          Duration.ofMinutes(5),
          Duration.ofSeconds(10),
          Duration.ofSeconds(60));
}
