package org.exitfilter.requests;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.exitfilter.requests.verify.Verifier;

/**
 * A tiny HTTP origin on 127.0.0.1 and an ephemeral port that serves {@code
 * /.well-known/exitfilter-ban.txt} with whatever body the test sets (404 until then), and counts
 * the requests it gets. Built on the JDK's own server: the proof file is all it needs.
 */
final class TokenOrigin implements AutoCloseable {
  private final HttpServer server;
  private final AtomicInteger requests = new AtomicInteger();
  private volatile String body;
  private volatile String redirectTo;

  private TokenOrigin() throws IOException {
    server =
        HttpServer.create(
            new InetSocketAddress(InetAddress.getByAddress(new byte[] {127, 0, 0, 1}), 0), 0);
    server.createContext(
        "/",
        exchange -> {
          requests.incrementAndGet();
          try (exchange) {
            exchange.getRequestBody().readAllBytes();
            String path = exchange.getRequestURI().getPath();
            if (redirectTo != null && path.equals(Verifier.WELL_KNOWN_PATH)) {
              exchange.getResponseHeaders().set("Location", redirectTo);
              exchange.sendResponseHeaders(302, -1);
            } else if (body != null
                && (path.equals(Verifier.WELL_KNOWN_PATH) || path.equals("/moved.txt"))) {
              byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
              exchange.getResponseHeaders().set("Content-Type", "text/plain");
              exchange.sendResponseHeaders(200, bytes.length);
              try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
              }
            } else {
              exchange.sendResponseHeaders(404, -1);
            }
          }
        });
    server.start();
  }

  static TokenOrigin start() throws IOException {
    return new TokenOrigin();
  }

  /** Serves {@code text} as the proof file (and at /moved.txt, for redirects). */
  TokenOrigin serve(String text) {
    this.body = text;
    return this;
  }

  /** Answers the proof file's path with a 302 to {@code location}. */
  TokenOrigin redirect(String location) {
    this.redirectTo = location;
    return this;
  }

  int port() {
    return server.getAddress().getPort();
  }

  int requests() {
    return requests.get();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
