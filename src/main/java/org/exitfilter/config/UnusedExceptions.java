package org.exitfilter.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.exitfilter.net.IpNetwork;

/**
 * Warns about exceptions that overlap no ban, on a port the ban applies to: such an exception has
 * no effect, which usually means a typo in it or a ban that was removed.
 *
 * <p>Exceptions are few and bans may be a million, so the bans are walked once and each is compared
 * with the exceptions it could touch, found by name in hash maps.
 */
final class UnusedExceptions {
  private final List<Rule> exceptions;
  private final boolean[] used;
  private int unused;

  /** Name exceptions (domain, host) by every name they are or lie under. */
  private final Map<String, List<Integer>> bySuffix = new HashMap<>();

  /** Domain exceptions by their name. */
  private final Map<String, List<Integer>> domains = new HashMap<>();

  private final List<Integer> patterns = new ArrayList<>();
  private final List<Integer> networks = new ArrayList<>();
  private final List<Integer> names = new ArrayList<>();

  private UnusedExceptions(List<Rule> exceptions) {
    this.exceptions = exceptions;
    this.used = new boolean[exceptions.size()];
    this.unused = exceptions.size();
    for (int i = 0; i < exceptions.size(); i++) {
      Rule e = exceptions.get(i);
      switch (e.kind()) {
        case DOMAIN, HOST -> {
          names.add(i);
          for (String s = e.value(); s != null; s = parent(s)) {
            bySuffix.computeIfAbsent(s, k -> new ArrayList<>(1)).add(i);
          }
          if (e.kind() == RuleKind.DOMAIN) {
            domains.computeIfAbsent(e.value(), k -> new ArrayList<>(1)).add(i);
          }
        }
        case PATTERN -> {
          names.add(i);
          patterns.add(i);
        }
        case NETWORK -> networks.add(i);
      }
    }
  }

  static void check(List<Rule> bans, List<Rule> exceptions, Problems warnings) {
    if (exceptions.isEmpty()) {
      return;
    }
    UnusedExceptions check = new UnusedExceptions(exceptions);
    for (Rule ban : bans) {
      if (check.unused == 0) {
        break;
      }
      check.compare(ban);
    }
    for (int i = 0; i < exceptions.size(); i++) {
      if (!check.used[i]) {
        Rule e = exceptions.get(i);
        warnings.add(
            e.source(),
            "exception "
                + e.kind().key()
                + " "
                + e.value()
                + " matches no ban"
                + (e.ports().isAll() ? "" : " on ports " + e.ports())
                + ", so it has no effect");
      }
    }
  }

  private void compare(Rule ban) {
    switch (ban.kind()) {
      case DOMAIN, HOST -> compareName(ban);
      case PATTERN -> {
        String[] banLabels = ban.value().split("\\.");
        for (int i : names) {
          Rule e = exceptions.get(i);
          String[] labels = e.value().split("\\.");
          boolean overlaps =
              e.kind() == RuleKind.DOMAIN
                  ? reachesUnder(banLabels, labels)
                  : sameLength(banLabels, labels) && fits(banLabels, labels);
          mark(i, overlaps, ban);
        }
      }
      case NETWORK -> {
        for (int i : networks) {
          mark(i, overlaps(ban.network(), exceptions.get(i).network()), ban);
        }
      }
    }
  }

  private void compareName(Rule ban) {
    String name = ban.value();
    // exceptions equal to the ban's name or, for a domain ban, under it
    List<Integer> under = bySuffix.get(name);
    if (under != null) {
      for (int i : under) {
        mark(i, ban.kind() == RuleKind.DOMAIN || exceptions.get(i).value().equals(name), ban);
      }
    }
    // domain exceptions the ban lies under
    for (String s = parent(name); s != null && !domains.isEmpty(); s = parent(s)) {
      List<Integer> above = domains.get(s);
      if (above != null) {
        for (int i : above) {
          mark(i, true, ban);
        }
      }
    }
    if (!patterns.isEmpty()) {
      String[] banLabels = name.split("\\.");
      for (int i : patterns) {
        String[] labels = exceptions.get(i).value().split("\\.");
        boolean overlaps =
            ban.kind() == RuleKind.DOMAIN
                ? reachesUnder(labels, banLabels)
                : sameLength(labels, banLabels) && fits(labels, banLabels);
        mark(i, overlaps, ban);
      }
    }
  }

  private void mark(int i, boolean overlaps, Rule ban) {
    if (overlaps && !used[i] && portsOverlap(exceptions.get(i).ports(), ban.ports())) {
      used[i] = true;
      unused--;
    }
  }

  /** Whether the pattern matches some name equal to or under the domain. */
  private static boolean reachesUnder(String[] pattern, String[] domain) {
    return pattern.length >= domain.length && fits(pattern, domain);
  }

  private static boolean sameLength(String[] a, String[] b) {
    return a.length == b.length;
  }

  /** Whether the last labels agree, {@code *} on either side agreeing with anything. */
  static boolean fits(String[] a, String[] b) {
    int n = Math.min(a.length, b.length);
    for (int k = 1; k <= n; k++) {
      String x = a[a.length - k];
      String y = b[b.length - k];
      if (!x.equals(y) && !x.equals("*") && !y.equals("*")) {
        return false;
      }
    }
    return true;
  }

  private static boolean overlaps(IpNetwork a, IpNetwork b) {
    return a.prefixLength() <= b.prefixLength() ? a.contains(b.address()) : b.contains(a.address());
  }

  static boolean portsOverlap(Ports a, Ports b) {
    if (a.isAll() || b.isAll()) {
      return true;
    }
    for (int port : a.toArray()) {
      if (b.contains(port)) {
        return true;
      }
    }
    return false;
  }

  static String parent(String name) {
    int dot = name.indexOf('.');
    return dot < 0 ? null : name.substring(dot + 1);
  }
}
