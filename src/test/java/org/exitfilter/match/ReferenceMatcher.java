package org.exitfilter.match;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.time.LocalDate;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;
import org.exitfilter.net.AddressClass;
import org.exitfilter.net.Host;

/**
 * The matching rules written as plainly as possible: every lookup scans every entry. The compiled
 * matcher must agree with it on every input.
 */
final class ReferenceMatcher implements Matcher {
  private final Blocklist blocklist;
  private final LocalDate day;

  ReferenceMatcher(Blocklist blocklist, LocalDate day) {
    this.blocklist = blocklist;
    this.day = day;
  }

  /** An entry with its position among the bans or among the exceptions. */
  private record Candidate(Rule rule, int order) {}

  @Override
  public Verdict check(Host.Name name, int port) {
    return decide(
        candidates(port)
            .filter(c -> c.rule().kind() != RuleKind.NETWORK)
            .filter(c -> nameMatches(c.rule(), name.ascii())),
        Comparator.comparing((Candidate c) -> specificity(c.rule())).reversed());
  }

  @Override
  public Verdict check(InetAddress address, int port) {
    List<InetAddress> forms =
        address instanceof Inet4Address ? List.of(address) : AddressClass.withEmbedded(address);
    Verdict exempt = Verdict.NO_MATCH;
    for (InetAddress form : forms) {
      Verdict verdict =
          decide(
              candidates(port)
                  .filter(c -> c.rule().kind() == RuleKind.NETWORK)
                  .filter(c -> contains(c.rule(), form)),
              Comparator.comparingInt((Candidate c) -> c.rule().network().prefixLength())
                  .reversed());
      if (verdict.blocked()) {
        return verdict;
      }
      if (exempt == Verdict.NO_MATCH) {
        exempt = verdict;
      }
    }
    return exempt;
  }

  @Override
  public Matcher onDay(LocalDate other) {
    return new ReferenceMatcher(blocklist, other);
  }

  @Override
  public LocalDate day() {
    return day;
  }

  private Stream<Candidate> candidates(int port) {
    return Stream.concat(indexed(blocklist.exceptions()), indexed(blocklist.bans()))
        .filter(c -> c.rule().activeOn(day))
        .filter(c -> c.rule().ports().contains(port));
  }

  private static Stream<Candidate> indexed(List<Rule> rules) {
    return IntStream.range(0, rules.size()).mapToObj(i -> new Candidate(rules.get(i), i));
  }

  /** The most specific first; on a tie an exception first; then the first in file order. */
  private static Verdict decide(Stream<Candidate> matching, Comparator<Candidate> specificFirst) {
    Optional<Candidate> best =
        matching.min(
            specificFirst
                .thenComparing(c -> !c.rule().exception())
                .thenComparingInt(Candidate::order));
    return best.map(c -> Templates.verdictOf(c.rule())).orElse(Verdict.NO_MATCH);
  }

  /** Host above pattern above domain; fewer stars, then more labels; more domain labels. */
  private static Specificity specificity(Rule rule) {
    String[] labels = rule.value().split("\\.");
    return switch (rule.kind()) {
      case HOST -> new Specificity(3, 0, 0);
      case PATTERN -> {
        int stars = (int) Stream.of(labels).filter("*"::equals).count();
        yield new Specificity(2, -stars, labels.length);
      }
      case DOMAIN -> new Specificity(1, labels.length, 0);
      case NETWORK -> throw new IllegalArgumentException();
    };
  }

  private record Specificity(int kind, int first, int second) implements Comparable<Specificity> {
    @Override
    public int compareTo(Specificity o) {
      return Comparator.comparingInt(Specificity::kind)
          .thenComparingInt(Specificity::first)
          .thenComparingInt(Specificity::second)
          .compare(this, o);
    }
  }

  private static boolean nameMatches(Rule rule, String name) {
    String value = rule.value();
    return switch (rule.kind()) {
      case HOST -> name.equals(value);
      case DOMAIN -> name.equals(value) || name.endsWith("." + value);
      case PATTERN -> {
        String[] pattern = value.split("\\.", -1);
        String[] labels = name.split("\\.", -1);
        boolean same = pattern.length == labels.length;
        for (int i = 0; same && i < labels.length; i++) {
          same = pattern[i].equals("*") || pattern[i].equals(labels[i]);
        }
        yield same;
      }
      case NETWORK -> false;
    };
  }

  private static boolean contains(Rule rule, InetAddress form) {
    byte[] network = rule.network().address().getAddress();
    byte[] address = form.getAddress();
    if (network.length != address.length) {
      return false;
    }
    int length = rule.network().prefixLength();
    for (int bit = 0; bit < length; bit++) {
      int mask = 0x80 >>> (bit % 8);
      if ((network[bit / 8] & mask) != (address[bit / 8] & mask)) {
        return false;
      }
    }
    return true;
  }
}
