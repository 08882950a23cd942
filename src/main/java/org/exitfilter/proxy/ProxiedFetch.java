package org.exitfilter.proxy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;
import java.util.function.Supplier;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.match.Matcher;

/**
 * The one way the tools fetch over HTTP on the operator's behalf (ban proofs, RDAP, the IANA
 * bootstrap): through the proxy's own code, a {@link ProxyServer} started on 127.0.0.1 and an
 * ephemeral port with the operator's configuration (resolver, {@code allow-private-destinations},
 * {@code connect-ports}, limits). The JDK client only ever connects to that proxy (https goes as
 * CONNECT), so the destination's name is resolved once, by the proxy, and the address it checks is
 * the address it connects to: a DNS answer that changes between a check and the connect (rebinding)
 * cannot lead to a private address. A fetch can never become a way into the operator's own network.
 *
 * <p>Redirects are never followed: a caller that wants one asks again, through the same proxy.
 *
 * <p>Not thread-safe; one fetch at a time. Close it to stop the proxy.
 */
public final class ProxiedFetch implements AutoCloseable {
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

  private final ProxyServer server;
  private final HttpClient client;

  private ProxiedFetch(ProxyServer server) {
    this.server = server;
    this.client =
        HttpClient.newBuilder()
            .proxy(ProxySelector.of(server.address()))
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(CONNECT_TIMEOUT)
            .build();
  }

  /**
   * Starts the fetching proxy; close it when done.
   *
   * @param bans the bans that apply too: the operator's list for a ban proof, {@link
   *     OutboundCheck#NO_BANS} for the operator's own services (RDAP), which no user asked for
   * @throws IOException when no loopback port can be bound
   */
  public static ProxiedFetch start(ProxyConfig config, Supplier<Matcher> bans) throws IOException {
    return new ProxiedFetch(
        ProxyServer.startForTools(config, config.connectPorts(), bans, ProxyObserver.NONE));
  }

  /**
   * What came back.
   *
   * @param status the HTTP status, or 0 when no response came
   * @param proxyStatus the proxy's {@code Proxy-Status} when it refused or failed, else {@code
   *     null}
   * @param location the {@code Location} of a redirect, else {@code null}
   * @param cacheControl the response's {@code Cache-Control}, else {@code null}
   * @param body the start of the body, at most the bytes asked for
   * @param truncated whether the body went on beyond that
   * @param failure why no response came, else {@code null}
   */
  public record Response(
      int status,
      String proxyStatus,
      String location,
      String cacheControl,
      byte[] body,
      boolean truncated,
      String failure) {

    static Response failed(String why) {
      return new Response(0, null, null, null, new byte[0], false, why);
    }

    /** The body read as UTF-8. */
    public String text() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /**
   * One GET through the proxy; never follows redirects.
   *
   * @param headers request fields to send, e.g. {@code Accept} and {@code User-Agent}
   * @param maxBodyBytes how much of the body to read at most
   * @throws IllegalArgumentException when {@code uri} is not an absolute http or https URL
   */
  public Response get(URI uri, Map<String, String> headers, int maxBodyBytes) {
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || uri.getHost() == null) {
      throw new IllegalArgumentException("not an http or https URL: " + uri);
    }
    HttpRequest.Builder request = HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET();
    headers.forEach(request::header);
    try {
      HttpResponse<InputStream> response =
          client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
      byte[] body;
      try (InputStream in = response.body()) {
        body = in.readNBytes(maxBodyBytes + 1);
      }
      boolean truncated = body.length > maxBodyBytes;
      return new Response(
          response.statusCode(),
          response.headers().firstValue("Proxy-Status").orElse(null),
          response.headers().firstValue("Location").orElse(null),
          response.headers().firstValue("Cache-Control").orElse(null),
          truncated ? Arrays.copyOf(body, maxBodyBytes) : body,
          truncated,
          null);
    } catch (HttpConnectTimeoutException e) {
      return Response.failed("the fetching proxy did not answer");
    } catch (HttpTimeoutException e) {
      return Response.failed("no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
    } catch (IOException e) {
      return Response.failed("fetch failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Response.failed("interrupted");
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
