package org.exitfilter.match;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.Ports;
import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;
import org.exitfilter.config.Source;
import org.exitfilter.net.Host;
import org.exitfilter.net.IpNetwork;

/**
 * Blocklists and traffic for the benchmarks, from a seeded generator, shaped like an exit
 * operator's: most entries come from a few plain-text lists (domains, hosts, patterns, networks), a
 * few hundred are written in the blocklist itself, and exceptions carve hosts out of banned
 * domains. Traffic is Zipf-distributed over a pool of names, about 5% of them banned, some many
 * labels deep.
 */
final class BenchmarkLists {
  static final LocalDate DAY = LocalDate.of(2026, 11, 25);
  static final long SEED = 20261125L;

  private static final Path FILE = Path.of("conf/blocklist.yaml");
  private static final Path DOMAINS = Path.of("conf/lists/domains.txt");
  private static final Path HOSTS = Path.of("conf/lists/hosts.txt");
  private static final Path PATTERNS = Path.of("conf/lists/patterns.txt");
  private static final Path NETWORKS = Path.of("conf/lists/networks.txt");
  private static final String[] TLDS = {
    "com",
    "com",
    "com",
    "com",
    "com",
    "net",
    "net",
    "org",
    "org",
    "de",
    "ru",
    "co.uk",
    "info",
    "io",
    "xn--p1ai",
    "jp",
    "fr",
    "br",
    "nl",
    "xn--80asehdb",
    "pl",
    "it",
    "cn",
    "xyz",
    "top"
  };
  private static final String[] SUBDOMAINS = {
    "www", "cdn", "api", "static", "img", "m", "mail", "ads", "track", "login", "s3"
  };

  private BenchmarkLists() {}

  /**
   * A blocklist of about {@code size} entries: 80% domains, 10% hosts, 2% patterns, 5% networks
   * from list files, 100 bans and {@code max(10, size / 200)} host exceptions written inline.
   */
  static Blocklist blocklist(int size) {
    SplittableRandom random = new SplittableRandom(SEED);
    List<Rule> bans = new ArrayList<>(size);
    List<Rule> exceptions = new ArrayList<>();
    int inlineBans = Math.min(100, size / 10);
    int exceptionCount = Math.max(10, size / 200);
    int listed = size - inlineBans - exceptionCount;
    int hosts = listed / 10;
    int patterns = listed / 50;
    int networks = listed / 20;
    int domains = listed - hosts - patterns - networks;
    int line = 1;
    for (int i = 0; i < inlineBans; i++) {
      bans.add(rule(RuleKind.DOMAIN, domain(random), false, "court order " + i, FILE, line++, 7));
    }
    for (int i = 0; i < domains; i++) {
      bans.add(rule(RuleKind.DOMAIN, domain(random), false, "domains list", DOMAINS, i + 1, 0));
    }
    for (int i = 0; i < hosts; i++) {
      String host = SUBDOMAINS[random.nextInt(SUBDOMAINS.length)] + "." + domain(random);
      bans.add(rule(RuleKind.HOST, host, false, "hosts list", HOSTS, i + 1, 0));
    }
    for (int i = 0; i < patterns; i++) {
      String pattern =
          random.nextBoolean()
              ? "*." + SUBDOMAINS[random.nextInt(SUBDOMAINS.length)] + "." + domain(random)
              : "ads.*." + domain(random);
      bans.add(rule(RuleKind.PATTERN, pattern, false, "patterns list", PATTERNS, i + 1, 0));
    }
    for (int i = 0; i < networks; i++) {
      bans.add(networkRule(network(random), "networks list", NETWORKS, i + 1));
    }
    for (int i = 0; i < exceptionCount; i++) {
      // A host under a banned domain, such as a status page the operator lets through.
      Rule banned = bans.get(random.nextInt(inlineBans + domains));
      String host = SUBDOMAINS[random.nextInt(SUBDOMAINS.length)] + "." + banned.value();
      exceptions.add(rule(RuleKind.HOST, host, true, "exception " + i, FILE, line++, 7));
    }
    return new Blocklist(
        FILE,
        "0".repeat(64),
        bans,
        exceptions,
        List.of(),
        List.of(DOMAINS, HOSTS, PATTERNS, NETWORKS));
  }

  /**
   * {@code length} lookups: with probability 5% a name under a ban, otherwise a clean name; each
   * drawn from its pool by a Zipf law (exponent 1), as web traffic is.
   */
  static Host.Name[] traffic(Blocklist blocklist, int length) {
    SplittableRandom random = new SplittableRandom(SEED + 1);
    Host.Name[] clean = new Host.Name[200_000];
    for (int i = 0; i < clean.length; i++) {
      clean[i] = new Host.Name(cleanName(random));
    }
    List<Rule> bans = blocklist.bans();
    Host.Name[] banned = new Host.Name[Math.min(50_000, bans.size())];
    for (int i = 0; i < banned.length; i++) {
      banned[i] = new Host.Name(nameUnder(bans.get(random.nextInt(bans.size())), random));
    }
    Zipf cleanRanks = new Zipf(clean.length);
    Zipf bannedRanks = new Zipf(banned.length);
    Host.Name[] traffic = new Host.Name[length];
    for (int i = 0; i < length; i++) {
      Host.Name name =
          random.nextInt(100) < 5
              ? banned[bannedRanks.next(random)]
              : clean[cleanRanks.next(random)];
      // A copy of its own, as each request parses a new one: the proxy looks a name up right
      // after building it, while it is in the CPU cache. Copies allocated in order lie in order
      // in memory, so walking the array streams through them instead of chasing pointers into a
      // pool scattered over the heap. The cache sees equal names, not the same object.
      traffic[i] = new Host.Name(new String(name.ascii().toCharArray()));
    }
    return traffic;
  }

  /** {@code length} addresses, Zipf-distributed; 5% inside a banned network, 10% IPv6. */
  static InetAddress[] addressTraffic(Blocklist blocklist, int length) {
    SplittableRandom random = new SplittableRandom(SEED + 2);
    List<Rule> networks =
        blocklist.bans().stream().filter(r -> r.kind() == RuleKind.NETWORK).toList();
    InetAddress[] clean = new InetAddress[100_000];
    for (int i = 0; i < clean.length; i++) {
      byte[] bytes = new byte[random.nextInt(10) == 0 ? 16 : 4];
      random.nextBytes(bytes);
      clean[i] = address(bytes);
    }
    InetAddress[] banned = new InetAddress[Math.max(1, Math.min(20_000, networks.size()))];
    for (int i = 0; i < banned.length; i++) {
      byte[] bytes = networks.get(random.nextInt(networks.size())).network().address().getAddress();
      bytes[bytes.length - 1] |= (byte) random.nextInt(2);
      banned[i] = address(bytes);
    }
    Zipf cleanRanks = new Zipf(clean.length);
    Zipf bannedRanks = new Zipf(banned.length);
    InetAddress[] traffic = new InetAddress[length];
    for (int i = 0; i < length; i++) {
      traffic[i] =
          random.nextInt(100) < 5
              ? banned[bannedRanks.next(random)]
              : clean[cleanRanks.next(random)];
    }
    return traffic;
  }

  private static String label(SplittableRandom random, int min, int max) {
    int length = min + random.nextInt(max - min + 1);
    char[] chars = new char[length];
    for (int i = 0; i < length; i++) {
      int c = random.nextInt(36);
      chars[i] = (char) (c < 26 ? 'a' + c : '0' + c - 26);
    }
    return new String(chars);
  }

  /** A registrable domain, now and then one level further down. */
  private static String domain(SplittableRandom random) {
    String domain = label(random, 4, 14) + "." + TLDS[random.nextInt(TLDS.length)];
    return random.nextInt(4) == 0 ? label(random, 2, 8) + "." + domain : domain;
  }

  /** A name no entry is about: most two to four labels, one in ten five to nine. */
  private static String cleanName(SplittableRandom random) {
    String name = domain(random);
    int extra = random.nextInt(10) == 0 ? 3 + random.nextInt(5) : random.nextInt(3);
    for (int i = 0; i < extra; i++) {
      name =
          (i == 0 ? SUBDOMAINS[random.nextInt(SUBDOMAINS.length)] : label(random, 1, 6))
              + "."
              + name;
    }
    return name;
  }

  private static String nameUnder(Rule rule, SplittableRandom random) {
    return switch (rule.kind()) {
      case HOST -> rule.value();
      case PATTERN -> rule.value().replace("*", label(random, 2, 8));
      case DOMAIN ->
          random.nextInt(3) == 0
              ? rule.value()
              : SUBDOMAINS[random.nextInt(SUBDOMAINS.length)] + "." + rule.value();
      case NETWORK -> cleanName(random); // a network entry bans no name
    };
  }

  private static IpNetwork network(SplittableRandom random) {
    boolean v6 = random.nextInt(10) == 0;
    byte[] bytes = new byte[v6 ? 16 : 4];
    random.nextBytes(bytes);
    int length =
        v6
            ? new int[] {32, 48, 64, 128}[random.nextInt(4)]
            : new int[] {16, 24, 24, 24, 32, 32}[random.nextInt(6)];
    for (int bit = length; bit < bytes.length * 8; bit++) {
      bytes[bit / 8] &= (byte) ~(0x80 >>> (bit % 8));
    }
    return new IpNetwork(address(bytes), length);
  }

  private static InetAddress address(byte[] bytes) {
    try {
      return InetAddress.getByAddress(bytes);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  private static Rule rule(
      RuleKind kind,
      String value,
      boolean exception,
      String reason,
      Path file,
      int line,
      int column) {
    return new Rule(
        kind,
        value,
        null,
        Ports.ALL,
        exception,
        reason,
        null,
        null,
        null,
        null,
        new Source(file, line, column));
  }

  private static Rule networkRule(IpNetwork network, String reason, Path file, int line) {
    return new Rule(
        RuleKind.NETWORK,
        network.toString(),
        network,
        Ports.ALL,
        false,
        reason,
        null,
        null,
        null,
        null,
        new Source(file, line, 0));
  }

  /** Ranks 0 (most frequent) to n - 1 with probability proportional to 1 / (rank + 1). */
  private static final class Zipf {
    private final double[] cumulative;

    Zipf(int n) {
      cumulative = new double[n];
      double sum = 0;
      for (int i = 0; i < n; i++) {
        sum += 1.0 / (i + 1);
        cumulative[i] = sum;
      }
    }

    int next(SplittableRandom random) {
      double target = random.nextDouble() * cumulative[cumulative.length - 1];
      int low = 0;
      int high = cumulative.length - 1;
      while (low < high) {
        int mid = (low + high) >>> 1;
        if (cumulative[mid] < target) {
          low = mid + 1;
        } else {
          high = mid;
        }
      }
      return low;
    }
  }
}
