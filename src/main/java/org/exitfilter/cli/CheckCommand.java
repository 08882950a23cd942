package org.exitfilter.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.config.Rule;
import org.exitfilter.match.LayeredMatcher;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.AddressClass;
import org.exitfilter.net.Host;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.net.InvalidHostException;
import org.exitfilter.shared.SharedLists;
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
    versionProvider = Version.class,
    description = {
      "Show whether targets are blocked, and by which entry.",
      "A target is a host name, host:port, an IP address or an http(s) URL;"
          + " without a port, a URL takes its scheme's and anything else 443.",
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

  private boolean allowPrivateDestinations;

  /** A verdict with what the operator should know about how it was reached. */
  private record Decision(Verdict verdict, String note) {}

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    // Every target is read before anything is looked up, so all typos show at once.
    List<HostAndPort> destinations = new ArrayList<>();
    boolean anyInvalid = false;
    for (String target : targets) {
      try {
        destinations.add(Targets.parse(target));
      } catch (InvalidHostException e) {
        err.println(target + ": invalid target: " + e.getMessage());
        anyInvalid = true;
      }
    }
    if (anyInvalid) {
      err.flush();
      return ExitCodes.USAGE;
    }
    Blocklist blocklist;
    ProxyConfig proxyConfig;
    try {
      proxyConfig = ConfigLoader.load(config);
      allowPrivateDestinations = proxyConfig.allowPrivateDestinations();
      blocklist = BlocklistLoader.load(proxyConfig.blocklist(), BlocklistLoader.Analysis.PER_ENTRY);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.flush();
      return ExitCodes.INVALID_CONFIG;
    }
    LocalDate today = LocalDate.now(ZoneOffset.UTC);
    // As the proxy layers them: the accepted commits of the shared lists under the operator's list.
    Matcher matcher =
        LayeredMatcher.of(
            Matcher.compile(blocklist, today),
            SharedLists.open(proxyConfig, Clock.systemUTC()).compile(today));
    boolean anyBlocked = false;
    for (int i = 0; i < targets.size(); i++) {
      HostAndPort destination = destinations.get(i);
      Decision decision = decide(matcher, destination);
      anyBlocked |= decision.verdict().blocked();
      out.println(targets.get(i) + " -> " + destination + ": " + describe(decision.verdict()));
      if (decision.note() != null) {
        out.println("  " + decision.note());
      }
    }
    out.flush();
    return anyBlocked ? ExitCodes.BLOCKED : ExitCodes.OK;
  }

  /** As the proxy decides: the name first; if no entry names it, the addresses it resolves to. */
  private Decision decide(Matcher matcher, HostAndPort destination) {
    Host host = destination.host();
    if (host instanceof Host.Ip ip) {
      Verdict verdict = matcher.check(ip.address(), destination.port());
      return new Decision(verdict, verdict.blocked() ? null : nonPublic(List.of(ip.address())));
    }
    Verdict byName = matcher.check((Host.Name) host, destination.port());
    if (byName.decision() != Verdict.Decision.NO_MATCH) {
      return new Decision(byName, null);
    }
    if (noResolve) {
      return new Decision(byName, "not resolved (--no-resolve); network entries not checked");
    }
    List<InetAddress> addresses;
    try {
      addresses = List.of(InetAddress.getAllByName(host.authority()));
    } catch (UnknownHostException e) {
      return new Decision(byName, "does not resolve here; network entries not checked");
    }
    Verdict verdict = byName;
    for (InetAddress address : addresses) {
      Verdict byAddress = matcher.check(address, destination.port());
      if (byAddress.blocked()) {
        return new Decision(byAddress, "resolves to " + address.getHostAddress());
      }
      if (byAddress.decision() == Verdict.Decision.EXEMPT && verdict == byName) {
        verdict = byAddress;
      }
    }
    String resolved =
        "resolves to "
            + addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
    String refused = nonPublic(addresses);
    return new Decision(verdict, refused == null ? resolved : resolved + "\n  " + refused);
  }

  /** What the proxy says of non-public addresses, which the blocklist does not cover. */
  private String nonPublic(List<InetAddress> addresses) {
    if (allowPrivateDestinations || !addresses.stream().anyMatch(AddressClass::isNonPublic)) {
      return null;
    }
    return "but the proxy refuses non-public addresses (allow-private-destinations: false)";
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
