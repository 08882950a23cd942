package org.exitfilter.requests.verify;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ProxySelector;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.match.Matcher;
import org.exitfilter.proxy.ProxyServer;

/**
 * Fetches a proof file through the proxy's own code: a {@link ProxyServer} started for the
 * verification on 127.0.0.1 and an ephemeral port, with the operator's configuration (resolver,
 * {@code allow-private-destinations}, limits) and the current blocklist. So a verification is
 * judged exactly as a user's request would be: a banned name or address is refused, and a name
 * resolving to a private address is refused unless private destinations are allowed. A verification
 * can never become a way into the operator's own network.
 *
 * <p>Not thread-safe; one verification at a time.
 */
final class ProxiedFetch implements AutoCloseable {
  /** Bytes of a proof file read at most; the token is near the top of a tiny file. */
  static final int MAX_BODY_BYTES = 4096;

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

  /** Starts the verification proxy; close it when done. */
  static ProxiedFetch start(ProxyConfig config, Matcher matcher) throws IOException {
    InetAddress loopback = InetAddress.getByAddress(new byte[] {127, 0, 0, 1});
    ProxyConfig local =
        new ProxyConfig(
            config.file(),
            new InetSocketAddress(loopback, 0),
            List.of(),
            config.resolver(),
            config.connectPorts(),
            config.allowPrivateDestinations(),
            config.blocklist(),
            config.blockPage(),
            null,
            config.limits());
    return new ProxiedFetch(ProxyServer.start(local, () -> matcher));
  }

  /**
   * What came back.
   *
   * @param status the HTTP status, or 0 when no response came
   * @param proxyStatus the proxy's {@code Proxy-Status} when it refused or failed, else {@code
   *     null}
   * @param location the {@code Location} of a redirect, else {@code null}
   * @param body the start of the body as UTF-8 (at most {@link #MAX_BODY_BYTES} bytes)
   * @param failure why no response came, else {@code null}
   */
  record Response(int status, String proxyStatus, String location, String body, String failure) {}

  /** One GET through the proxy; never follows redirects. */
  Response get(URI uri) {
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(REQUEST_TIMEOUT)
            .header("User-Agent", "exitfilter-verify")
            .GET()
            .build();
    try {
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readNBytes(MAX_BODY_BYTES), StandardCharsets.UTF_8);
      }
      return new Response(
          response.statusCode(),
          response.headers().firstValue("Proxy-Status").orElse(null),
          response.headers().firstValue("Location").orElse(null),
          body,
          null);
    } catch (HttpConnectTimeoutException e) {
      return new Response(0, null, null, "", "the verification proxy did not answer");
    } catch (HttpTimeoutException e) {
      return new Response(
          0, null, null, "", "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s");
    } catch (IOException e) {
      return new Response(0, null, null, "", "fetch failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return new Response(0, null, null, "", "interrupted");
    }
  }

  @Override
  public void close() {
    server.close();
  }
}
