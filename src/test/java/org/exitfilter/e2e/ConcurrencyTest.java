package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.RelayTestSupport.assertProxyError;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntUnaryOperator;
import org.exitfilter.e2e.ConcurrencyClients.Connection;
import org.exitfilter.e2e.ConcurrencyClients.Response;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A crowd at the door: as many kept-alive client connections as {@code max-connections} allows, all
 * open at once and all served, the next one turned away cleanly, and nothing left open once they
 * leave. The clients share one two-thread event loop group ({@link ConcurrencyClients}), so the
 * test costs file descriptors, not threads: each admitted connection holds four (client, proxy's
 * side, proxy's upstream, origin's side), well under the machine's limit.
 */
class ConcurrencyTest {
  private static final int MAX_CONNECTIONS = 2000;

  /** Requests on every connection while all of them are open, the first one included. */
  private static final int ROUNDS = 3;

  /**
   * Connections opened at a time while filling up: the proxy's accept backlog is 1024, and a
   * connection waiting in a full backlog is retried by the kernel a second later, not refused.
   * Waves keep the queue short and the timing honest.
   */
  private static final int WAVE = 200;

  private static final int REFUSED_PROBES = 5;
  private static final int SAMPLE_EVERY = 10;
  private static final Duration ROUND_TIMEOUT = Duration.ofSeconds(20);

  private HttpOrigin origin;
  private ProxyFixture proxy;
  private ConcurrencyClients clients;

  @BeforeEach
  void start() throws Exception {
    origin = HttpOrigin.start();
    proxy =
        ProxyFixture.builder()
            .config("limits:\n  max-connections: " + MAX_CONNECTIONS + "\n  idle-timeout: 1m\n")
            .start();
    // One lookup serves the whole test; the default one-second TTL would send thousands.
    proxy.dns().ttl(Duration.ofMinutes(5)).put("origin.test", "127.0.0.1");
    clients = new ConcurrencyClients(proxy.address());
  }

  @AfterEach
  void stop() {
    try {
      clients.close();
    } finally {
      try {
        proxy.close();
      } finally {
        origin.close();
      }
    }
  }

  private String echo(int client, int request) {
    return "http://origin.test:" + origin.port() + "/echo?client=" + client + "&request=" + request;
  }

  @Test
  void everyConnectionUpToTheLimitIsServedTheNextGets503AndAllCloseCleanly() throws Exception {
    long start = System.nanoTime();
    List<Connection> connections = new ArrayList<>(MAX_CONNECTIONS);
    for (int first = 0; first < MAX_CONNECTIONS; first += WAVE) {
      List<CompletableFuture<Connection>> wave = new ArrayList<>(WAVE);
      for (int client = first; client < Math.min(first + WAVE, MAX_CONNECTIONS); client++) {
        wave.add(openAndAsk(client));
      }
      connections.addAll(await(wave, "connections " + first + " and on served their first"));
    }
    Duration filled = Duration.ofNanos(System.nanoTime() - start);
    for (int request = 1; request < ROUNDS; request++) {
      assertEveryoneServed(connections, i -> i, request);
    }
    Duration served = Duration.ofNanos(System.nanoTime() - start);
    System.out.printf(
        "ConcurrencyTest: %d connections open and served once in %d ms;"
            + " %d requests on all of them at once done after %d ms%n",
        MAX_CONNECTIONS, filled.toMillis(), MAX_CONNECTIONS * ROUNDS, served.toMillis());
    assertThat(origin.acceptedConnections())
        .as("each client connection kept its one upstream connection alive between requests")
        .isEqualTo(MAX_CONNECTIONS);

    for (int probe = 0; probe < REFUSED_PROBES; probe++) {
      try (RawClient over = proxy.rawClient()) {
        assertProxyError(over.readResponse(), 503, "connection_limit_reached");
        assertThat(over.awaitEnd()).as("turned away, then closed").isEqualTo(RawClient.End.CLOSED);
      }
    }
    assertThat(origin.acceptedConnections())
        .as("a connection over the limit never reaches the origin")
        .isEqualTo(MAX_CONNECTIONS);

    List<Connection> sample = new ArrayList<>();
    for (int client = 0; client < MAX_CONNECTIONS; client += SAMPLE_EVERY) {
      sample.add(connections.get(client));
    }
    assertEveryoneServed(sample, i -> i * SAMPLE_EVERY, ROUNDS);
    assertThat(connections)
        .as("turning connections away closed none of the admitted ones")
        .allMatch(Connection::isOpen);

    await(connections.stream().map(Connection::close).toList(), "every client closed");
    proxy.awaitNoOpenChannels();
    Await.until("the origin saw every connection close", () -> origin.openConnections() == 0);
    assertThat(origin.requestCount()).isEqualTo(MAX_CONNECTIONS * ROUNDS + sample.size());
  }

  /** Connects and sends the first request; completes with the connection once it is answered. */
  private CompletableFuture<Connection> openAndAsk(int client) {
    return clients
        .connect()
        .thenCompose(
            connection ->
                connection
                    .get(echo(client, 0))
                    .thenApply(
                        response -> {
                          String problem = problem(response, client, 0);
                          if (problem != null) {
                            // Thrown on an event loop; await() reports it with the rest.
                            throw new AssertionError(problem);
                          }
                          return connection;
                        }));
  }

  /**
   * Sends request number {@code request} on every connection at once, as client {@code
   * clientOf.applyAsInt(i)} on the i-th, and checks every answer.
   */
  private void assertEveryoneServed(
      List<Connection> connections, IntUnaryOperator clientOf, int request) throws Exception {
    List<CompletableFuture<Response>> responses = new ArrayList<>(connections.size());
    for (int i = 0; i < connections.size(); i++) {
      responses.add(connections.get(i).get(echo(clientOf.applyAsInt(i), request)));
    }
    List<Response> answered = await(responses, "request " + request + " answered everywhere");
    List<String> problems = new ArrayList<>();
    for (int i = 0; i < answered.size(); i++) {
      String problem = problem(answered.get(i), clientOf.applyAsInt(i), request);
      if (problem != null) {
        problems.add(problem);
      }
    }
    assertThat(problems)
        .as("answers that are not the origin's echo of the very request sent on that connection")
        .isEmpty();
  }

  /** What is wrong with the answer to {@link #echo}{@code (client, request)}, or null. */
  private static String problem(Response response, int client, int request) {
    String line = "GET /echo?client=" + client + "&request=" + request + " HTTP/1.1\n";
    if (response.status() == 200 && response.body().startsWith(line)) {
      return null;
    }
    return "client " + client + " expected 200 echoing " + line.strip() + ", got " + response;
  }

  /**
   * Waits for all of {@code futures} within {@link #ROUND_TIMEOUT}; fails with the first few
   * failures and how many there were, or with how many were still waiting.
   */
  private static <T> List<T> await(List<CompletableFuture<T>> futures, String what)
      throws Exception {
    CompletableFuture<Void> all =
        CompletableFuture.allOf(futures.toArray(CompletableFuture[]::new));
    try {
      all.get(ROUND_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      long waiting = futures.stream().filter(f -> !f.isDone()).count();
      throw new AssertionError(
          "Timed out after " + ROUND_TIMEOUT + " until " + what + ": " + waiting + " waiting", e);
    } catch (ExecutionException e) {
      List<String> failures =
          futures.stream()
              .filter(CompletableFuture::isCompletedExceptionally)
              .map(f -> f.handle((v, cause) -> String.valueOf(cause)).join())
              .toList();
      throw new AssertionError(
          failures.size()
              + " of "
              + futures.size()
              + " failed until "
              + what
              + ", e.g. "
              + failures.subList(0, Math.min(5, failures.size())),
          e.getCause());
    }
    return futures.stream().map(CompletableFuture::join).toList();
  }
}
