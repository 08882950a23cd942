package org.exitfilter.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.Callable;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.shared.SharedListState;
import org.exitfilter.shared.SharedLists;
import org.exitfilter.shared.UpdateResult;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code exitfilter shared ...}: the signed ban lists this exit follows from git. The work is done
 * by {@link SharedLists}; each subcommand here parses, calls and prints.
 */
@Command(
    name = "shared",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Shared ban lists followed from git (shared-lists: in the configuration).",
      "A running proxy applies a commit accepted here at its next refresh, or on SIGHUP."
    },
    subcommands = {SharedCommand.Status.class, SharedCommand.Update.class})
public final class SharedCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** {@code shared status}: per list, what serves and how the last fetch went. */
  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      versionProvider = Version.class,
      description =
          "Print, per shared list, its URL, the accepted commit and when, the last fetch and its"
              + " result, and the last refusal with its reason.")
  static final class Status implements Callable<Integer> {
    @Mixin ConfigOption configOption;
    @Spec CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      SharedLists shared = open(configOption.config, spec.commandLine().getErr());
      if (shared == null) {
        return ExitCodes.INVALID_CONFIG;
      }
      List<SharedListState> states = shared.states();
      if (states.isEmpty()) {
        out.println("no shared lists (shared-lists: is empty)");
      }
      for (SharedListState s : states) {
        out.println(s.name() + ": " + s.url() + " branch " + s.branch());
        out.println(
            "  accepted: "
                + (s.acceptedCommit() == null
                    ? "none yet"
                    : s.acceptedCommit() + " at " + s.acceptedAt()));
        out.println(
            "  last fetch: "
                + (s.lastFetchAt() == null
                    ? "never"
                    : s.lastFetchAt() + " " + s.lastFetchResult() + ": " + s.lastFetchMessage()));
        out.println(
            "  last refusal: "
                + (s.lastRefusalAt() == null
                    ? "none"
                    : s.lastRefusalAt() + ": " + s.lastRefusalReason()));
      }
      out.flush();
      return ExitCodes.OK;
    }
  }

  /** {@code shared update}: fetch now; exit 0 accepted or unchanged, 3 refused, 4 unreachable. */
  @Command(
      name = "update",
      mixinStandardHelpOptions = true,
      versionProvider = Version.class,
      description = {
        "Fetch every shared list (or the one named) now and accept what passes the checks.",
        "Exits 0 when accepted or unchanged, 3 when an update was refused, 4 when a list could"
            + " not be reached."
      })
  static final class Update implements Callable<Integer> {
    @Mixin ConfigOption configOption;
    @Spec CommandSpec spec;

    @Option(
        names = "--allow-rewrite",
        paramLabel = "NAME",
        description =
            "Accept once a tip of list NAME that is not a fast-forward of its accepted commit"
                + " (it must still be signed and load).")
    String allowRewrite;

    @Parameters(arity = "0..1", paramLabel = "NAME", description = "Only this list.")
    String only;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      SharedLists shared = open(configOption.config, err);
      if (shared == null) {
        return ExitCodes.INVALID_CONFIG;
      }
      List<String> names = only == null ? shared.names() : List.of(only);
      for (String name :
          List.of(only == null ? "" : only, allowRewrite == null ? "" : allowRewrite)) {
        if (!name.isEmpty() && !shared.names().contains(name)) {
          err.println("no shared list named '" + name + "'; shared lists: " + shared.names());
          err.flush();
          return ExitCodes.USAGE;
        }
      }
      int code = ExitCodes.OK;
      for (String name : names) {
        UpdateResult result = shared.update(name, name.equals(allowRewrite));
        (result.outcome().exitCode() == 0 ? out : err)
            .println(name + ": " + result.outcome().label() + ": " + result.message());
        code = Math.max(code, result.outcome().exitCode());
      }
      out.flush();
      err.flush();
      return code;
    }
  }

  private static SharedLists open(Path config, PrintWriter err) throws Exception {
    ProxyConfig proxyConfig;
    try {
      proxyConfig = ConfigLoader.load(config);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.flush();
      return null;
    }
    return SharedLists.open(proxyConfig, Clock.systemUTC());
  }
}
