package org.exitfilter.config;

import java.io.IOException;
import java.nio.file.Path;

/** Reads and validates {@code exitfilter.yaml}. */
public final class ConfigLoader {
  private ConfigLoader() {}

  /**
   * Loads the proxy configuration.
   *
   * @throws ConfigException listing every problem as file:line:column, all at once
   * @throws IOException when the file cannot be read
   */
  public static ProxyConfig load(Path file) throws ConfigException, IOException {
    throw new UnsupportedOperationException("TODO");
  }
}
