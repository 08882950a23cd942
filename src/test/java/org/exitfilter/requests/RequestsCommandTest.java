package org.exitfilter.requests;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.exitfilter.Main;
import org.exitfilter.cli.ExitCodes;
import org.exitfilter.testing.LoopbackDns;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code exitfilter requests ...} as the operator types it: output and exit codes. */
class RequestsCommandTest {
  @TempDir Path dir;

  record Run(int code, String out, String err) {}

  Run run(Workspace ws, String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out, true));
    cli.setErr(new PrintWriter(err, true));
    String[] full = new String[args.length + 2];
    full[0] = "requests";
    full[1] = args[0];
    full[2] = "--config=" + ws.config.file();
    System.arraycopy(args, 1, full, 3, args.length - 1);
    return new Run(cli.execute(full), out.toString(), err.toString());
  }

  @Test
  void anOperatorSessionFromImportToReject() throws Exception {
    Workspace ws = Workspace.in(dir).create();
    Path mail = ws.mail("plain.eml");

    Run imported = run(ws, "import", mail.toString());
    assertThat(imported.code()).isEqualTo(ExitCodes.OK);
    assertThat(imported.out()).contains("  new  forum.example.org", "1 new, 0 already imported");
    String id = imported.out().substring(0, imported.out().indexOf(' '));

    Run again = run(ws, "import", mail.toString());
    assertThat(again.out()).contains(id + "  already imported", "0 new, 1 already imported");

    Run list = run(ws, "list");
    assertThat(list.out()).contains(id, "pending", "waits for a proof");

    Run show = run(ws, "show", id);
    assertThat(show.out()).contains("---- reply to send", "_exitfilter-ban.forum.example.org");

    Run approve = run(ws, "approve", id);
    assertThat(approve.code()).isEqualTo(ExitCodes.USAGE);
    assertThat(approve.err()).contains("no proof covers forum.example.org", "--force");

    Run reject = run(ws, "reject", id, "--why", "Sender could not be reached");
    assertThat(reject.code()).isEqualTo(ExitCodes.OK);
    assertThat(run(ws, "list").out()).contains("no request waits (1 closed; --all)");
    assertThat(run(ws, "list", "--all").out()).contains(id, "rejected");
  }

  @Test
  void importListsTheSiteOfAnAddressLinkAndLeavesOutOwnAndQuotedNames() throws Exception {
    Workspace ws = Workspace.in(dir).create();

    Run address = run(ws, "import", ws.mail("ipv4-link.eml").toString());
    Run own = run(ws, "import", ws.mail("own-domain.eml").toString());
    Run quoted = run(ws, "import", ws.mail("quoted-reply.eml").toString());

    assertThat(address.code()).isEqualTo(ExitCodes.OK);
    assertThat(address.out())
        .contains("  new  192.0.2.7/32  (")
        .doesNotContain("no site named")
        .doesNotContain("needs attention");
    assertThat(own.out()).contains("  new  shop.example.com  (");
    assertThat(quoted.out()).contains("  new  forum.example.org  (");
  }

  @Test
  void verifyExitsOneWhenNothingProvesTheName() throws Exception {
    try (LoopbackDns dns = LoopbackDns.start()) {
      Workspace ws = Workspace.in(dir).resolverPort(dns.port()).create();
      String id = ws.requests().importMail(ws.mail("forwarded-forum.eml")).get(0).request().id();

      Run verify = run(ws, "verify", id);

      assertThat(verify.code()).isEqualTo(ExitCodes.BLOCKED);
      assertThat(verify.out())
          .contains("no   dns-txt         forum.example.org: no TXT record")
          .contains("no   http-file       forum.example.org: ")
          .contains("the name does not resolve")
          .contains("no proof found; request " + id + " stays pending");
    }
  }

  @Test
  void anUnknownRequestAndABrokenRequestFileHaveTheirOwnExitCodes() throws Exception {
    Workspace ws = Workspace.in(dir).create();

    assertThat(run(ws, "show", "2026-01-01-zzzzzz").code()).isEqualTo(ExitCodes.USAGE);

    java.nio.file.Files.createDirectories(ws.dir.resolve("requests"));
    java.nio.file.Files.writeString(ws.dir.resolve("requests/2026-01-01-aaaaaa.yaml"), "id: [");
    Run list = run(ws, "list");
    assertThat(list.code()).isEqualTo(ExitCodes.INVALID_CONFIG);
    assertThat(list.err()).contains("2026-01-01-aaaaaa.yaml");
  }
}
