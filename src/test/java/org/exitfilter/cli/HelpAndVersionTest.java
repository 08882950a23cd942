package org.exitfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelpAndVersionTest {

  @ParameterizedTest
  @ValueSource(strings = {"", "run", "check", "validate"})
  void helpPrintsUsageAndExitsZero(String command) {
    Cli.Result result = command.isEmpty() ? Cli.run("--help") : Cli.run(command, "--help");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out())
        .startsWith("Usage: exitfilter" + (command.isEmpty() ? "" : " " + command));
    assertThat(result.err()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "run", "check", "validate"})
  void versionPrintsTheVersionAndExitsZero(String command) {
    Cli.Result result = command.isEmpty() ? Cli.run("--version") : Cli.run(command, "--version");

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).isEqualTo("exitfilter dev\n");
  }

  @Test
  void noCommandPrintsTheUsageWithEveryCommand() {
    Cli.Result result = Cli.run();

    assertThat(result.exitCode()).isZero();
    assertThat(result.out()).contains("run", "check", "validate");
  }

  @Test
  void anUnknownCommandOrOptionIsAUsageError() {
    assertThat(Cli.run("serve").exitCode()).isEqualTo(ExitCodes.USAGE);
    assertThat(Cli.run("validate", "--strict").exitCode()).isEqualTo(ExitCodes.USAGE);
  }
}
