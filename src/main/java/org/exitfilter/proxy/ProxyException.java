package org.exitfilter.proxy;

import org.exitfilter.config.Rule;

/**
 * A refusal or failure on the way to the destination, carrying the one {@link ProxyError} that the
 * client will see and a short fixed explanation (never the destination or the client).
 */
final class ProxyException extends Exception {
  final ProxyError error;

  /** The blocklist entry behind a {@link ProxyError#BLOCKED}, for the block page; else null. */
  final Rule rule;

  ProxyException(ProxyError error, String details) {
    this(error, details, null);
  }

  ProxyException(ProxyError error, String details, Rule rule) {
    super(details, null, false, false);
    this.error = error;
    this.rule = rule;
  }
}
