package org.exitfilter.proxy;

import org.exitfilter.config.Rule;

/**
 * Receives aggregate events from the proxy, for metrics. Nothing passed here identifies a user or a
 * destination: outcomes, the blocklist entry that refused (an operator's rule, not the requested
 * name), and byte counts. Called on event loops: implementations must be cheap and thread-safe.
 */
public interface ProxyObserver {
  /** An observer that ignores everything. */
  ProxyObserver NONE = new ProxyObserver() {};

  /** How a request or CONNECT ended, from the proxy's point of view. */
  enum Outcome {
    /** Forwarded to the origin and answered. */
    FORWARDED,
    /** A CONNECT tunnel was opened. */
    TUNNELED,
    /** Refused by the blocklist (by name, address or TLS server name). */
    BLOCKED,
    /** Refused because the destination address is private or the CONNECT port not allowed. */
    PROHIBITED,
    /** A malformed, oversized or too slow request. */
    BAD_REQUEST,
    /** DNS, connection or origin failure. */
    UPSTREAM_ERROR,
    /** A request addressed to the proxy itself, answered with the informational page. */
    INFO_PAGE
  }

  /** One request or CONNECT ended; {@code rule} is the deciding entry for BLOCKED, else null. */
  default void outcome(Outcome outcome, Rule rule) {}

  /** A client connection opened ({@code +1}) or closed ({@code -1}). */
  default void clientConnections(int delta) {}

  /** A tunnel opened ({@code +1}) or closed ({@code -1}). */
  default void tunnels(int delta) {}

  /** Bytes relayed from clients to origins. */
  default void bytesUpstream(long bytes) {}

  /** Bytes relayed from origins to clients. */
  default void bytesDownstream(long bytes) {}
}
