package org.exitfilter;

import org.exitfilter.cli.CheckCommand;
import org.exitfilter.cli.ExitCodes;
import org.exitfilter.cli.RequestsCommand;
import org.exitfilter.cli.RunCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code exitfilter} command: wiring of the subcommands and exit codes, nothing else. */
@Command(
    name = "exitfilter",
    mixinStandardHelpOptions = true,
    versionProvider = Main.Version.class,
    description = "A filtering forward proxy for the exits of anonymization networks.",
    subcommands = {RunCommand.class, CheckCommand.class, RequestsCommand.class})
public final class Main implements Runnable {

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  static CommandLine commandLine() {
    return new CommandLine(new Main())
        .setExitCodeExceptionMapper(e -> ExitCodes.FAILURE)
        .setParameterExceptionHandler(
            (e, args) -> {
              e.getCommandLine().getErr().println(e.getMessage());
              e.getCommandLine().usage(e.getCommandLine().getErr());
              return ExitCodes.USAGE;
            });
  }

  @Override
  public void run() {
    CommandLine.usage(this, System.out);
  }

  /** The version from the jar manifest, or "dev" when run from classes. */
  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String version = Main.class.getPackage().getImplementationVersion();
      return new String[] {"exitfilter " + (version == null ? "dev" : version)};
    }
  }
}
