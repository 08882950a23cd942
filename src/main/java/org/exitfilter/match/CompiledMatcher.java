package org.exitfilter.match;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.ListEntries;
import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;
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
  private final Templates templates;
  private final NameIndex names;
  private final PatternIndex patterns;
  private final NetworkIndex ipv4;
  private final NetworkIndex ipv6;
  private final boolean portSensitive;

  private CompiledMatcher(
      Templates templates,
      NameIndex names,
      PatternIndex patterns,
      NetworkIndex ipv4,
      NetworkIndex ipv6,
      boolean portSensitive) {
    this.templates = templates;
    this.names = names;
    this.patterns = patterns;
    this.ipv4 = ipv4;
    this.ipv6 = ipv6;
    this.portSensitive = portSensitive;
  }

  /**
   * Compiles every entry, expired or not; which apply is the day's {@link Templates} mask, so that
   * {@link #onDay} costs nothing per entry.
   */
  static CompiledMatcher compile(Blocklist blocklist, LocalDate day) {
    Templates.Builder templates = new Templates.Builder();
    // Each kind in order of precedence within one key: exceptions first, then bans, file order.
    Sorted exceptions = Sorted.of(blocklist.exceptions(), templates);
    Sorted bans = Sorted.of(blocklist.writtenBans(), templates);
    List<Integer> listTemplates = new ArrayList<>();
    for (ListEntries list : blocklist.lists()) {
      listTemplates.add(templates.add(list));
    }
    Templates built = templates.build(day);

    NameEntries names = new NameEntries();
    exceptions.addNames(RuleKind.HOST, names);
    bans.addNames(RuleKind.HOST, names);
    addLists(blocklist, listTemplates, RuleKind.HOST, names);
    exceptions.addNames(RuleKind.DOMAIN, names);
    bans.addNames(RuleKind.DOMAIN, names);
    addLists(blocklist, listTemplates, RuleKind.DOMAIN, names);
    Set<String> hints = new LinkedHashSet<>();
    for (Rule rule : exceptions.patterns.rules) {
      hints.add(PatternIndex.hintOf(rule.value()));
    }
    for (Rule rule : bans.patterns.rules) {
      hints.add(PatternIndex.hintOf(rule.value()));
    }
    hints.remove(null);
    hints.forEach(hint -> names.add(hint, 0, NameEntries.HINT));

    Run patternRun = exceptions.patterns.then(bans.patterns);
    Run v4 = exceptions.ipv4.then(bans.ipv4);
    Run v6 = exceptions.ipv6.then(bans.ipv6);
    List<ListEntries> lists = blocklist.lists();
    for (int l = 0; l < lists.size(); l++) {
      ListEntries list = lists.get(l);
      if (list.kind() == RuleKind.NETWORK) {
        for (int i = 0; i < list.size(); i++) {
          Rule rule = list.rule(i);
          (rule.network().address() instanceof Inet4Address ? v4 : v6)
              .add(rule, listTemplates.get(l), i);
        }
      }
    }
    boolean portSensitive =
        exceptions.portSensitive
            || bans.portSensitive
            || blocklist.lists().stream()
                .anyMatch(
                    list ->
                        list.kind() != RuleKind.NETWORK
                            && list.size() > 0
                            && !list.template().ports().isAll());
    return new CompiledMatcher(
        built,
        NameIndex.build(names, built),
        PatternIndex.build(patternRun.rules, patternRun.fileOrder(), patternRun.templates(), built),
        NetworkIndex.build(32, v4.rules, v4.templates(), built),
        NetworkIndex.build(128, v6.rules, v6.templates(), built),
        portSensitive);
  }

  private static void addLists(
      Blocklist blocklist, List<Integer> listTemplates, RuleKind kind, NameEntries names) {
    List<ListEntries> lists = blocklist.lists();
    for (int l = 0; l < lists.size(); l++) {
      if (lists.get(l).kind() == kind && listTemplates.get(l) != null) {
        names.addAll(lists.get(l), listTemplates.get(l));
      }
    }
  }

  /** Rules of one kind with their templates and places in file order. */
  private static final class Run {
    final List<Rule> rules = new ArrayList<>();
    private final List<Integer> templateIds = new ArrayList<>();
    private final List<Integer> order = new ArrayList<>();

    void add(Rule rule, int template, int fileOrder) {
      rules.add(rule);
      templateIds.add(template);
      order.add(fileOrder);
    }

    Run then(Run next) {
      Run both = new Run();
      both.rules.addAll(rules);
      both.rules.addAll(next.rules);
      both.templateIds.addAll(templateIds);
      both.templateIds.addAll(next.templateIds);
      both.order.addAll(order);
      both.order.addAll(next.order);
      return both;
    }

    int[] templates() {
      return templateIds.stream().mapToInt(Integer::intValue).toArray();
    }

    int[] fileOrder() {
      return order.stream().mapToInt(Integer::intValue).toArray();
    }
  }

  /** The rules written in the blocklist file, bans or exceptions, sorted by kind. */
  private static final class Sorted {
    final Run hosts = new Run();
    final Run domains = new Run();
    final Run patterns = new Run();
    final Run ipv4 = new Run();
    final Run ipv6 = new Run();
    boolean portSensitive;

    static Sorted of(List<Rule> rules, Templates.Builder templates) {
      Sorted sorted = new Sorted();
      for (int i = 0; i < rules.size(); i++) {
        Rule rule = rules.get(i);
        int template = templates.add(rule);
        Run run =
            switch (rule.kind()) {
              case HOST -> sorted.hosts;
              case DOMAIN -> sorted.domains;
              case PATTERN -> sorted.patterns;
              case NETWORK ->
                  rule.network().address() instanceof Inet4Address ? sorted.ipv4 : sorted.ipv6;
            };
        run.add(rule, template, i);
        sorted.portSensitive |= rule.kind() != RuleKind.NETWORK && !rule.ports().isAll();
      }
      return sorted;
    }

    void addNames(RuleKind kind, NameEntries names) {
      Run run = kind == RuleKind.HOST ? hosts : domains;
      for (int i = 0; i < run.rules.size(); i++) {
        Rule rule = run.rules.get(i);
        NameIndex.checkNormalized(rule);
        names.add(rule.value(), rule.source().line(), run.templateIds.get(i));
      }
    }
  }

  /** The same indexes, with the entries that apply on another UTC day. */
  @Override
  public CompiledMatcher onDay(LocalDate other) {
    if (other.equals(templates.day())) {
      return this;
    }
    Templates next = templates.onDay(other);
    return new CompiledMatcher(
        next,
        names.withTemplates(next),
        patterns.withTemplates(next),
        ipv4.withTemplates(next),
        ipv6.withTemplates(next),
        portSensitive);
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
    return templates.day();
  }

  /** Whether some name entry is limited to certain ports, so verdicts depend on the port. */
  boolean portSensitive() {
    return portSensitive;
  }
}
