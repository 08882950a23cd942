package org.exitfilter.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.exitfilter.net.IpNetwork;

/**
 * Which RDAP servers answer for a domain or an address, from IANA's bootstrap registries (RFC
 * 9224): {@code dns.json}, {@code ipv4.json} and {@code ipv6.json} under {@link #IANA}.
 *
 * <p>A domain goes to the service whose entry is its longest matching label suffix, an address to
 * the one whose prefix is longest. A registry is fetched once per run (through {@link RdapHttp},
 * the destination check included) and kept in {@code cache} for as long as the response's {@code
 * Cache-Control: max-age} says, one day without one; when a fetch fails an expired copy still
 * serves, since an old registry rarely names the wrong server and the answer is checked anyway.
 * Nothing found means an empty list, and the caller falls back to {@code abuse@}.
 */
final class RdapBootstrap {
  /** IANA's bootstrap registries. */
  static final URI IANA = URI.create("https://data.iana.org/rdap/");

  static final Duration DEFAULT_MAX_AGE = Duration.ofDays(1);
  private static final Duration LONGEST_MAX_AGE = Duration.ofDays(7);
  private static final Pattern MAX_AGE = Pattern.compile("(?i)(?:^|[,\\s])max-age\\s*=\\s*(\\d+)");
  private static final Pattern NO_STORE = Pattern.compile("(?i)(?:^|[,\\s])no-(?:store|cache)\\b");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final URI base;
  private final RdapHttp http;
  private final Path cache;
  private final Clock clock;
  private final Map<String, Optional<JsonNode>> loaded = new HashMap<>();

  /**
   * @param base where the registries are, {@link #IANA} but in tests
   * @param cache the folder the registries are kept in between runs, or {@code null} for none
   */
  RdapBootstrap(URI base, RdapHttp http, Path cache, Clock clock) {
    this.base = base;
    this.http = http;
    this.cache = cache;
    this.clock = clock;
  }

  /** The base URLs for a domain name, best first; empty when the registry has none. */
  List<URI> forDomain(String domain) {
    List<String> labels = List.of(domain.toLowerCase(Locale.ROOT).split("\\."));
    int bestLength = 0;
    List<URI> best = List.of();
    for (JsonNode service : services("dns.json")) {
      for (JsonNode entry : service.path(0)) {
        String suffix = entry.asText().toLowerCase(Locale.ROOT);
        if (suffix.endsWith(".")) {
          suffix = suffix.substring(0, suffix.length() - 1);
        }
        int length = suffix.isEmpty() ? 0 : suffix.split("\\.").length;
        if (length > bestLength && matches(labels, suffix)) {
          bestLength = length;
          best = urls(service.path(1));
        }
      }
    }
    return best;
  }

  /** The base URLs for an address, best first; empty when the registry has none. */
  List<URI> forAddress(InetAddress address) {
    int bestLength = -1;
    List<URI> best = List.of();
    for (JsonNode service : services(address instanceof Inet4Address ? "ipv4.json" : "ipv6.json")) {
      for (JsonNode entry : service.path(0)) {
        IpNetwork network;
        try {
          network = IpNetwork.parse(entry.asText());
        } catch (IllegalArgumentException e) {
          continue;
        }
        if (network.prefixLength() > bestLength && network.contains(address)) {
          bestLength = network.prefixLength();
          best = urls(service.path(1));
        }
      }
    }
    return best;
  }

  private static boolean matches(List<String> labels, String suffix) {
    String name = String.join(".", labels);
    return name.equals(suffix) || name.endsWith("." + suffix);
  }

  /** HTTPS first, as RFC 9224 asks; each ending in a slash, so that paths resolve below it. */
  private static List<URI> urls(JsonNode list) {
    List<URI> https = new ArrayList<>();
    List<URI> http = new ArrayList<>();
    for (JsonNode url : list) {
      String text = url.asText();
      try {
        URI uri = URI.create(text.endsWith("/") ? text : text + "/");
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        (scheme.equals("https") ? https : http).add(uri);
      } catch (IllegalArgumentException e) {
        // a malformed URL in the registry: skip it, the others may do
      }
    }
    https.addAll(http);
    return https;
  }

  private JsonNode services(String registry) {
    return loaded
        .computeIfAbsent(registry, this::load)
        .map(json -> json.path("services"))
        .orElse(JSON.createArrayNode());
  }

  /** The registry: a fresh cached copy, else a fetched one, else a stale cached one. */
  private Optional<JsonNode> load(String registry) {
    Optional<Cached> kept = readCache(registry);
    if (kept.isPresent() && kept.get().expires().isAfter(clock.instant())) {
      return Optional.of(kept.get().registry());
    }
    Optional<RdapHttp.Fetched> fetched = http.get(base.resolve(registry), "application/json");
    if (fetched.isPresent() && fetched.get().json().path("services").isArray()) {
      Duration maxAge = maxAge(fetched.get().cacheControl());
      if (!maxAge.isZero()) {
        writeCache(registry, new Cached(clock.instant().plus(maxAge), fetched.get().json()));
      }
      return Optional.of(fetched.get().json());
    }
    return kept.map(Cached::registry);
  }

  /** How long a registry may be kept: the response's max-age, one day without one, at most 7. */
  static Duration maxAge(String cacheControl) {
    if (cacheControl == null) {
      return DEFAULT_MAX_AGE;
    }
    if (NO_STORE.matcher(cacheControl).find()) {
      return Duration.ZERO;
    }
    Matcher m = MAX_AGE.matcher(cacheControl);
    if (!m.find()) {
      return DEFAULT_MAX_AGE;
    }
    try {
      Duration age = Duration.ofSeconds(Long.parseLong(m.group(1)));
      return age.compareTo(LONGEST_MAX_AGE) > 0 ? LONGEST_MAX_AGE : age;
    } catch (NumberFormatException e) {
      return LONGEST_MAX_AGE;
    }
  }

  /** A registry as kept on disk, with when it stops being fresh. */
  private record Cached(Instant expires, JsonNode registry) {}

  private Path cacheFile(String registry) {
    return cache.resolve(registry);
  }

  private Optional<Cached> readCache(String registry) {
    if (cache == null || !Files.isRegularFile(cacheFile(registry))) {
      return Optional.empty();
    }
    try {
      JsonNode kept = JSON.readTree(cacheFile(registry).toFile());
      Instant expires = Instant.parse(kept.path("expires").asText());
      JsonNode json = kept.path("registry");
      return json.path("services").isArray()
          ? Optional.of(new Cached(expires, json))
          : Optional.empty();
    } catch (IOException | DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Best effort: a cache that cannot be written only costs a fetch on the next run. */
  private void writeCache(String registry, Cached cached) {
    if (cache == null) {
      return;
    }
    ObjectNode kept = JSON.createObjectNode();
    kept.put("expires", cached.expires().toString());
    kept.set("registry", cached.registry());
    try {
      Files.createDirectories(cache);
      CaseStore.replace(cacheFile(registry), JSON.writeValueAsBytes(kept));
    } catch (IOException e) {
      // best effort, see above
    }
  }
}
