package org.exitfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ValidateCommandTest {
  @TempDir Path dir;

  @Test
  void aValidListExitsZeroWithItsCountsPerKind() throws Exception {
    Path list =
        Cli.write(
            dir,
            "blocklist.yaml",
            "bans:",
            "  - domain: example.org",
            "  - domain: example.net",
            "  - network: 203.0.113.0/24",
            "exceptions:",
            "  - host: status.example.org");

    Cli.Result result = Cli.run("validate", list.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .isEqualTo(
            list
                + ": valid; 3 bans (2 domain, 1 network), 1 exception (1 host);"
                + " 0 errors, 0 warnings\n");
    assertThat(result.err()).isEmpty();
  }

  @Test
  void everyErrorIsPrintedAtItsPlaceAndExitsThree() throws Exception {
    Path list =
        Cli.write(
            dir,
            "blocklist.yaml",
            "bans:",
            "  - domain: exa mple.org",
            "  - network: 203.0.113.1/24",
            "  - domain: example.org", // a duplicate, but errors come without warnings
            "  - domain: example.org",
            "lists:",
            "  - file: names.txt",
            "    kind: host");
    Path names = Cli.write(dir, "names.txt", "good.example", "bad..example");

    Cli.Result result = Cli.run("validate", list.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(result.out().lines())
        .hasSize(4)
        .satisfies(
            lines -> {
              assertThat(lines.get(0)).startsWith(list + ":2:13: error: ");
              assertThat(lines.get(1))
                  .isEqualTo(
                      list
                          + ":3:14: error: invalid network: 203.0.113.1/24 has host bits set; did"
                          + " you mean 203.0.113.0/24?");
              assertThat(lines.get(2)).startsWith(names + ":2: error: ");
              assertThat(lines.get(3)).isEqualTo(list + ": invalid; 3 errors, 0 warnings");
            });
  }

  @Test
  void everyWarningKindIsPrintedAndTheListIsStillValid() throws Exception {
    Path list =
        Cli.write(
            dir,
            "blocklist.yaml",
            "bans:",
            "  - domain: example.org",
            "  - domain: example.org",
            "  - host: old.example.net",
            "    requested-on: 1999-12-01",
            "    expires: 2000-01-31",
            "  - host: www.example.org",
            "exceptions:",
            "  - host: www.example.com");

    Cli.Result result = Cli.run("validate", list.toString());

    assertThat(result.exitCode()).as("warnings alone pass").isEqualTo(ExitCodes.OK);
    assertThat(result.out().lines())
        .containsExactly(
            list + ":3:5: warning: duplicate entry: domain example.org is also at line 2",
            list
                + ":4:5: warning: entry expired on 2000-01-31 and no longer applies; remove it"
                + " or extend expires",
            list
                + ":7:5: warning: host www.example.org is shadowed by domain example.org at "
                + list
                + ":2, which already refuses all it covers, so it never decides anything",
            list
                + ":9:5: warning: exception host www.example.com matches no ban, so it has no"
                + " effect",
            list
                + ": valid; 4 bans (2 domain, 2 host), 1 exception (1 host); 0 errors,"
                + " 4 warnings");
  }

  @Test
  void withoutAFileTheBlocklistTheConfigurationNamesIsChecked() throws Exception {
    Path config = Cli.write(dir, "exitfilter.yaml", "blocklist: lists/main.yaml");
    Path list =
        Cli.write(
            dir,
            "lists/main.yaml",
            "bans:",
            "  - network: 203.0.113.0/24",
            "  - network: 203.0.113.7");

    Cli.Result result = Cli.run("validate", "--config", config.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out().lines())
        .containsExactly(
            list
                + ":3:5: warning: network 203.0.113.7/32 is shadowed by network 203.0.113.0/24 at "
                + list
                + ":2, which already refuses all it covers, so it never decides anything",
            list + ": valid; 2 bans (2 network), 0 exceptions; 0 errors, 1 warning");
  }

  @Test
  void anInvalidConfigurationIsReportedWhenItNamesTheBlocklist() throws Exception {
    Path config = Cli.write(dir, "exitfilter.yaml", "blocklist: blocklist.yaml", "lisen: x");
    Cli.write(dir, "blocklist.yaml", "bans: []");

    Cli.Result result = Cli.run("validate", "-c", config.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(result.out().lines())
        .hasSize(2)
        .first()
        .asString()
        .startsWith(config + ":2:1: error: ");
    assertThat(result.out()).endsWith(config + ": invalid; 1 error, 0 warnings\n");
  }

  @Test
  void anEmptyListIsValid() throws Exception {
    Path list = Cli.write(dir, "blocklist.yaml", "# nothing banned yet");

    Cli.Result result = Cli.run("validate", list.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.OK);
    assertThat(result.out())
        .isEqualTo(list + ": valid; 0 bans, 0 exceptions; 0 errors, 0 warnings\n");
  }

  @Test
  void aMissingFileExitsFour() {
    Path missing = dir.resolve("missing.yaml");

    Cli.Result result = Cli.run("validate", missing.toString());

    assertThat(result.exitCode()).isEqualTo(ExitCodes.FAILURE);
    assertThat(result.err()).isEqualTo("exitfilter: cannot read " + missing + ": no such file\n");
  }

  @Test
  void theShippedBlocklistIsValid() {
    Cli.Result result = Cli.run("validate", "--config", "conf/exitfilter.yaml");

    assertThat(result.exitCode()).as(result.out()).isEqualTo(ExitCodes.OK);
    assertThat(result.out()).as("no warnings").startsWith("conf/blocklist.yaml: valid; ");
  }
}
