package org.exitfilter.match;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.Rule;
import org.exitfilter.net.AddressClass;
import org.exitfilter.net.Host;

/**
 * A blocklist compiled into hash indexes; no cache. A name lookup allocates nothing except, the
 * first time a list entry decides, that entry's verdict (see {@link Templates}).
 *
 * <p>Names: a host entry equal to the name decides first; otherwise the matching patterns with the
 * fewest {@code *}; otherwise the domain entry with the most labels among the name and its
 * suffixes. At each of these steps only entries whose ports include the port count, an exception
 * beats a ban and otherwise the first in file order wins.
 *
 * <p>Addresses: see {@link #check(InetAddress, int)}.
 */
final class CompiledMatcher implements Matcher {
  private final LocalDate day;
  private final NameIndex names;
  private final PatternIndex patterns;
  private final NetworkIndex ipv4;
  private final NetworkIndex ipv6;
  private final boolean portSensitive;

  private CompiledMatcher(
      LocalDate day,
      NameIndex names,
      PatternIndex patterns,
      NetworkIndex ipv4,
      NetworkIndex ipv6,
      boolean portSensitive) {
    this.day = day;
    this.names = names;
    this.patterns = patterns;
    this.ipv4 = ipv4;
    this.ipv6 = ipv6;
    this.portSensitive = portSensitive;
  }

  static CompiledMatcher compile(Blocklist blocklist, LocalDate day) {
    // Each list in order of precedence within one key: exceptions first, then bans.
    List<Rule> hosts = new ArrayList<>();
    List<Rule> domains = new ArrayList<>();
    List<Rule> patternRules = new ArrayList<>();
    List<Integer> patternOrder = new ArrayList<>();
    List<Rule> v4 = new ArrayList<>();
    List<Rule> v6 = new ArrayList<>();
    for (List<Rule> rules : List.of(blocklist.exceptions(), blocklist.bans())) {
      for (int i = 0; i < rules.size(); i++) {
        Rule rule = rules.get(i);
        if (!rule.activeOn(day)) {
          continue;
        }
        switch (rule.kind()) {
          case HOST -> hosts.add(rule);
          case DOMAIN -> domains.add(rule);
          case PATTERN -> {
            patternRules.add(rule);
            patternOrder.add(i);
          }
          case NETWORK -> (rule.network().address() instanceof Inet4Address ? v4 : v6).add(rule);
        }
      }
    }
    List<Rule> nameRules = new ArrayList<>(hosts.size() + domains.size());
    nameRules.addAll(hosts);
    nameRules.addAll(domains);

    Templates.Builder templates = new Templates.Builder(blocklist.file());
    int[] nameTemplates = templates.idsOf(nameRules);
    int[] patternTemplates = templates.idsOf(patternRules);
    int[] v4Templates = templates.idsOf(v4);
    int[] v6Templates = templates.idsOf(v6);
    Templates shared = templates.build();
    boolean portSensitive =
        nameRules.stream().anyMatch(r -> !r.ports().isAll())
            || patternRules.stream().anyMatch(r -> !r.ports().isAll());
    return new CompiledMatcher(
        day,
        NameIndex.build(nameRules, nameTemplates, hints(patternRules), shared),
        PatternIndex.build(
            patternRules,
            patternOrder.stream().mapToInt(Integer::intValue).toArray(),
            patternTemplates,
            shared),
        NetworkIndex.build(32, v4, v4Templates, shared),
        NetworkIndex.build(128, v6, v6Templates, shared),
        portSensitive);
  }

  private static List<String> hints(List<Rule> patternRules) {
    Set<String> hints = new LinkedHashSet<>();
    for (Rule rule : patternRules) {
      String hint = PatternIndex.hintOf(rule.value());
      if (hint != null) {
        hints.add(hint);
      }
    }
    return new ArrayList<>(hints);
  }

  @Override
  public Verdict check(Host.Name name, int port) {
    String ascii = name.ascii();
    long found = names.find(ascii, port);
    int entry = NameIndex.entryOf(found);
    if (entry >= 0 && names.isHost(entry)) {
      return names.verdict(entry);
    }
    int labels = NameIndex.labelsOf(found);
    if (NameIndex.hinted(found) || patterns.mayMatchWithoutHint(labels)) {
      int pattern = patterns.find(ascii, labels, port);
      if (pattern >= 0) {
        return patterns.verdict(pattern);
      }
    }
    return entry >= 0 ? names.verdict(entry) : Verdict.NO_MATCH;
  }

  /**
   * {@inheritDoc}
   *
   * <p>An IPv6 address that embeds an IPv4 address ({@link AddressClass#withEmbedded}) is looked up
   * once per form, each in its own family, where the longest matching network decides and an
   * exception wins a tie. The address is blocked if any form is blocked: an exception exempts only
   * the form it covers, so exempting {@code 64:ff9b::/96} does not lift a ban on an IPv4 range
   * reached through NAT64, and an IPv4 exception does not lift a ban on the IPv6 range. Otherwise
   * it is exempt if any form is exempt.
   */
  @Override
  public Verdict check(InetAddress address, int port) {
    if (address instanceof Inet4Address) {
      Verdict verdict = ipv4.find(address.getAddress(), port);
      return verdict == null ? Verdict.NO_MATCH : verdict;
    }
    Verdict exempt = null;
    for (InetAddress form : AddressClass.withEmbedded(address)) {
      byte[] bytes = form.getAddress();
      Verdict verdict = (bytes.length == 4 ? ipv4 : ipv6).find(bytes, port);
      if (verdict != null) {
        if (verdict.blocked()) {
          return verdict;
        }
        if (exempt == null) {
          exempt = verdict;
        }
      }
    }
    return exempt == null ? Verdict.NO_MATCH : exempt;
  }

  @Override
  public LocalDate day() {
    return day;
  }

  /** Whether some name entry is limited to certain ports, so verdicts depend on the port. */
  boolean portSensitive() {
    return portSensitive;
  }
}
