package org.exitfilter.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.Callable;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.config.Rule;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.Host;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.net.InvalidHostException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code exitfilter check}: what the proxy would decide for each target, and the entry that
 * decided. Uses the proxy's own parser and matcher.
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = {
      "Show whether targets are blocked, and by which entry.",
      "A target is a host name, host:port, an IP address or a URL.",
      "Exits 1 if any target is blocked."
    })
public final class CheckCommand implements Callable<Integer> {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      defaultValue = "conf/exitfilter.yaml",
      description = "The configuration file (default: ${DEFAULT-VALUE}).")
  Path config;

  @Option(
      names = "--no-resolve",
      description = "Do not look up names in DNS (network entries then apply to IP targets only).")
  boolean noResolve;

  @Parameters(arity = "1..*", paramLabel = "TARGET", description = "What to check.")
  List<String> targets;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    Blocklist blocklist;
    try {
      ProxyConfig proxyConfig = ConfigLoader.load(config);
      blocklist = BlocklistLoader.load(proxyConfig.blocklist());
    } catch (ConfigException e) {
      err.println(e.getMessage());
      return ExitCodes.INVALID_CONFIG;
    }
    Matcher matcher = Matcher.compile(blocklist, LocalDate.now(ZoneOffset.UTC));
    boolean anyBlocked = false;
    for (String target : targets) {
      HostAndPort destination;
      try {
        destination = Targets.parse(target);
      } catch (InvalidHostException e) {
        err.println(target + ": invalid: " + e.getMessage());
        return ExitCodes.USAGE;
      }
      Verdict verdict = decide(matcher, destination, out);
      anyBlocked |= verdict.blocked();
      out.println(target + " -> " + destination + ": " + describe(verdict));
    }
    out.flush();
    return anyBlocked ? ExitCodes.BLOCKED : ExitCodes.OK;
  }

  private Verdict decide(Matcher matcher, HostAndPort destination, PrintWriter out) {
    Host host = destination.host();
    if (host instanceof Host.Ip ip) {
      return matcher.check(ip.address(), destination.port());
    }
    Verdict byName = matcher.check((Host.Name) host, destination.port());
    if (byName.decision() != Verdict.Decision.NO_MATCH || noResolve) {
      return byName;
    }
    try {
      for (InetAddress address : InetAddress.getAllByName(host.authority())) {
        Verdict byAddress = matcher.check(address, destination.port());
        if (byAddress.blocked()) {
          out.println("  " + host + " resolves to " + address.getHostAddress());
          return byAddress;
        }
      }
    } catch (UnknownHostException e) {
      out.println("  " + host + " does not resolve here; network entries not checked");
    }
    return byName;
  }

  static String describe(Verdict verdict) {
    Rule rule = verdict.rule();
    return switch (verdict.decision()) {
      case NO_MATCH -> "allowed (no entry matches)";
      case EXEMPT -> "allowed by exception " + details(rule);
      case BLOCK -> "BLOCKED by " + details(rule);
    };
  }

  private static String details(Rule rule) {
    StringBuilder b = new StringBuilder(rule.kind().key()).append(' ').append(rule.value());
    if (!rule.ports().isAll()) {
      b.append(" ports ").append(rule.ports());
    }
    b.append(" at ").append(rule.source());
    if (rule.reason() != null) {
      b.append("\n  reason: ").append(rule.reason());
    }
    if (rule.requestedBy() != null || rule.requestedOn() != null) {
      b.append("\n  requested");
      if (rule.requestedBy() != null) {
        b.append(" by ").append(rule.requestedBy());
      }
      if (rule.requestedOn() != null) {
        b.append(" on ").append(rule.requestedOn());
      }
    }
    if (rule.expires() != null) {
      b.append("\n  expires after ").append(rule.expires());
    }
    if (rule.reference() != null) {
      b.append("\n  reference: ").append(rule.reference());
    }
    return b.toString();
  }
}
