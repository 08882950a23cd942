package org.exitfilter.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.Callable;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.requests.BanRequests;
import org.exitfilter.requests.RequestException;
import org.exitfilter.requests.store.BanRequest;
import org.exitfilter.requests.verify.Check;
import org.exitfilter.shared.SharedContribution;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code exitfilter requests ...}: ban requests by mail, from import to approval and lifting. The
 * work is done by {@link BanRequests}; each subcommand here parses, calls and prints.
 */
@Command(
    name = "requests",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Ban requests by email: import, verify, approve, reject, lift.",
      "Requests are kept one YAML file each in requests/ beside the blocklist."
    },
    subcommands = {
      RequestsCommand.Import.class,
      RequestsCommand.ListRequests.class,
      RequestsCommand.Show.class,
      RequestsCommand.Verify.class,
      RequestsCommand.Approve.class,
      RequestsCommand.Reject.class,
      RequestsCommand.Lift.class
    })
public final class RequestsCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code --shared NAME --sign-key FILE}: approve or lift in a shared list instead. */
  static final class SharedTarget {
    @Option(
        names = "--shared",
        paramLabel = "NAME",
        description = {
          "Change the shared list NAME (shared-lists:) instead of the local blocklist:",
          "a commit signed with --sign-key, pushed to its branch."
        })
    String shared;

    @Option(
        names = "--sign-key",
        paramLabel = "FILE",
        description = "The SSH private key that signs the shared list's commit.")
    Path signKey;

    /** The shared list's working clone, or {@code null} for the local blocklist. */
    SharedContribution open(BanRequests requests) throws IOException, RequestException {
      if (shared == null) {
        return null;
      }
      if (signKey == null) {
        throw new RequestException(
            RequestException.Kind.INVALID_ARGUMENT,
            "--shared " + shared + " needs --sign-key FILE: the SSH key that signs the commit");
      }
      return SharedContribution.open(requests.config(), shared, signKey);
    }
  }

  /** What every subcommand shares: loading the workflow and mapping failures to exit codes. */
  abstract static class Step implements Callable<Integer> {
    @Mixin ConfigOption configOption;
    @Spec CommandSpec spec;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }

    @Override
    public final Integer call() {
      try {
        int code = run(BanRequests.open(ConfigLoader.load(configOption.config)));
        out().flush();
        return code;
      } catch (ConfigException e) {
        err().println(e.getMessage());
        return ExitCodes.INVALID_CONFIG;
      } catch (RequestException e) {
        err().println("exitfilter requests: " + e.getMessage());
        return switch (e.kind()) {
          case INVALID_FILE -> ExitCodes.INVALID_CONFIG;
          case BLOCKLIST_LAYOUT -> ExitCodes.FAILURE;
          default -> ExitCodes.USAGE;
        };
      } catch (IOException e) {
        err().println("exitfilter requests: " + e.getMessage());
        return ExitCodes.FAILURE;
      }
    }

    abstract int run(BanRequests requests) throws IOException, RequestException, ConfigException;
  }

  @Command(
      name = "import",
      mixinStandardHelpOptions = true,
      description = {
        "Record ban requests from mail files.",
        "Each FILE is one .eml file, a Maildir (new/ and cur/ are read) or a folder of",
        "mail files. A mail imported before is left alone."
      })
  static final class Import extends Step {
    @Parameters(arity = "1..*", paramLabel = "FILE.eml|MAILDIR", description = "Where the mail is.")
    List<Path> paths;

    @Override
    int run(BanRequests requests) throws IOException, RequestException {
      int added = 0;
      int duplicates = 0;
      int unreadable = 0;
      for (Path path : paths) {
        for (BanRequests.Imported result : requests.importMail(path)) {
          if (result.problem() != null) {
            unreadable++;
            err().println("unreadable: " + result.file() + ": " + result.problem());
          } else if (result.duplicate()) {
            duplicates++;
            out().println(result.request().id() + "  already imported  (" + result.file() + ")");
          } else {
            added++;
            BanRequest r = result.request();
            out()
                .println(
                    r.id()
                        + "  new  "
                        + (r.candidates().isEmpty()
                            ? "(no site named)"
                            : String.join(", ", r.names()))
                        + (r.attention().isEmpty() ? "" : "  [needs attention]")
                        + "  ("
                        + result.file()
                        + ")");
          }
        }
      }
      out()
          .println(
              added
                  + " new, "
                  + duplicates
                  + " already imported, "
                  + unreadable
                  + " unreadable; in "
                  + requests.folder());
      return unreadable > 0 ? ExitCodes.FAILURE : ExitCodes.OK;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the requests that wait for a decision, and what each waits for.")
  static final class ListRequests extends Step {
    @Option(names = "--all", description = "Also list approved, rejected and lifted requests.")
    boolean all;

    @Override
    int run(BanRequests requests) throws IOException, RequestException {
      int shown = 0;
      int closed = 0;
      for (BanRequest r : requests.list()) {
        if (all || r.state().open()) {
          out().println(BanRequests.summary(r));
          shown++;
        } else {
          closed++;
        }
      }
      if (shown == 0) {
        out().println("no request waits" + (closed > 0 ? " (" + closed + " closed; --all)" : ""));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "show",
      mixinStandardHelpOptions = true,
      description = "Show a request, and the reply to send the owner with the token.")
  static final class Show extends Step {
    @Parameters(paramLabel = "ID", description = "The request (as list shows it).")
    String id;

    @Override
    int run(BanRequests requests) throws IOException, RequestException {
      BanRequest r = requests.get(id);
      out().print(BanRequests.describe(r));
      if (r.state().open()) {
        out().println();
        out().println("---- reply to send " + "-".repeat(50));
        out().print(BanRequests.reply(r));
        out().println("-".repeat(69));
      }
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "verify",
      mixinStandardHelpOptions = true,
      description = {
        "Check the proofs that the owner controls the names.",
        "The DNS TXT record (asked of the configured resolver), the file over HTTP",
        "(fetched through the proxy's own checks) and the sender address (weak).",
        "Exits 1 if nothing proves it."
      })
  static final class Verify extends Step {
    @Parameters(paramLabel = "ID", description = "The request (as list shows it).")
    String id;

    @Option(
        names = "--domain",
        paramLabel = "NAME",
        description = "Check this name (repeatable); it becomes a candidate of the request.")
    List<String> domains;

    @Override
    int run(BanRequests requests) throws IOException, RequestException, ConfigException {
      BanRequests.Verification v = requests.verify(id, domains);
      for (Check c : v.checks()) {
        out()
            .printf(
                "  %-4s %-15s %s: %s%n",
                c.passed() ? "ok" : "no", c.method().key(), c.name(), c.detail());
      }
      out()
          .println(
              v.proved()
                  ? "request " + id + " is verified; next: approve " + id
                  : "no proof found; request " + id + " stays " + v.request().state().key());
      return v.proved() ? ExitCodes.OK : ExitCodes.BLOCKED;
    }
  }

  @Command(
      name = "approve",
      mixinStandardHelpOptions = true,
      description = {
        "Add the ban to the blocklist.",
        "Each name becomes a domain: entry with reason, requester, date and a",
        "reference to the request; the rest of the file stays as it is.",
        "The running proxy reloads it."
      })
  static final class Approve extends Step {
    @Parameters(paramLabel = "ID", description = "The request (as list shows it).")
    String id;

    @Option(
        names = "--domain",
        paramLabel = "NAME",
        description = "The name to ban (repeatable); default the proved names of the request.")
    List<String> domains;

    @Option(
        names = "--expires",
        paramLabel = "DATE",
        description = "The last day (UTC, YYYY-MM-DD) the ban applies; default never ends.")
    LocalDate expires;

    @Option(names = "--reason", paramLabel = "TEXT", description = "Why; shown on the block page.")
    String reason;

    @Option(names = "--force", description = "Ban even names no proof covers (recorded as forced).")
    boolean force;

    @Mixin SharedTarget target;

    @Override
    int run(BanRequests requests) throws IOException, RequestException, ConfigException {
      BanRequests.Approval a;
      try (SharedContribution list = target.open(requests)) {
        a = requests.approve(id, domains, expires, reason, force, list);
      }
      out()
          .println(
              "banned "
                  + String.join(", ", a.names())
                  + " in "
                  + (a.commit() == null
                      ? a.blocklist().toString()
                      : a.commit() + ":" + a.blocklist().getFileName())
                  + ":"
                  + a.line()
                  + " (reference "
                  + id
                  + ")");
      a.warnings().forEach(w -> out().println("warning: " + w));
      if (!a.unproven().isEmpty()) {
        out().println("forced: no proof covers " + String.join(", ", a.unproven()));
      }
      out()
          .println(
              a.commit() == null
                  ? "a running proxy picks it up on its own (or on SIGHUP)"
                  : "pushed; every exit that follows "
                      + target.shared
                      + " applies it once it accepts the commit (its allowed signers decide)");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "reject",
      mixinStandardHelpOptions = true,
      description = "Decline a request; the reason is recorded.")
  static final class Reject extends Step {
    @Parameters(paramLabel = "ID", description = "The request (as list shows it).")
    String id;

    @Option(names = "--why", required = true, paramLabel = "TEXT", description = "Why.")
    String why;

    @Override
    int run(BanRequests requests) throws IOException, RequestException {
      requests.reject(id, why);
      out().println("request " + id + " rejected");
      return ExitCodes.OK;
    }
  }

  @Command(
      name = "lift",
      mixinStandardHelpOptions = true,
      description = {
        "Remove the bans of an approved request: the owner wants to be reachable again.",
        "Exactly the entries the approval added go; the rest of the file stays."
      })
  static final class Lift extends Step {
    @Parameters(paramLabel = "ID", description = "The request (as list shows it).")
    String id;

    @Option(names = "--why", paramLabel = "TEXT", description = "A note for the history.")
    String why;

    @Mixin SharedTarget target;

    @Override
    int run(BanRequests requests) throws IOException, RequestException, ConfigException {
      BanRequests.Lifting l;
      try (SharedContribution list = target.open(requests)) {
        l = requests.lift(id, why, list);
      }
      if (!l.removed().isEmpty()) {
        out()
            .println(
                "removed the ban on "
                    + String.join(", ", l.removed())
                    + " from "
                    + (l.commit() == null ? l.blocklist() : l.commit()));
        out()
            .println(
                l.commit() == null
                    ? "a running proxy picks it up on its own (or on SIGHUP)"
                    : "pushed; every exit that follows "
                        + target.shared
                        + " applies it once it accepts the commit");
      }
      if (!l.missing().isEmpty()) {
        out()
            .println(
                "not in "
                    + l.blocklist()
                    + " any more (removed by hand?): "
                    + String.join(", ", l.missing()));
      }
      out().println("request " + id + " lifted");
      return ExitCodes.OK;
    }
  }
}
