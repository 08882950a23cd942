package org.exitfilter.cli;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;
import org.exitfilter.abuse.Dnsbl;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.ProxyConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code exitfilter dnsbl check}: the exit's addresses against the configured DNS blocklists. */
@Command(
    name = "dnsbl",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = "DNS blocklists: whether the exit's addresses are listed.",
    subcommands = {DnsblCommand.Check.class})
public final class DnsblCommand implements Runnable {
  @Spec CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "check",
      mixinStandardHelpOptions = true,
      description = {
        "Ask each dnsbl: zone about each abuse: address, through resolver:.",
        "Exit 1 when any address is listed."
      })
  static final class Check implements Callable<Integer> {
    @Mixin ConfigOption configOption;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "One JSON object per zone and address.")
    boolean json;

    @Override
    public Integer call() throws Exception {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      ProxyConfig config;
      try {
        config = ConfigLoader.load(configOption.config);
      } catch (ConfigException e) {
        err.println(e.getMessage());
        err.flush();
        return ExitCodes.INVALID_CONFIG;
      }
      if (config.dnsbl() == null) {
        err.println("exitfilter dnsbl: " + config.file() + " has no dnsbl: section");
        err.flush();
        return ExitCodes.FAILURE;
      }
      List<Dnsbl.Result> results =
          new Dnsbl(config.resolver()).check(config.abuse().addresses(), config.dnsbl().zones());
      boolean listed = false;
      for (Dnsbl.Result r : results) {
        listed |= r.status() == Dnsbl.Status.LISTED;
        if (json) {
          out.println(AbuseCommand.JSON.writeValueAsString(r.json()));
        } else {
          out.println(
              r.zone()
                  + "  "
                  + r.address()
                  + "  "
                  + r.status().wire()
                  + (r.reason() == null ? "" : "  " + r.reason()));
        }
      }
      out.flush();
      return listed ? ExitCodes.BLOCKED : ExitCodes.OK;
    }
  }
}
