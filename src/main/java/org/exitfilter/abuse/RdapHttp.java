package org.exitfilter.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.policy.DestinationPolicy.Access;
import org.exitfilter.proxy.OutboundCheck;

/**
 * The desk's one way onto the network: a GET of a JSON document (an RDAP answer, an IANA bootstrap
 * registry) with Jackson over the JDK HTTP client, after {@link #destinationAllowed} has said yes.
 * No redirects are followed, since a redirect would lead past the check.
 */
final class RdapHttp {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 4 * 1024 * 1024;

  private final ProxyConfig proxy;
  private final HttpClient http;

  /** A fetched document and the response's {@code Cache-Control}, or {@code null} without one. */
  record Fetched(JsonNode json, String cacheControl) {}

  RdapHttp(ProxyConfig proxy) {
    this.proxy = proxy;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /**
   * The JSON at {@code uri}; empty when the destination is refused, the answer is not a 200 with at
   * most 4 MiB of JSON, or the fetch fails.
   */
  Optional<Fetched> get(URI uri, String accept) {
    try {
      if (!destinationAllowed(uri)) {
        return Optional.empty();
      }
      HttpRequest request =
          HttpRequest.newBuilder(uri)
              .timeout(Duration.ofSeconds(10))
              .header("Accept", accept)
              .GET()
              .build();
      HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
      if (response.statusCode() != 200 || response.body().length > MAX_BODY) {
        return Optional.empty();
      }
      return Optional.of(
          new Fetched(
              JSON.readTree(response.body()),
              response.headers().firstValue("Cache-Control").orElse(null)));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Optional.empty();
    }
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
