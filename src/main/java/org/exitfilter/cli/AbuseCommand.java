package org.exitfilter.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.exitfilter.abuse.AbuseCase;
import org.exitfilter.abuse.AbuseDesk;
import org.exitfilter.abuse.Draft;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ConfigLoader;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code exitfilter abuse ...}: the abuse desk. The work is done by {@link AbuseDesk}; each
 * subcommand here parses, calls and prints.
 */
@Command(
    name = "abuse",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "The abuse desk: complaints in as cases, forwards and replies out.",
      "Cases are kept one YAML file each, with the mail, in abuse/ beside the blocklist."
    },
    subcommands = {
      AbuseCommand.Import.class,
      AbuseCommand.ListCases.class,
      AbuseCommand.Show.class,
      AbuseCommand.Send.class,
      AbuseCommand.Close.class
    })
public final class AbuseCommand implements Runnable {
  static final ObjectMapper JSON = new ObjectMapper();

  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** What every subcommand shares: loading the desk and mapping failures to exit codes. */
  abstract static class Step implements Callable<Integer> {
    @Mixin ConfigOption configOption;
    @Spec CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public final Integer call() {
      PrintWriter err = spec.commandLine().getErr();
      try {
        int code = run(AbuseDesk.open(ConfigLoader.load(configOption.config)));
        out().flush();
        return code;
      } catch (ConfigException e) {
        err.println(e.getMessage());
        return ExitCodes.INVALID_CONFIG;
      } catch (IOException e) {
        err.println("exitfilter abuse: " + e.getMessage());
        return ExitCodes.FAILURE;
      } finally {
        err.flush();
      }
    }

    abstract int run(AbuseDesk desk) throws IOException;

    void summary(AbuseCase c) {
      out()
          .println(
              c.id()
                  + "  "
                  + c.state()
                  + "  "
                  + c.kind().wire()
                  + "  "
                  + c.format().wire()
                  + "  "
                  + (c.reportedAddress() == null ? "-" : c.reportedAddress())
                  + (Boolean.FALSE.equals(c.ours()) ? " (not ours)" : "")
                  + "  due "
                  + c.deadline());
    }
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Record each mail as a case; a mail imported before is left alone (same Message-ID).",
        "SOURCE is a .eml file, a Maildir (new/ and cur/), a folder of mails, or the word",
        "imap for the abuse: imap: mailbox."
      })
  static final class Import extends Step {
    @Parameters(arity = "1..*", paramLabel = "FILE.eml|MAILDIR|imap")
    List<String> sources;

    @Override
    int run(AbuseDesk desk) throws IOException {
      for (String source : sources) {
        List<AbuseDesk.Imported> imported =
            source.equals("imap") ? desk.importImap() : desk.importPath(Path.of(source));
        for (AbuseDesk.Imported i : imported) {
          out().print(i.duplicate() ? "already imported  " : "new  ");
          summary(i.c());
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "The open cases.")
  static final class ListCases extends Step {
    @Option(names = "--all", description = "Sent and closed cases too.")
    boolean all;

    @Option(names = "--json", description = "One JSON object per case and line.")
    boolean json;

    @Override
    int run(AbuseDesk desk) throws IOException {
      for (AbuseCase c : desk.list(all)) {
        if (json) {
          out().println(JSON.writeValueAsString(c.json()));
        } else {
          summary(c);
        }
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "A case, and the drafted forward and reply.")
  static final class Show extends Step {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--json", description = "The case as one JSON object.")
    boolean json;

    @Override
    int run(AbuseDesk desk) throws IOException {
      AbuseCase c = desk.get(id);
      if (json) {
        out().println(JSON.writeValueAsString(c.json()));
        return ExitCodes.OK;
      }
      c.json().forEach((k, v) -> out().println(k + ": " + (v == null ? "-" : v)));
      out().println("subject: " + (c.subject() == null ? "-" : c.subject()));
      if (c.note() != null) {
        out().println("note: " + c.note());
      }
      for (String line : c.sent()) {
        out().println("sent: " + line);
      }
      for (Draft d : desk.drafts(c)) {
        out().println();
        out().println("--- draft to " + d.to() + (d.cc() == null ? "" : ", cc " + d.cc()));
        out().println("Subject: " + d.subject());
        if (d.attachOriginal()) {
          out().println("(the original message attached)");
        }
        out().println();
        out().print(d.body());
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "send",
      mixinStandardHelpOptions = true,
      description = "Send the case's drafts through smtp: (refused for legal mail).")
  static final class Send extends Step {
    @Parameters(paramLabel = "ID")
    String id;

    @Override
    int run(AbuseDesk desk) throws IOException {
      AbuseCase c = desk.send(id);
      for (String line : c.sent()) {
        out().println("sent " + line);
      }
      return ExitCodes.OK;
    }
  }

  @Command(name = "close", mixinStandardHelpOptions = true, description = "Close a case.")
  static final class Close extends Step {
    @Parameters(paramLabel = "ID")
    String id;

    @Option(names = "--why", required = true, paramLabel = "TEXT", description = "Why.")
    String why;

    @Override
    int run(AbuseDesk desk) throws IOException {
      summary(desk.close(id, why));
      return ExitCodes.OK;
    }
  }
}
