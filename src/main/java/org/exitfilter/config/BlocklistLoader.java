package org.exitfilter.config;

import java.io.IOException;
import java.nio.file.Path;

/** Reads and validates a blocklist YAML file and the plain-text lists it names. */
public final class BlocklistLoader {
  private BlocklistLoader() {}

  /**
   * Loads a blocklist.
   *
   * @throws ConfigException listing every problem as file:line:column, all at once
   * @throws IOException when the file cannot be read
   */
  public static Blocklist load(Path file) throws ConfigException, IOException {
    throw new UnsupportedOperationException("TODO");
  }
}
