package org.exitfilter;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import org.exitfilter.cli.AbuseCommand;
import org.exitfilter.cli.CheckCommand;
import org.exitfilter.cli.DnsblCommand;
import org.exitfilter.cli.ExitCodes;
import org.exitfilter.cli.RequestsCommand;
import org.exitfilter.cli.RunCommand;
import org.exitfilter.cli.SharedCommand;
import org.exitfilter.cli.ValidateCommand;
import org.exitfilter.cli.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** The {@code exitfilter} command: wiring of the subcommands and exit codes, nothing else. */
@Command(
    name = "exitfilter",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "A filtering forward proxy for the exits of anonymization networks.",
    subcommands = {
      RunCommand.class,
      CheckCommand.class,
      ValidateCommand.class,
      RequestsCommand.class,
      SharedCommand.class,
      AbuseCommand.class,
      DnsblCommand.class
    })
public final class Main implements Runnable {
  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /**
   * The command line with its exit codes: {@link ExitCodes#USAGE} for a wrong command line, {@link
   * ExitCodes#FAILURE} for a file that cannot be read or anything else that went wrong.
   */
  public static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setExecutionExceptionHandler(
            (e, commandLine, parseResult) -> {
              commandLine.getErr().println("exitfilter: " + describe(e));
              if (!(e instanceof IOException)) {
                // not the operator's doing: the trace is for the bug report
                e.printStackTrace(commandLine.getErr());
              }
              commandLine.getErr().flush();
              return ExitCodes.FAILURE;
            })
        .setParameterExceptionHandler(
            (e, args) -> {
              e.getCommandLine().getErr().println(e.getMessage());
              e.getCommandLine().usage(e.getCommandLine().getErr());
              return ExitCodes.USAGE;
            });
  }

  private static String describe(Exception e) {
    if (e instanceof NoSuchFileException f) {
      return "cannot read " + f.getFile() + ": no such file";
    }
    if (e instanceof AccessDeniedException f) {
      return "cannot read " + f.getFile() + ": permission denied";
    }
    return e.getMessage() == null ? e.toString() : e.getMessage();
  }

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }
}
