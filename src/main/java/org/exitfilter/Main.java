package org.exitfilter;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.NoSuchFileException;
import java.util.List;
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
    description = "A filtering forward proxy for the exits of anonymization networks.")
public final class Main implements Runnable {
  /** The subcommands, in the order the usage lists them. */
  private static final List<Class<?>> SUBCOMMANDS =
      List.of(
          RunCommand.class,
          CheckCommand.class,
          ValidateCommand.class,
          RequestsCommand.class,
          SharedCommand.class,
          AbuseCommand.class,
          DnsblCommand.class);

  @Spec CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine(args).execute(args));
  }

  /** The command line with every subcommand, as the usage shows it. */
  public static CommandLine commandLine() {
    return commandLine(new String[0]);
  }

  /**
   * The command line for {@code args}, with its exit codes: {@link ExitCodes#USAGE} for a wrong
   * command line, {@link ExitCodes#FAILURE} for a file that cannot be read or anything else that
   * went wrong. When the first argument names a subcommand, only that one is built: picocli reads
   * every option of every command it is given by reflection, about half a second of the service's
   * start for commands it never runs. Otherwise (help, a typo) all of them, for the usage.
   */
  public static CommandLine commandLine(String[] args) {
    CommandLine line = new CommandLine(new Main());
    String first = args.length > 0 ? args[0] : "";
    boolean named = SUBCOMMANDS.stream().anyMatch(command -> nameOf(command).equals(first));
    for (Class<?> command : SUBCOMMANDS) {
      if (!named || nameOf(command).equals(first)) {
        line.addSubcommand(command);
      }
    }
    // After the subcommands: picocli gives these settings to the subcommands it has by now.
    return line.setExecutionExceptionHandler(
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
            (e, unused) -> {
              e.getCommandLine().getErr().println(e.getMessage());
              e.getCommandLine().usage(e.getCommandLine().getErr());
              return ExitCodes.USAGE;
            });
  }

  private static String nameOf(Class<?> command) {
    return command.getAnnotation(Command.class).name();
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
