package org.exitfilter.match;

import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.TreeSet;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.Ports;
import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;
import org.exitfilter.net.Host;
import org.exitfilter.net.IpNetwork;

/**
 * The operator's veto over the shared lists ({@link LayeredMatcher}: a local exception beats any
 * shared ban), asked of a whole shared ban rather than of one destination: whether the local
 * exceptions lift it wherever it applies, so that it is not in force. For what publishes the bans
 * in force.
 *
 * <p>It asks the local exceptions, compiled alone, the question the proxy asks: the verdict for the
 * ban's own name (a pattern's: a name it matches) or network on one of its ports. The ban is vetoed
 * when that verdict is an exception that covers all of the ban: every port of it, and, for a domain
 * ban, the whole domain (a domain exception), for a pattern, every name it matches (the same
 * pattern, or a domain exception on the labels after its last {@code *}), for a network, the whole
 * network. Where the most specific exception covers less (a host exception for a domain ban, one
 * port of several), the ban is taken as in force even if a wider exception would lift it too: the
 * error is on the side of publishing.
 *
 * <p>Exceptions expire; so each ban's answer is the last day it is vetoed ({@link #lastDay}). One
 * check per ban, and one more per expiry day of an exception for the few bans vetoed.
 */
public final class LocalVeto {
  /** No exception: nothing is vetoed. */
  public static final LocalVeto NONE =
      new LocalVeto(new LocalDate[0], new Matcher[0], false, false);

  /** The day every check starts from: before any exception could have expired. */
  private static final LocalDate FIRST = LocalDate.EPOCH;

  /** What stands for a label under a {@code *} of a pattern. */
  private static final String ANY_LABEL = "0";

  private final LocalDate[] from;
  private final Matcher[] matchers;
  private final boolean names;
  private final boolean networks;

  private LocalVeto(LocalDate[] from, Matcher[] matchers, boolean names, boolean networks) {
    this.from = from;
    this.matchers = matchers;
    this.names = names;
    this.networks = networks;
  }

  /** The veto of the operator's exceptions (those of the local list). */
  public static LocalVeto of(List<Rule> exceptions) {
    if (exceptions.isEmpty()) {
      return NONE;
    }
    Matcher compiled =
        Matcher.compile(
            Blocklist.of(Path.of("exceptions"), "", List.of(), exceptions, List.of()), FIRST);
    // The exceptions in force change only on the day after one expires.
    TreeSet<LocalDate> days = new TreeSet<>();
    days.add(FIRST);
    for (Rule exception : exceptions) {
      if (exception.expires() != null && exception.expires().isAfter(FIRST)) {
        days.add(exception.expires().plusDays(1));
      }
    }
    LocalDate[] from = days.toArray(LocalDate[]::new);
    Matcher[] matchers = new Matcher[from.length];
    for (int i = 0; i < from.length; i++) {
      matchers[i] = compiled.onDay(from[i]);
    }
    boolean names = exceptions.stream().anyMatch(e -> e.kind() != RuleKind.NETWORK);
    boolean networks = exceptions.stream().anyMatch(e -> e.kind() == RuleKind.NETWORK);
    return new LocalVeto(from, matchers, names, networks);
  }

  /** Whether some exception could veto a ban of this kind; when not, no ban needs asking. */
  public boolean mayVeto(RuleKind kind) {
    return kind == RuleKind.NETWORK ? networks : names;
  }

  /**
   * The last day the local exceptions lift the whole of a ban: {@code null} when they do not (on
   * any day from now on), {@link LocalDate#MAX} when for good.
   *
   * @param value the ban's normalized value, as {@link Rule#value()}
   */
  public LocalDate lastDay(RuleKind kind, String value, Ports ports) {
    if (!mayVeto(kind) || !vetoes(matchers[0], kind, value, ports)) {
      return null;
    }
    for (int i = 1; i < matchers.length; i++) {
      if (!vetoes(matchers[i], kind, value, ports)) {
        return from[i].minusDays(1);
      }
    }
    return LocalDate.MAX;
  }

  private static boolean vetoes(Matcher exceptions, RuleKind kind, String value, Ports ports) {
    int port = ports.any(443);
    Verdict verdict =
        switch (kind) {
          case HOST, DOMAIN -> exceptions.check(new Host.Name(value), port);
          case PATTERN -> exceptions.check(new Host.Name(value.replace("*", ANY_LABEL)), port);
          case NETWORK -> exceptions.check(IpNetwork.parse(value).address(), port);
        };
    if (verdict.decision() != Verdict.Decision.EXEMPT) {
      return false;
    }
    Rule exception = verdict.rule();
    if (!exception.ports().containsAll(ports)) {
      return false;
    }
    return switch (kind) {
      case HOST -> true;
      case DOMAIN -> exception.kind() == RuleKind.DOMAIN;
      case PATTERN ->
          exception.kind() == RuleKind.PATTERN
              ? exception.value().equals(value)
              : exception.kind() == RuleKind.DOMAIN
                  && labels(exception.value()) <= labelsAfterLastStar(value);
      case NETWORK -> {
        IpNetwork ban = IpNetwork.parse(value);
        IpNetwork network = exception.network();
        yield network != null
            && network.address().getAddress().length == ban.address().getAddress().length
            && network.prefixLength() <= ban.prefixLength();
      }
    };
  }

  private static int labels(String name) {
    int labels = 1;
    for (int i = 0; i < name.length(); i++) {
      if (name.charAt(i) == '.') {
        labels++;
      }
    }
    return labels;
  }

  private static int labelsAfterLastStar(String pattern) {
    int star = pattern.lastIndexOf('*');
    return star + 1 >= pattern.length() ? 0 : labels(pattern.substring(star + 2));
  }
}
