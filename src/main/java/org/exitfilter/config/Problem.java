package org.exitfilter.config;

/** One thing wrong (or worth a warning) in a file the operator wrote. */
public record Problem(Source where, String message) {

  @Override
  public String toString() {
    return where + ": " + message;
  }
}
