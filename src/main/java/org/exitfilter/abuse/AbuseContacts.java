package org.exitfilter.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.common.net.InternetDomainName;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.policy.DestinationPolicy.Access;
import org.exitfilter.proxy.OutboundCheck;
import org.exitfilter.requests.mail.Untrusted;

/**
 * Finds a provider's abuse mailbox: first the RDAP {@code abuse} role for its registrable domain
 * (or address), asked of the configured servers with Jackson over the JDK HTTP client; failing that
 * {@code abuse@} the registrable domain (RFC 2142), from Guava's public suffix list.
 *
 * <p>This is the only network access the desk makes on behalf of a mail's contents, and it passes
 * {@link #destinationAllowed}.
 */
final class AbuseContacts {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 1024 * 1024;

  private final List<URI> servers;
  private final ProxyConfig proxy;
  private final HttpClient http;

  /** Where a contact came from. */
  record Contact(String address, String source) {}

  AbuseContacts(List<URI> servers, ProxyConfig proxy) {
    this.servers = servers;
    this.proxy = proxy;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** The abuse contact for a host name or address; {@code null} when neither way finds one. */
  Contact lookup(String host) {
    String domain = registrableDomain(host);
    InetAddress literal = ComplaintReader.ip(host);
    for (URI server : servers) {
      URI query =
          server.resolve(literal != null ? "ip/" + literal.getHostAddress() : "domain/" + domain);
      if (domain == null && literal == null) {
        break;
      }
      String found = rdap(query);
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
    try {
      if (!destinationAllowed(query)) {
        return null;
      }
      HttpRequest request =
          HttpRequest.newBuilder(query)
              .timeout(Duration.ofSeconds(10))
              .header("Accept", "application/rdap+json")
              .GET()
              .build();
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200 || response.body().length > MAX_BODY) {
        return null;
      }
      return abuseEmail(JSON.readTree(response.body()));
    } catch (IOException e) {
      return null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
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

  /**
   * Whether the desk may connect to {@code uri}'s host: the proxy's destination policy and resolver
   * decide ({@link OutboundCheck}), as for a user's request; an RDAP server is the operator's
   * service, so no user's bans apply. A checker per query: the desk makes a handful of lookups per
   * run, and nothing is left running after them.
   */
  boolean destinationAllowed(URI uri) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("https") || scheme.equals("http")) || uri.getHost() == null) {
      return false;
    }
    boolean https = scheme.equals("https");
    String host = uri.getHost();
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    }
    try (OutboundCheck outbound = new OutboundCheck(proxy, OutboundCheck.NO_BANS)) {
      return outbound.refusal(
              host,
              uri.getPort() >= 0 ? uri.getPort() : https ? 443 : 80,
              https ? Access.CONNECT : Access.HTTP)
          == null;
    }
  }
}
