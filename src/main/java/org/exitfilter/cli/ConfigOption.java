package org.exitfilter.cli;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --config} option of every command that reads the configuration but {@code run}. */
final class ConfigOption {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      defaultValue = "conf/exitfilter.yaml",
      description = "The configuration file (default: ${DEFAULT-VALUE}).")
  Path config;
}
