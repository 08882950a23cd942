package org.exitfilter.match;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.exitfilter.config.ListEntries;
import org.exitfilter.config.Ports;
import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;
import org.exitfilter.config.Source;
import org.exitfilter.net.IpNetwork;

/**
 * What entries have in common, kept once instead of once per entry, and which of them apply on the
 * day a snapshot is for.
 *
 * <p>The entries of one list file differ only in their value and line: kind, ports, reason,
 * requester, dates, reference and file are the list's. So a list is one template, and the indexes
 * keep per entry only the value's characters, the line and the template's number, and rebuild an
 * equal {@code Rule} when the entry decides a lookup. Entries written in the blocklist file itself
 * are few and each is a template of its own: they keep their original {@code Rule}, and their
 * verdict is made at compile time.
 *
 * <p>Expiry is a template's too, so the indexes are built once with every entry, and a new day only
 * needs a new {@link #onDay} mask: at midnight nothing is reloaded or recompiled.
 */
final class Templates {
  private final Rule[] representatives;
  private final Ports[] ports;
  private final Verdict[] precomputed;
  private final LocalDate day;

  /** {@code active[t]}: the entries of template {@code t} have not expired on {@link #day}. */
  private final boolean[] active;

  private Templates(Rule[] representatives, Ports[] ports, Verdict[] precomputed, LocalDate day) {
    this.representatives = representatives;
    this.ports = ports;
    this.precomputed = precomputed;
    this.day = day;
    this.active = new boolean[representatives.length];
    for (int t = 0; t < representatives.length; t++) {
      active[t] = representatives[t].activeOn(day);
    }
  }

  /** The same templates, for another UTC day. */
  Templates onDay(LocalDate other) {
    return new Templates(representatives, ports, precomputed, other);
  }

  LocalDate day() {
    return day;
  }

  /** Whether the entries of a template apply to the port on this day. */
  boolean applies(int template, int port) {
    return active[template] && ports[template].contains(port);
  }

  /** Whether the entries of a template apply to every port on every day (no ports, no expiry). */
  boolean always(int template) {
    return ports[template].isAll() && representatives[template].expires() == null;
  }

  RuleKind kind(int template) {
    return representatives[template].kind();
  }

  /**
   * The verdict of the only entry of a template, made at compile time, or {@code null} when the
   * template is a list's and verdicts are built when asked for.
   */
  Verdict precomputed(int template) {
    return precomputed[template];
  }

  /** A verdict for an entry of a list, with a {@code Rule} equal to the one the list holds. */
  Verdict rebuild(int template, String value, int line) {
    return verdictOf(withValue(representatives[template], value, null, line));
  }

  /** A verdict for a network entry of a list, its value the network's canonical text. */
  Verdict rebuild(int template, IpNetwork network, int line) {
    return verdictOf(withValue(representatives[template], network.toString(), network, line));
  }

  private static Rule withValue(Rule r, String value, IpNetwork network, int line) {
    return r.withEntry(value, network, new Source(r.source().file(), line, r.source().column()));
  }

  static Verdict verdictOf(Rule rule) {
    return new Verdict(rule.exception() ? Verdict.Decision.EXEMPT : Verdict.Decision.BLOCK, rule);
  }

  /** Assigns templates; not thread-safe, used once per compile. */
  static final class Builder {
    private final List<Rule> representatives = new ArrayList<>();
    private final List<Verdict> precomputed = new ArrayList<>();

    /** A template of its own for a rule: its verdict is made now. */
    int add(Rule rule) {
      return add(rule, verdictOf(rule));
    }

    /** One template for all the entries of a list; {@code null} for an empty list. */
    Integer add(ListEntries list) {
      Rule template = list.template();
      return template == null ? null : add(template, null);
    }

    private int add(Rule representative, Verdict verdict) {
      representatives.add(Objects.requireNonNull(representative));
      precomputed.add(verdict);
      return representatives.size() - 1;
    }

    Templates build(LocalDate day) {
      Rule[] rules = representatives.toArray(new Rule[0]);
      Ports[] ports = Arrays.stream(rules).map(Rule::ports).toArray(Ports[]::new);
      return new Templates(rules, ports, precomputed.toArray(new Verdict[0]), day);
    }
  }
}
