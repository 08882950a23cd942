package org.exitfilter.proxy;

import org.exitfilter.net.HostAndPort;

/**
 * The one idle upstream connection a client connection keeps for its next request to the same
 * host:port. Never shared between client connections; confined to their event loop, so plain
 * fields. A connection in here is linked to no exchange: what its origin sends is not relayed.
 */
final class UpstreamPool {
  private UpstreamConnection idle;

  /**
   * Takes the kept connection to {@code destination} out of the pool; null when there is none that
   * is still open. A kept connection to another destination is closed: one slot, newest wins.
   */
  UpstreamConnection take(HostAndPort destination) {
    UpstreamConnection kept = idle;
    idle = null;
    if (kept == null) {
      return null;
    }
    if (kept.destination().equals(destination) && kept.channel().isActive()) {
      return kept;
    }
    kept.close();
    return null;
  }

  /** Keeps {@code connection}, unlinked, for the next request; closes the one kept before. */
  void keep(UpstreamConnection connection) {
    connection.relay().unlink();
    if (idle != null && idle != connection) {
      idle.close();
    }
    idle = connection;
    // A read stays pending on the idle connection so that the origin closing it is noticed.
    connection.channel().read();
  }

  /** Closes the kept connection, if any: the client connection is ending or changing role. */
  void close() {
    if (idle != null) {
      UpstreamConnection kept = idle;
      idle = null;
      kept.close();
    }
  }
}
