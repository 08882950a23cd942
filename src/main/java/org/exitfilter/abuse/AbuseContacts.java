package org.exitfilter.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.google.common.net.InternetDomainName;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Locale;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.requests.mail.Untrusted;

/**
 * Finds a provider's abuse mailbox: first the RDAP {@code abuse} role for its registrable domain
 * (or address), asked of the configured servers ({@code rdap:}) or, without them, of the servers
 * IANA's bootstrap registries name ({@link RdapBootstrap}); failing that {@code abuse@} the
 * registrable domain (RFC 2142), from Guava's public suffix list.
 *
 * <p>This is the only network access the desk makes on behalf of a mail's contents, and every
 * request of it, the bootstrap's included, goes through {@link RdapHttp}, that is through the
 * proxy's own destination checks.
 */
final class AbuseContacts {
  private final List<URI> servers;
  private final RdapHttp http;
  private final RdapBootstrap bootstrap;

  /** Where a contact came from. */
  record Contact(String address, String source) {}

  /** Without a bootstrap cache on disk; the bootstrap, when needed, is IANA's. */
  AbuseContacts(List<URI> servers, ProxyConfig proxy) {
    this(servers, proxy, RdapBootstrap.IANA, null, Clock.systemUTC());
  }

  /**
   * @param bootstrap where the bootstrap registries are: {@link RdapBootstrap#IANA}, a loopback
   *     server in tests
   * @param cache the folder the bootstrap registries are kept in between runs, or {@code null}
   */
  AbuseContacts(List<URI> servers, ProxyConfig proxy, URI bootstrap, Path cache, Clock clock) {
    this.servers = servers;
    this.http = new RdapHttp(proxy);
    this.bootstrap = new RdapBootstrap(bootstrap, http, cache, clock);
  }

  /**
   * The abuse contact for a host name or address; {@code null} when neither way finds one. The
   * proxy the lookup fetches through is stopped when it returns.
   */
  Contact lookup(String host) {
    try {
      return find(host);
    } finally {
      http.close();
    }
  }

  private Contact find(String host) {
    String domain = registrableDomain(host);
    InetAddress literal = IpLiterals.ip(host);
    if (domain == null && literal == null) {
      return null;
    }
    String path = literal != null ? "ip/" + literal.getHostAddress() : "domain/" + domain;
    List<URI> asked =
        !servers.isEmpty()
            ? servers
            : literal != null ? bootstrap.forAddress(literal) : bootstrap.forDomain(domain);
    for (URI server : asked) {
      String found = rdap(server.resolve(path));
      if (found != null) {
        return new Contact(found, "rdap");
      }
    }
    return domain == null ? null : new Contact("abuse@" + domain, "rfc2142");
  }

  static String registrableDomain(String host) {
    if (host == null) {
      return null;
    }
    String name = host.toLowerCase(Locale.ROOT);
    if (name.endsWith(".")) {
      name = name.substring(0, name.length() - 1);
    }
    if (!InternetDomainName.isValid(name)) {
      return null;
    }
    InternetDomainName domain = InternetDomainName.from(name);
    return domain.isUnderPublicSuffix() ? domain.topPrivateDomain().toString() : null;
  }

  private String rdap(URI query) {
    return http.get(query, "application/rdap+json").map(f -> abuseEmail(f.json())).orElse(null);
  }

  /** The email of the first entity, however deep, that has the role {@code abuse}. */
  static String abuseEmail(JsonNode node) {
    JsonNode entities = node.get("entities");
    if (entities == null || !entities.isArray()) {
      return null;
    }
    for (JsonNode entity : entities) {
      boolean abuse = false;
      for (JsonNode role : entity.path("roles")) {
        abuse |= "abuse".equalsIgnoreCase(role.asText());
      }
      if (abuse) {
        for (JsonNode property : entity.path("vcardArray").path(1)) {
          if ("email".equalsIgnoreCase(property.path(0).asText())) {
            String email = Untrusted.oneLine(property.path(3).asText());
            if (email != null && email.indexOf('@') > 0) {
              return email;
            }
          }
        }
      }
      String nested = abuseEmail(entity);
      if (nested != null) {
        return nested;
      }
    }
    return null;
  }
}
