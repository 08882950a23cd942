package org.exitfilter.net;

/** A host that no browser would resolve: the message says why, without echoing the input. */
public final class InvalidHostException extends Exception {
  public InvalidHostException(String reason) {
    super(reason, null, false, false);
  }
}
