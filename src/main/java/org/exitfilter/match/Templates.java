package org.exitfilter.match;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.exitfilter.config.Ports;
import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;
import org.exitfilter.config.Source;
import org.exitfilter.net.IpNetwork;

/**
 * What entries read from plain-text lists have in common, kept once instead of once per entry.
 *
 * <p>The entries of one list differ only in their value and line: kind, ports, reason, requester,
 * dates, reference, file and column are the list's. Holding a {@link Rule} record (and its {@link
 * Source} and value string) for each of a million such entries would cost well over a hundred bytes
 * each, so the indexes keep per entry only the value's characters, the line and the number of its
 * template here, and rebuild an equal {@code Rule} the first time the entry decides a lookup.
 * Entries written in the blocklist file itself are few and each has its own template: they keep
 * their original {@code Rule}, and their verdict is made at compile time.
 */
final class Templates {
  private final Rule[] representatives;
  private final int[] counts;
  private final Ports[] ports;

  private Templates(Rule[] representatives, int[] counts) {
    this.representatives = representatives;
    this.counts = counts;
    this.ports = new Ports[representatives.length];
    for (int t = 0; t < representatives.length; t++) {
      ports[t] = representatives[t].ports();
    }
  }

  Ports ports(int template) {
    return ports[template];
  }

  boolean exception(int template) {
    return representatives[template].exception();
  }

  /**
   * The verdict known at compile time for the only entry of a template, or {@code null} when the
   * template is shared and verdicts are built on first use.
   */
  Verdict precomputed(int template) {
    return counts[template] == 1 ? verdictOf(representatives[template]) : null;
  }

  /** A verdict for an entry of a shared template, with a {@code Rule} equal to the original. */
  Verdict rebuild(int template, String value, int line) {
    Rule r = representatives[template];
    Source source = new Source(r.source().file(), line, r.source().column());
    return verdictOf(
        new Rule(
            r.kind(),
            value,
            null,
            r.ports(),
            r.exception(),
            r.reason(),
            r.requestedBy(),
            r.requestedOn(),
            r.expires(),
            r.reference(),
            source));
  }

  /** A verdict for a network entry of a shared template, its value the network's canonical text. */
  Verdict rebuild(int template, IpNetwork network, int line) {
    Rule r = representatives[template];
    Source source = new Source(r.source().file(), line, r.source().column());
    return verdictOf(
        new Rule(
            r.kind(),
            network.toString(),
            network,
            r.ports(),
            r.exception(),
            r.reason(),
            r.requestedBy(),
            r.requestedOn(),
            r.expires(),
            r.reference(),
            source));
  }

  static Verdict verdictOf(Rule rule) {
    return new Verdict(rule.exception() ? Verdict.Decision.EXEMPT : Verdict.Decision.BLOCK, rule);
  }

  /** Assigns templates to entries; not thread-safe, used once per compile. */
  static final class Builder {
    private final Path blocklistFile;
    private final Map<Key, Integer> ids = new HashMap<>();
    private final List<Rule> representatives = new ArrayList<>();
    private int[] counts = new int[16];
    private Rule previous;
    private int previousId = -1;

    /** Entries written in {@code blocklistFile} get a template each; others share by list. */
    Builder(Path blocklistFile) {
      this.blocklistFile = blocklistFile;
    }

    /** The template of each rule. */
    int[] idsOf(List<Rule> rules) {
      int[] ids = new int[rules.size()];
      for (int i = 0; i < ids.length; i++) {
        ids[i] = idOf(rules.get(i));
      }
      return ids;
    }

    /** The template of a rule, created on first sight. */
    int idOf(Rule rule) {
      int id;
      if (keepsOwn(rule)) {
        id = add(rule);
      } else if (previous != null && sameTemplate(previous, rule)) {
        // Entries from one list come in a run; skip the map for them.
        id = previousId;
      } else {
        Key key = Key.of(rule);
        Integer known = ids.get(key);
        if (known == null) {
          id = add(rule);
          ids.put(key, id);
        } else {
          id = known;
        }
        previous = rule;
        previousId = id;
      }
      counts[id]++;
      return id;
    }

    /**
     * Entries of the blocklist file, and network entries that could not be rebuilt equal (their
     * value is not the canonical text of their network), keep their own {@code Rule}.
     */
    private boolean keepsOwn(Rule rule) {
      IpNetwork network = rule.network();
      return rule.source().file().equals(blocklistFile)
          || (network != null && !rule.value().equals(network.toString()));
    }

    private int add(Rule representative) {
      int id = representatives.size();
      representatives.add(representative);
      if (id == counts.length) {
        counts = Arrays.copyOf(counts, id * 2);
      }
      return id;
    }

    Templates build() {
      return new Templates(
          representatives.toArray(new Rule[0]), Arrays.copyOf(counts, representatives.size()));
    }

    private static boolean sameTemplate(Rule a, Rule b) {
      return a.kind() == b.kind()
          && a.exception() == b.exception()
          && a.source().column() == b.source().column()
          && Objects.equals(a.source().file(), b.source().file())
          && Objects.equals(a.ports(), b.ports())
          && Objects.equals(a.reason(), b.reason())
          && Objects.equals(a.requestedBy(), b.requestedBy())
          && Objects.equals(a.requestedOn(), b.requestedOn())
          && Objects.equals(a.expires(), b.expires())
          && Objects.equals(a.reference(), b.reference());
    }
  }

  /** Everything of a rule but its value (and network) and line. */
  private record Key(
      RuleKind kind,
      Ports ports,
      boolean exception,
      String reason,
      String requestedBy,
      LocalDate requestedOn,
      LocalDate expires,
      String reference,
      Path file,
      int column) {

    static Key of(Rule r) {
      return new Key(
          r.kind(),
          r.ports(),
          r.exception(),
          r.reason(),
          r.requestedBy(),
          r.requestedOn(),
          r.expires(),
          r.reference(),
          r.source().file(),
          r.source().column());
    }
  }
}
