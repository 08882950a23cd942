package org.exitfilter.config;

/**
 * The blocklist cannot be changed as asked without disturbing what the operator wrote, or it
 * changed while it was being edited. Nothing was written when it is thrown; the message says why.
 */
public final class BlocklistEditException extends Exception {
  public BlocklistEditException(String message) {
    super(message);
  }
}
