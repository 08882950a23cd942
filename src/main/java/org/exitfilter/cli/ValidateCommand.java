package org.exitfilter.cli;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.Problem;
import org.exitfilter.config.RuleKind;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code exitfilter validate}: loads a blocklist exactly as the proxy would, and prints every error
 * and warning as {@code file:line:column: error: message}, then a summary. Meant to run before an
 * edit goes live, by hand or in a commit hook.
 */
@Command(
    name = "validate",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Check a blocklist and print every error and warning as file:line:column.",
      "Warnings: duplicate entries, expired entries, exceptions that match no ban, and bans"
          + " shadowed by a broader ban.",
      "Exits 0 when the list is valid (warnings allowed), 3 when it has errors."
    })
public final class ValidateCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      defaultValue = "conf/exitfilter.yaml",
      description =
          "The configuration file naming the blocklist, when FILE is not given"
              + " (default: ${DEFAULT-VALUE}).")
  Path config;

  @Parameters(
      arity = "0..1",
      paramLabel = "FILE",
      description = "The blocklist to check (default: the one the configuration names).")
  Path file;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    try {
      Path blocklistFile = file;
      if (blocklistFile == null) {
        try {
          blocklistFile = ConfigLoader.load(config).blocklist();
        } catch (ConfigException e) {
          return invalid(out, config, e);
        }
      }
      Blocklist blocklist;
      try {
        blocklist = BlocklistLoader.load(blocklistFile);
      } catch (ConfigException e) {
        return invalid(out, blocklistFile, e);
      }
      blocklist.warnings().forEach(w -> print(out, "warning", w));
      out.println(
          blocklistFile
              + ": valid; "
              + entries(blocklist.banCountsByKind(), "ban")
              + ", "
              + entries(blocklist.exceptionCountsByKind(), "exception")
              + "; 0 errors, "
              + count(blocklist.warnings().size(), "warning"));
      return ExitCodes.OK;
    } finally {
      out.flush();
    }
  }

  /** Prints the errors; a file with errors is not looked at for warnings, so there are none. */
  private static int invalid(PrintWriter out, Path file, ConfigException e) {
    e.problems().forEach(p -> print(out, "error", p));
    out.println(file + ": invalid; " + count(e.problems().size(), "error") + ", 0 warnings");
    return ExitCodes.INVALID_CONFIG;
  }

  private static void print(PrintWriter out, String severity, Problem problem) {
    out.println(problem.where() + ": " + severity + ": " + problem.message());
  }

  /** "3 bans (2 domain, 1 network)", kinds in their usual order, absent kinds left out. */
  private static String entries(Map<RuleKind, Integer> byKind, String noun) {
    int total = byKind.values().stream().mapToInt(Integer::intValue).sum();
    if (total == 0) {
      return "0 " + noun + "s";
    }
    return count(total, noun)
        + byKind.entrySet().stream()
            .filter(k -> k.getValue() > 0)
            .map(k -> k.getValue() + " " + k.getKey().key())
            .collect(Collectors.joining(", ", " (", ")"));
  }

  private static String count(int n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
