package org.exitfilter.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.exitfilter.testing.LoopbackDns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AbuseCommandTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  Path config(String... extra) throws Exception {
    Cli.write(dir, "blocklist.yaml", "");
    List<String> lines =
        new ArrayList<>(
            List.of(
                "abuse:",
                "  addresses: [203.0.113.10]",
                "  mailbox: abuse@exitnode-operator.example"));
    lines.addAll(List.of(extra));
    return Cli.write(dir, "exitfilter.yaml", lines.toArray(String[]::new));
  }

  Path mail(String name) throws Exception {
    try (InputStream in = AbuseCommandTest.class.getResourceAsStream("/abuse/" + name)) {
      Path file = dir.resolve(name);
      Files.write(file, in.readAllBytes());
      return file;
    }
  }

  @Test
  void importListShowAndCloseWorkFromTheCommandLine() throws Exception {
    String c = config().toString();
    Cli.Result imported =
        Cli.run("abuse", "import", "-c", c, mail("08-copyright-en.eml").toString());
    assertThat(imported.exitCode()).as(imported.err()).isZero();
    assertThat(imported.out()).startsWith("new  ").contains("copyright");
    assertThat(Cli.run("abuse", "import", "-c", c, mail("08-copyright-en.eml").toString()).out())
        .startsWith("already imported  ");

    Cli.Result list = Cli.run("abuse", "list", "--json", "-c", c);
    assertThat(list.exitCode()).isZero();
    JsonNode json = JSON.readTree(list.out());
    assertThat(json.get("kind").asText()).isEqualTo("copyright");
    assertThat(json.get("ours").asBoolean()).isTrue();
    assertThat(json.get("forward-to").isNull()).as("a key that does not apply is null").isTrue();
    String id = json.get("id").asText();

    Cli.Result show = Cli.run("abuse", "show", id, "-c", c);
    assertThat(show.out()).contains("--- draft to notices@rights.example.com");

    assertThat(Cli.run("abuse", "close", id, "-c", c).exitCode())
        .as("--why is required")
        .isEqualTo(ExitCodes.USAGE);
    assertThat(Cli.run("abuse", "close", id, "--why", "answered", "-c", c).exitCode()).isZero();
    assertThat(Cli.run("abuse", "list", "--json", "-c", c).out()).isEmpty();
    assertThat(Cli.run("abuse", "show", "nope", "-c", c).exitCode()).isEqualTo(ExitCodes.FAILURE);
  }

  @Test
  void dnsblCheckExitsOneWhenAnAddressIsListed() throws Exception {
    try (LoopbackDns dns = LoopbackDns.start()) {
      dns.put("2.0.0.127.bl.example.net", "127.0.0.2");
      String c =
          config("resolver: 127.0.0.1:" + dns.port(), "dnsbl:", "  zones: [bl.example.net]")
              .toString();
      Cli.Result clean = Cli.run("dnsbl", "check", "--json", "-c", c);
      assertThat(clean.exitCode()).as(clean.err()).isZero();
      assertThat(JSON.readTree(clean.out()).get("status").asText()).isEqualTo("not-listed");

      dns.put("10.113.0.203.bl.example.net", "127.0.0.2")
          .putTxt("10.113.0.203.bl.example.net", "spam");
      Cli.Result listed = Cli.run("dnsbl", "check", "-c", c);
      assertThat(listed.exitCode()).isEqualTo(ExitCodes.BLOCKED);
      assertThat(listed.out()).isEqualTo("bl.example.net  203.0.113.10  listed  spam\n");
    }
  }
}
