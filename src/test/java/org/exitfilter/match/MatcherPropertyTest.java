package org.exitfilter.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.StringJoiner;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.Ports;
import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;
import org.exitfilter.config.Source;
import org.exitfilter.net.Host;
import org.junit.jupiter.api.Test;

/**
 * The compiled matchers against {@link ReferenceMatcher} on random blocklists and random
 * destinations drawn from a small vocabulary, so that entries overlap, nest and collide often.
 */
class MatcherPropertyTest {
  private static final LocalDate DAY = LocalDate.of(2026, 11, 25);
  private static final int LISTS = 300;
  private static final String[] LABELS = {
    "a",
    "b",
    "c",
    "www",
    "cdn",
    "api",
    "example",
    "org",
    "com",
    "net",
    "uk",
    "co",
    "xn--bcher-kva",
    "xn--80ak6aa92e",
    "xn--mnchen-3ya",
    "badexample",
    "ample",
    "xn--p1ai"
  };
  private static final int[] PORTS = {80, 443, 8080, 25};
  private static final Path[] LIST_FILES = {
    Path.of("conf/lists/ads.txt"), Path.of("conf/lists/malware.txt")
  };

  @Test
  void compiledMatchersAgreeWithReferenceOnRandomNameLists() {
    for (int seed = 0; seed < LISTS; seed++) {
      Random random = new Random(seed);
      Blocklist blocklist = randomList(random, false);
      Matcher reference = new ReferenceMatcher(blocklist, DAY);
      Matcher plain = Matcher.compile(blocklist, DAY);
      List<String> names = randomNames(random, blocklist);
      for (int round = 0; round < 2; round++) {
        for (String name : names) {
          int port = PORTS[random.nextInt(PORTS.length)];
          Host.Name host = new Host.Name(name);
          Verdict expected = reference.check(host, port);
          String why = "list " + seed + ", " + name + ":" + port;
          assertThat(plain.check(host, port)).as(why).isEqualTo(expected);
        }
      }
    }
  }

  @Test
  void compiledMatchersAgreeWithReferenceOnRandomNetworkLists() throws UnknownHostException {
    for (int seed = 0; seed < LISTS; seed++) {
      Random random = new Random(1_000_000 + seed);
      Blocklist blocklist = randomList(random, true);
      Matcher reference = new ReferenceMatcher(blocklist, DAY);
      Matcher compiled = Matcher.compile(blocklist, DAY);
      for (int i = 0; i < 300; i++) {
        InetAddress address = randomAddress(random);
        int port = PORTS[random.nextInt(PORTS.length)];
        assertThat(compiled.check(address, port))
            .as("list " + seed + ", " + address + ":" + port)
            .isEqualTo(reference.check(address, port));
      }
    }
  }

  private static Blocklist randomList(Random random, boolean networks) {
    TestLists list = TestLists.list();
    List<String> values = new ArrayList<>();
    int size = 1 + random.nextInt(random.nextBoolean() ? 8 : 60);
    for (int i = 0; i < size; i++) {
      RuleKind kind;
      String value;
      if (networks) {
        kind = RuleKind.NETWORK;
        value = randomNetwork(random);
      } else {
        kind = RuleKind.values()[random.nextInt(3)]; // DOMAIN, HOST or PATTERN
        if (kind == RuleKind.PATTERN) {
          value = randomPattern(random);
        } else if (!values.isEmpty() && random.nextBoolean()) {
          // Nest entries in one another: a label added to, or taken from, an earlier entry.
          String earlier = values.get(random.nextInt(values.size()));
          value =
              earlier.contains(".") && random.nextBoolean()
                  ? earlier.substring(earlier.indexOf('.') + 1)
                  : LABELS[random.nextInt(LABELS.length)] + "." + earlier;
        } else {
          value = randomName(random, 4);
        }
        values.add(value);
      }
      boolean exception = random.nextInt(10) < 3;
      Ports ports =
          switch (random.nextInt(8)) {
            case 0 -> Ports.of(443);
            case 1 -> Ports.of(80, 8080);
            default -> Ports.ALL;
          };
      LocalDate expires =
          switch (random.nextInt(10)) {
            case 0 -> DAY.minusDays(1);
            case 1 -> DAY;
            case 2 -> DAY.plusDays(30);
            default -> null;
          };
      // Some entries come from list files, sharing everything but value and line.
      boolean fromList = !exception && random.nextInt(3) == 0;
      Source source =
          fromList
              ? new Source(LIST_FILES[random.nextInt(LIST_FILES.length)], 1 + i, 1)
              : new Source(TestLists.FILE, 10 + i, 5);
      String reason = fromList ? "list" : random.nextBoolean() ? null : "reason " + i;
      if (kind == RuleKind.NETWORK && fromList) {
        // Lists hold canonical text, so their entries are compacted and rebuilt on use.
        value = TestLists.network(value).toString();
      }
      list.add(TestLists.rule(kind, value, exception, ports, expires, reason, source));
    }
    return list.build();
  }

  private static String randomName(Random random, int maxLabels) {
    StringJoiner name = new StringJoiner(".");
    int labels = 1 + random.nextInt(maxLabels);
    for (int i = 0; i < labels; i++) {
      name.add(LABELS[random.nextInt(LABELS.length)]);
    }
    return name.toString();
  }

  private static String randomPattern(Random random) {
    String[] labels = randomName(random, 5).split("\\.");
    for (int i = 0; i < labels.length; i++) {
      if (random.nextInt(3) == 0) {
        labels[i] = "*";
      }
    }
    if (!String.join(".", labels).contains("*")) {
      labels[random.nextInt(labels.length)] = "*";
    }
    return String.join(".", labels);
  }

  /** Random names, names under and next to the entries, and deep names. */
  private static List<String> randomNames(Random random, Blocklist blocklist) {
    List<String> names = new ArrayList<>();
    List<Rule> rules = new ArrayList<>(blocklist.bans());
    rules.addAll(blocklist.exceptions());
    for (int i = 0; i < 150; i++) {
      names.add(randomName(random, 5));
    }
    for (Rule rule : rules) {
      String value = rule.value();
      while (value.contains("*")) {
        value = value.replaceFirst("\\*", LABELS[random.nextInt(LABELS.length)]);
      }
      names.add(value);
      names.add(randomName(random, 2) + "." + value);
      names.add("x" + value);
      if (value.contains(".")) {
        names.add(value.substring(value.indexOf('.') + 1));
      }
    }
    names.add(randomName(random, 1) + deep(random));
    return names;
  }

  private static String deep(Random random) {
    StringJoiner name = new StringJoiner(".");
    for (int i = 0; i < 40; i++) {
      name.add(LABELS[random.nextInt(LABELS.length)]);
    }
    return "." + name;
  }

  /** Networks in a few small spaces, so that they nest, plus IPv6 prefixes that embed IPv4. */
  private static String randomNetwork(Random random) {
    return switch (random.nextInt(6)) {
      case 0, 1 ->
          "203.0."
              + random.nextInt(4)
              + "."
              + random.nextInt(256)
              + "/"
              + (16 + random.nextInt(17));
      case 2 -> "10.0.0.0/" + random.nextInt(9);
      case 3 ->
          "2001:db8:"
              + Integer.toHexString(random.nextInt(4))
              + "::"
              + Integer.toHexString(random.nextInt(65536))
              + "/"
              + (28 + random.nextInt(101));
      case 4 ->
          random.nextBoolean()
              ? "64:ff9b::/" + (88 + random.nextInt(41))
              : "::ffff:203.0." + random.nextInt(4) + ".0/" + (112 + random.nextInt(17));
      default -> "::/" + random.nextInt(97);
    };
  }

  private static InetAddress randomAddress(Random random) throws UnknownHostException {
    String v4 = "203.0." + random.nextInt(4) + "." + random.nextInt(256);
    return switch (random.nextInt(7)) {
      case 0, 1 -> TestLists.address(v4);
      case 2 -> TestLists.address(random.nextInt(12) + ".0.0." + random.nextInt(256));
      case 3 -> TestLists.address("64:ff9b::" + v4);
      case 4 -> TestLists.address("::" + v4);
      case 5 -> {
        byte[] mapped = TestLists.address("::ffff:" + v4).getAddress();
        byte[] bytes = new byte[16];
        bytes[10] = -1;
        bytes[11] = -1;
        System.arraycopy(mapped, 0, bytes, 12, 4);
        yield Inet6Address.getByAddress(null, bytes, -1);
      }
      default ->
          TestLists.address(
              "2001:db8:"
                  + Integer.toHexString(random.nextInt(4))
                  + "::"
                  + Integer.toHexString(random.nextInt(65536)));
    };
  }
}
