package org.exitfilter.cli;

import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.UnknownHostException;
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
import org.exitfilter.net.Host;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.net.InvalidHostException;
import org.exitfilter.policy.Decision;
import org.exitfilter.policy.DestinationPolicy;
import org.exitfilter.policy.DestinationPolicy.Access;
import org.exitfilter.proxy.DestinationResolver;
import org.exitfilter.shared.SharedLists;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code exitfilter check}: what the proxy would decide for each target, and the entry that
 * decided. Asks the proxy's own parser, matcher, resolver and {@link DestinationPolicy}.
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
  @Mixin ConfigOption configOption;

  @Option(
      names = "--no-resolve",
      description = "Do not look up names in DNS (network entries then apply to IP targets only).")
  boolean noResolve;

  @Parameters(arity = "1..*", paramLabel = "TARGET", description = "What to check.")
  List<String> targets;

  @Spec CommandSpec spec;

  /** A verdict with what the operator should know about how it was reached. */
  private record Outcome(Verdict verdict, String note) {}

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
      proxyConfig = ConfigLoader.load(configOption.config);
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
    DestinationPolicy policy = DestinationPolicy.of(proxyConfig);
    boolean anyBlocked = false;
    try (Lookups dns = new Lookups(proxyConfig)) {
      for (int i = 0; i < targets.size(); i++) {
        HostAndPort destination = destinations.get(i);
        Outcome outcome = decide(policy, matcher, destination, dns);
        anyBlocked |= outcome.verdict().blocked();
        out.println(targets.get(i) + " -> " + destination + ": " + describe(outcome.verdict()));
        if (outcome.note() != null) {
          out.println("  " + outcome.note());
        }
        if (!isHttpUrl(targets.get(i))) {
          // Anything but an http:// URL goes through CONNECT, which the port rule limits.
          Decision byPort = policy.decide(matcher, destination, Access.CONNECT);
          if (byPort instanceof Decision.Refused refused
              && refused.refusal() == Decision.Refusal.PORT_NOT_ALLOWED) {
            out.println("  but the proxy refuses CONNECT to this port (connect-ports)");
          }
        }
      }
    }
    out.flush();
    return anyBlocked ? ExitCodes.BLOCKED : ExitCodes.OK;
  }

  /**
   * As the proxy decides, by asking the policy it asks: the name first; if it passes, the addresses
   * it resolves to through the proxy's own resolver (the configured {@code resolver:}, no search
   * domains).
   */
  private Outcome decide(
      DestinationPolicy policy, Matcher matcher, HostAndPort destination, Lookups dns) {
    Decision decision = policy.decide(matcher, destination, Access.HTTP);
    if (destination.host() instanceof Host.Ip) {
      // Decided at once: the literal is its own address.
      return new Outcome(verdictOf(decision), nonPublic(decision));
    }
    if (!(decision instanceof Decision.Resolve pending)) {
      return new Outcome(verdictOf(decision), null);
    }
    if (noResolve) {
      return new Outcome(
          pending.nameVerdict(),
          pending.nameVerdict().decision() == Verdict.Decision.NO_MATCH
              ? "not resolved (--no-resolve); network entries not checked"
              : null);
    }
    List<InetAddress> addresses;
    try {
      addresses = dns.lookup(destination.host());
    } catch (UnknownHostException e) {
      return new Outcome(
          pending.nameVerdict(), "does not resolve here; network entries not checked");
    }
    Decision resolved = policy.decide(matcher, pending, addresses);
    if (resolved instanceof Decision.Refused refused
        && refused.refusal() == Decision.Refusal.BLOCKED_ADDRESS) {
      return new Outcome(refused.verdict(), "resolves to " + refused.address().getHostAddress());
    }
    String resolvedTo =
        "resolves to "
            + addresses.stream().map(InetAddress::getHostAddress).collect(Collectors.joining(", "));
    String refused = nonPublic(resolved);
    return new Outcome(
        verdictOf(resolved), refused == null ? resolvedTo : resolvedTo + "\n  " + refused);
  }

  private static Verdict verdictOf(Decision decision) {
    if (decision instanceof Decision.Allowed allowed) {
      return allowed.verdict();
    }
    if (decision instanceof Decision.Refused refused) {
      return refused.verdict();
    }
    return ((Decision.Resolve) decision).nameVerdict();
  }

  /** What the proxy says of non-public addresses, which the blocklist does not cover. */
  private static String nonPublic(Decision decision) {
    return decision instanceof Decision.Refused refused
            && refused.refusal() == Decision.Refusal.NON_PUBLIC_ADDRESS
        ? "but the proxy refuses non-public addresses (allow-private-destinations: false)"
        : null;
  }

  private static boolean isHttpUrl(String target) {
    return target.trim().regionMatches(true, 0, "http://", 0, 7);
  }

  /** The proxy's resolver, started on the first name to look up and closed after the last. */
  private static final class Lookups implements AutoCloseable {
    private final ProxyConfig config;
    private DestinationResolver resolver;

    Lookups(ProxyConfig config) {
      this.config = config;
    }

    List<InetAddress> lookup(Host host) throws UnknownHostException {
      if (resolver == null) {
        resolver = DestinationResolver.standalone(config);
      }
      return resolver.lookup(host);
    }

    @Override
    public void close() {
      if (resolver != null) {
        resolver.close();
      }
    }
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
