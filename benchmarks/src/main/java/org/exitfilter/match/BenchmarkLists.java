package org.exitfilter.match;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ListEntries;
import org.exitfilter.config.Rule;
import org.exitfilter.config.RuleKind;
import org.exitfilter.net.Host;
import org.exitfilter.net.IpNetwork;

/**
 * Blocklists and traffic for the benchmarks, from a seeded generator, shaped like an exit
 * operator's: most entries come from a few plain-text lists (domains, hosts, networks); the
 * patterns (a list file holds none) and a few hundred others are written in the blocklist itself,
 * and exceptions carve hosts out of banned domains. Traffic is Zipf-distributed over a pool of
 * names, about 5% of them banned, some many labels deep.
 */
final class BenchmarkLists {
  static final LocalDate DAY = LocalDate.of(2026, 11, 25);
  static final long SEED = 20261125L;

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
   * A blocklist of about {@code size} entries, loaded by the product's loader as the proxy loads
   * one: 80% domains, 10% hosts, 5% networks in three list files (kept as compact {@link
   * ListEntries}); 2% patterns, 100 bans and {@code max(10, size / 200)} host exceptions written in
   * the blocklist itself, since a list file holds no patterns.
   */
  static Blocklist blocklist(int size) {
    SplittableRandom random = new SplittableRandom(SEED);
    int inlineBans = Math.min(100, size / 10);
    int exceptionCount = Math.max(10, size / 200);
    int listed = size - inlineBans - exceptionCount;
    int hostCount = listed / 10;
    int patternCount = listed / 50;
    int networkCount = listed / 20;
    int domainCount = listed - hostCount - patternCount - networkCount;
    // Drawn in the order the earlier in-memory lists were, so the entries are the same.
    List<String> written = new ArrayList<>(inlineBans);
    for (int i = 0; i < inlineBans; i++) {
      written.add(domain(random));
    }
    List<String> domains = new ArrayList<>(domainCount);
    for (int i = 0; i < domainCount; i++) {
      domains.add(domain(random));
    }
    List<String> hosts = new ArrayList<>(hostCount);
    for (int i = 0; i < hostCount; i++) {
      hosts.add(SUBDOMAINS[random.nextInt(SUBDOMAINS.length)] + "." + domain(random));
    }
    List<String> patterns = new ArrayList<>(patternCount);
    for (int i = 0; i < patternCount; i++) {
      patterns.add(
          random.nextBoolean()
              ? "*." + SUBDOMAINS[random.nextInt(SUBDOMAINS.length)] + "." + domain(random)
              : "ads.*." + domain(random));
    }
    List<String> networks = new ArrayList<>(networkCount);
    for (int i = 0; i < networkCount; i++) {
      networks.add(network(random).toString());
    }
    List<String> exceptions = new ArrayList<>(exceptionCount);
    for (int i = 0; i < exceptionCount; i++) {
      // A host under a banned domain, such as a status page the operator lets through.
      int banned = random.nextInt(inlineBans + domainCount);
      String domain = banned < inlineBans ? written.get(banned) : domains.get(banned - inlineBans);
      exceptions.add(SUBDOMAINS[random.nextInt(SUBDOMAINS.length)] + "." + domain);
    }

    StringBuilder yaml = new StringBuilder("bans:\n");
    for (int i = 0; i < written.size(); i++) {
      yaml.append("  - domain: ").append(written.get(i)).append('\n');
      yaml.append("    reason: \"court order ").append(i).append("\"\n");
    }
    for (String pattern : patterns) {
      // Quoted: a YAML value cannot start with '*'.
      yaml.append("  - pattern: \"").append(pattern).append("\"\n");
      yaml.append("    reason: \"patterns list\"\n");
    }
    yaml.append("exceptions:\n");
    for (int i = 0; i < exceptions.size(); i++) {
      yaml.append("  - host: ").append(exceptions.get(i)).append('\n');
      yaml.append("    reason: \"exception ").append(i).append("\"\n");
    }
    yaml.append("lists:\n");
    for (String kind : List.of("domain", "host", "network")) {
      yaml.append("  - file: ").append(kind).append("s.txt\n");
      yaml.append("    kind: ").append(kind).append('\n');
      yaml.append("    reason: \"").append(kind).append("s list\"\n");
    }
    return load(yaml.toString(), domains, hosts, networks);
  }

  /**
   * Writes the blocklist and its list files into a fresh temporary folder, loads them with {@link
   * BlocklistLoader} as the proxy does (per-entry analysis only), and deletes the folder.
   */
  private static Blocklist load(
      String yaml, List<String> domains, List<String> hosts, List<String> networks) {
    Path folder = null;
    try {
      folder = Files.createTempDirectory("exitfilter-benchmark-");
      Path file = folder.resolve("blocklist.yaml");
      Files.writeString(file, yaml, StandardCharsets.UTF_8);
      Files.write(folder.resolve("domains.txt"), domains, StandardCharsets.UTF_8);
      Files.write(folder.resolve("hosts.txt"), hosts, StandardCharsets.UTF_8);
      Files.write(folder.resolve("networks.txt"), networks, StandardCharsets.UTF_8);
      return BlocklistLoader.load(file, BlocklistLoader.Analysis.PER_ENTRY);
    } catch (ConfigException e) {
      throw new IllegalStateException(
          "the generated blocklist does not load: " + e.getMessage(), e);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      delete(folder);
    }
  }

  private static void delete(Path folder) {
    if (folder == null) {
      return;
    }
    try (Stream<Path> files = Files.list(folder)) {
      for (Path file : (Iterable<Path>) files::iterator) {
        Files.deleteIfExists(file);
      }
      Files.deleteIfExists(folder);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
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
