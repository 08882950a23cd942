package org.exitfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunCommandTest {
  @TempDir Path dir;

  @Test
  void aConfigNamingAMissingBlockPageIsRefusedWhereItNamesIt() throws Exception {
    Path config =
        Cli.write(
            dir,
            "exitfilter.yaml",
            "listen: 127.0.0.1:0",
            "block-page: pages/missing.html",
            "admin: off");
    Cli.write(dir, "blocklist.yaml", "bans: []");

    Cli.Result result = Cli.run("run", "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(result.err())
        .contains(
            config
                + ":2:13: block-page: "
                + dir.resolve("pages/missing.html")
                + " not found (a relative path is relative to the configuration's folder;"
                + " leave the key out for the built-in page)")
        .contains("exitfilter: not started");
  }

  @Test
  void aBrokenNoticeTemplateStopsTheStartWithItsFileAndLine() throws Exception {
    Path config =
        Cli.write(
            dir,
            "exitfilter.yaml",
            "listen: 127.0.0.1:0",
            "admin: off",
            "notice:",
            "  listen: [\"127.0.0.1:0\"]",
            "  operator: Example Exit",
            "  contact: abuse@exit.example",
            "  templates: notice/");
    Cli.write(dir, "blocklist.yaml", "bans: []");
    Path template = Cli.write(dir, "notice/bans.en.mustache", "<p>", "{{#entries}}", "</p>");

    Cli.Result result = Cli.run("run", "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(result.err())
        .contains(template + ":")
        .contains("exitfilter: not started; fix the notice templates above.");
  }

  @Test
  void aBrokenListStopsTheStartWithItsFileLineAndReason() throws Exception {
    // The list loads on a thread of its own while the start goes on: its problems must still
    // reach the operator and stop the start.
    Path config = Cli.write(dir, "exitfilter.yaml", "listen: 127.0.0.1:0", "admin: off");
    Cli.write(dir, "blocklist.yaml", "lists:", "  - file: names.txt", "    kind: domain");
    Path list = Cli.write(dir, "names.txt", "example.org", "bad name here", "example.net");

    Cli.Result result = Cli.run("run", "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(result.err())
        .contains(list + ":2")
        .contains("exitfilter: not started; fix the problems above.");
  }

  @Test
  void aMissingBlocklistStopsTheStartAndSaysWhichFile() throws Exception {
    Path config = Cli.write(dir, "exitfilter.yaml", "listen: 127.0.0.1:0", "admin: off");

    Cli.Result result = Cli.run("run", "--config", config.toString());

    assertThat(result.exitCode()).isNotEqualTo(ExitCodes.OK);
    assertThat(result.err()).contains(dir.resolve("blocklist.yaml").toString());
  }
}
