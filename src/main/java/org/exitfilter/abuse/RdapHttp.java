package org.exitfilter.abuse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.util.Map;
import java.util.Optional;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.proxy.OutboundCheck;
import org.exitfilter.proxy.ProxiedFetch;

/**
 * The desk's one way onto the network: a GET of a JSON document (an RDAP answer, an IANA bootstrap
 * registry), read with Jackson, fetched through the proxy's own code ({@link ProxiedFetch}), so
 * that the proxy's resolver, destination policy and connect decide, once, as for a user's request.
 * An RDAP server is the operator's service, so no user's bans apply ({@link
 * OutboundCheck#NO_BANS}). No redirects are followed, since a redirect would lead past the
 * operator's choice of server.
 *
 * <p>The fetching proxy starts on the first {@link #get} and runs until {@link #close()}; the desk
 * closes it after each lookup, so nothing is left running between them. Not thread-safe.
 */
final class RdapHttp implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int MAX_BODY = 4 * 1024 * 1024;

  private final ProxyConfig proxy;
  private ProxiedFetch fetch;

  /** A fetched document and the response's {@code Cache-Control}, or {@code null} without one. */
  record Fetched(JsonNode json, String cacheControl) {}

  RdapHttp(ProxyConfig proxy) {
    this.proxy = proxy;
  }

  /**
   * The JSON at {@code uri}; empty when the proxy refuses the destination, the answer is not a 200
   * with at most 4 MiB of JSON, or the fetch fails.
   */
  Optional<Fetched> get(URI uri, String accept) {
    try {
      if (fetch == null) {
        fetch = ProxiedFetch.start(proxy, OutboundCheck.NO_BANS);
      }
      ProxiedFetch.Response response = fetch.get(uri, Map.of("Accept", accept), MAX_BODY);
      if (response.status() != 200 || response.proxyStatus() != null || response.truncated()) {
        return Optional.empty();
      }
      return Optional.of(new Fetched(JSON.readTree(response.body()), response.cacheControl()));
    } catch (IOException | IllegalArgumentException e) {
      return Optional.empty();
    }
  }

  /** Stops the fetching proxy, if it runs; the next {@link #get} starts it again. */
  @Override
  public void close() {
    if (fetch != null) {
      fetch.close();
      fetch = null;
    }
  }
}
