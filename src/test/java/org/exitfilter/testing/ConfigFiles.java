package org.exitfilter.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ConfigLoader;

/** An {@code exitfilter.yaml} written line by line into a test's folder, to load or to refuse. */
public final class ConfigFiles {
  private ConfigFiles() {}

  /** Writes {@code lines} as {@code dir/exitfilter.yaml} and returns the file. */
  public static Path write(Path dir, String... lines) throws IOException {
    Path file = dir.resolve("exitfilter.yaml");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  /**
   * Writes {@code lines} as {@link #write} does and returns every problem the loader finds, each as
   * {@code LINE:COLUMN message}; fails the test when the config loads.
   */
  public static List<String> problems(Path dir, String... lines) throws IOException {
    Path file = write(dir, lines);
    ConfigException e = catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file));
    assertThat(e).as("the config should not load").isNotNull();
    return e.problems().stream()
        .map(p -> p.where().line() + ":" + p.where().column() + " " + p.message())
        .toList();
  }
}
