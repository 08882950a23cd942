package org.exitfilter.config;

import static org.exitfilter.config.UnusedExceptions.fits;
import static org.exitfilter.config.UnusedExceptions.parent;
import static org.exitfilter.config.UnusedExceptions.portsOverlap;

import java.net.Inet4Address;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.exitfilter.net.IpNetwork;

/**
 * Warns about bans that can never decide anything: a broader ban refuses every name (or address)
 * the ban covers, on every port it applies to and for at least as long, and no exception lies
 * between the two, so every request the ban refuses would be refused without it. Usually a
 * leftover: a subdomain banned before its whole domain was.
 *
 * <p>"Between" follows the matcher's precedence: an exception more specific than the broader ban
 * (or as specific: an exception wins a tie) but less specific than the shadowed one would let some
 * of its names through if the shadowed ban were removed, so such a ban is not reported. Exceptions
 * more specific than the ban itself never matter: the ban does not decide where they apply.
 *
 * <p>Covered: domain, host and pattern bans under a domain ban, a host or domain ban under the same
 * entry on more ports, and network bans inside a network ban of the same family. Patterns under
 * patterns, and hosts under patterns, are not analysed. When in doubt, no warning.
 *
 * <p>Bans may be a million and exceptions are few, so each name walks only its own suffixes in hash
 * maps, and each network probes only the prefix lengths that occur in the list.
 */
final class ShadowedBans {
  private final LocalDate today;
  private final RuleTable<String> domainBans;

  /** The names of host bans limited to certain ports: only these can be under their own name. */
  private final Set<String> hostsWithPorts;

  /** Host bans, only for the names in {@link #hostsWithPorts}. */
  private final RuleTable<String> hostBans;

  private final RuleTable<String> domainExceptions;
  private final List<String[]> patternExceptions = new ArrayList<>();
  private final List<Rule> patternExceptionRules = new ArrayList<>();
  private final RuleTable<IpNetwork> networkBans;
  private final RuleTable<IpNetwork> networkExceptions;

  /** The prefix lengths that occur, longest first, for IPv4 and IPv6. */
  private final TreeSet<Integer> v4Prefixes = new TreeSet<>((a, b) -> b - a);

  private final TreeSet<Integer> v6Prefixes = new TreeSet<>((a, b) -> b - a);

  private final CappedProblems warnings;

  private ShadowedBans(
      LocalDate today,
      Problems warnings,
      List<Rule> bans,
      List<Rule> exceptions,
      int domains,
      int networks,
      Set<String> hostsWithPorts) {
    this.today = today;
    this.warnings =
        new CappedProblems(warnings, "shadowed bans", CappedProblems.MAX_WARNINGS_PER_FILE);
    this.hostsWithPorts = hostsWithPorts;
    this.domainBans = new RuleTable<>(bans, Rule::value, domains);
    this.hostBans = new RuleTable<>(bans, Rule::value, hostsWithPorts.size());
    this.networkBans = new RuleTable<>(bans, Rule::network, networks);
    this.domainExceptions = new RuleTable<>(exceptions, Rule::value, 0);
    this.networkExceptions = new RuleTable<>(exceptions, Rule::network, 0);
  }

  /** Warns about every ban in {@code bans} that a broader ban makes redundant. */
  static void check(List<Rule> bans, List<Rule> exceptions, LocalDate today, Problems warnings) {
    int domains = 0;
    int networks = 0;
    Set<String> hostsWithPorts = new HashSet<>();
    for (Rule ban : bans) {
      switch (ban.kind()) {
        case DOMAIN -> domains++;
        case NETWORK -> networks++;
        case HOST -> {
          if (!ban.ports().isAll()) {
            hostsWithPorts.add(ban.value());
          }
        }
        case PATTERN -> {}
      }
    }
    ShadowedBans check =
        new ShadowedBans(today, warnings, bans, exceptions, domains, networks, hostsWithPorts);
    for (int i = 0; i < bans.size(); i++) {
      check.index(bans.get(i), i);
    }
    for (int i = 0; i < exceptions.size(); i++) {
      check.index(exceptions.get(i), i);
    }
    for (Rule ban : bans) {
      // an expired ban already has its own warning, and decides nothing either way
      if (ban.activeOn(today)) {
        Rule by = check.shadowOf(ban);
        if (by != null) {
          check.warn(ban, by);
        }
      }
    }
    check.warnings.finish();
  }

  /** Indexes a rule at {@code position} of the bans or of the exceptions. */
  private void index(Rule rule, int position) {
    switch (rule.kind()) {
      case DOMAIN -> (rule.exception() ? domainExceptions : domainBans).add(rule.value(), position);
      case HOST -> {
        // Hosts may be a million; only those that share a name with a port-limited one matter.
        if (!rule.exception() && hostsWithPorts.contains(rule.value())) {
          hostBans.add(rule.value(), position);
        }
      }
      case PATTERN -> {
        if (rule.exception()) {
          patternExceptions.add(rule.value().split("\\."));
          patternExceptionRules.add(rule);
        }
      }
      case NETWORK -> {
        (rule.exception() ? networkExceptions : networkBans).add(rule.network(), position);
        prefixes(rule.network()).add(rule.network().prefixLength());
      }
    }
  }

  private TreeSet<Integer> prefixes(IpNetwork network) {
    return network.address() instanceof Inet4Address ? v4Prefixes : v6Prefixes;
  }

  /** The broader ban that makes {@code ban} redundant, or {@code null}. */
  private Rule shadowOf(Rule ban) {
    return switch (ban.kind()) {
      case DOMAIN -> {
        Rule same = broaderSameEntry(domainBans, ban.value(), ban);
        yield same != null ? same : underDomain(parent(ban.value()), ban);
      }
      case HOST -> {
        Rule same = broaderSameEntry(hostBans, ban.value(), ban);
        if (same != null) {
          yield same;
        }
        // a domain entry equal to the name is less specific than the host entry
        Rule by = underDomain(ban.value(), ban);
        // Without the host ban, a matching pattern exception would be next in precedence.
        yield by == null || matchesPatternException(ban.value().split("\\."), ban) ? null : by;
      }
      case PATTERN -> underDomainForPattern(ban);
      case NETWORK -> insideNetwork(ban);
    };
  }

  /**
   * Walks from {@code name} up through its parents: the first domain exception on the way that
   * applies on the ban's ports ends the search, the first domain ban that covers it is the answer.
   */
  private Rule underDomain(String name, Rule ban) {
    for (String s = name; s != null; s = parent(s)) {
      if (domainExceptions.find(s, e -> portsOverlap(e.ports(), ban.ports())) != null) {
        return null;
      }
      Rule by = domainBans.find(s, a -> covers(a, ban));
      if (by != null) {
        return by;
      }
    }
    return null;
  }

  /**
   * A pattern such as {@code *.forum.example.org} lies under the domains its fixed tail lies under.
   * Any pattern exception it overlaps, or domain exception at or under the broader domain that
   * reaches one of its names, would decide some of its names without it.
   */
  private Rule underDomainForPattern(Rule ban) {
    String[] labels = ban.value().split("\\.");
    int star = labels.length - 1;
    while (star >= 0 && !labels[star].equals("*")) {
      star--;
    }
    if (star == labels.length - 1) {
      return null;
    }
    if (matchesPatternException(labels, ban)) {
      return null;
    }
    List<String> reaching = new ArrayList<>();
    domainExceptions.forEach(
        (name, rules) -> {
          String[] domain = name.split("\\.");
          if (labels.length >= domain.length
              && fits(labels, domain)
              && rules.stream().anyMatch(e -> portsOverlap(e.ports(), ban.ports()))) {
            reaching.add(name);
          }
        });
    String tail = String.join(".", List.of(labels).subList(star + 1, labels.length));
    for (String s = tail; s != null; s = parent(s)) {
      for (String e : reaching) {
        if (e.equals(s) || e.endsWith("." + s)) {
          return null;
        }
      }
      Rule by = domainBans.find(s, a -> covers(a, ban));
      if (by != null) {
        return by;
      }
    }
    return null;
  }

  /**
   * Probes the ban's network at each shorter prefix length that occurs, longest first; a network
   * exception on the way ends the search, as a domain exception does for names.
   */
  private Rule insideNetwork(Rule ban) {
    IpNetwork network = ban.network();
    Rule same = broaderSameEntry(networkBans, network, ban);
    if (same != null) {
      return same;
    }
    for (int prefix : prefixes(network).tailSet(network.prefixLength() - 1)) {
      IpNetwork wider = network.widenedTo(prefix);
      if (wider == null) {
        continue; // an IPv6 prefix that reads as IPv4-mapped: such networks are kept as IPv4 ones
      }
      if (networkExceptions.find(wider, e -> portsOverlap(e.ports(), ban.ports())) != null) {
        return null;
      }
      Rule by = networkBans.find(wider, a -> covers(a, ban));
      if (by != null) {
        return by;
      }
    }
    return null;
  }

  /** Whether a pattern exception overlaps the labels (a name or a pattern) on the ban's ports. */
  private boolean matchesPatternException(String[] labels, Rule ban) {
    for (int i = 0; i < patternExceptions.size(); i++) {
      String[] pattern = patternExceptions.get(i);
      if (pattern.length == labels.length
          && fits(pattern, labels)
          && portsOverlap(patternExceptionRules.get(i).ports(), ban.ports())) {
        return true;
      }
    }
    return false;
  }

  /** A ban with the same kind and value on strictly more ports (equal ports is a duplicate). */
  private <K> Rule broaderSameEntry(RuleTable<K> index, K key, Rule ban) {
    if (ban.ports().isAll()) {
      return null;
    }
    return index.find(
        key, other -> other != ban && !other.ports().equals(ban.ports()) && covers(other, ban));
  }

  /** Whether {@code wider} applies on every port and every day that {@code ban} does. */
  private boolean covers(Rule wider, Rule ban) {
    return portsCover(wider.ports(), ban.ports())
        && wider.activeOn(today)
        && (wider.expires() == null
            || (ban.expires() != null && !wider.expires().isBefore(ban.expires())));
  }

  private static boolean portsCover(Ports wider, Ports narrower) {
    if (wider.isAll()) {
      return true;
    }
    if (narrower.isAll()) {
      return false;
    }
    for (int port : narrower.toArray()) {
      if (!wider.contains(port)) {
        return false;
      }
    }
    return true;
  }

  private void warn(Rule ban, Rule by) {
    warnings.add(
        ban.source(),
        () ->
            describe(ban)
                + " is shadowed by "
                + describe(by)
                + " at "
                + by.source().file()
                + ":"
                + by.source().line()
                + ", which already refuses all it covers, so it never decides anything");
  }

  private static String describe(Rule rule) {
    return rule.kind().key()
        + " "
        + rule.value()
        + (rule.ports().isAll() ? "" : " ports " + rule.ports());
  }
}
