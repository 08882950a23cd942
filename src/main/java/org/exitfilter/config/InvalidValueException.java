package org.exitfilter.config;

/** A value the operator wrote that cannot be used; the message says why, ready to show. */
final class InvalidValueException extends Exception {
  InvalidValueException(String message) {
    super(message, null, false, false);
  }
}
