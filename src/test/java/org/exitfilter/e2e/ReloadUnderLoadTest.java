package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.FilterProbe.assertBlocked;
import static org.exitfilter.e2e.RelayTestSupport.get;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.exitfilter.net.Host;
import org.exitfilter.reload.BlocklistReloader;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * An operator edits the blocklist while clients keep the proxy busy: every request still gets a
 * clean answer, the origin's page or the block page, and each edit decides the requests after it.
 * The edits go through the real {@link BlocklistReloader} watching the fixture's folder, written
 * the way careful editors and deployment tools write: a temporary file renamed over the list.
 */
class ReloadUnderLoadTest {
  private static final int CONNECTIONS = 16;
  private static final int VERSIONS = 20;

  /** Two names for the one origin; each version of the list bans one of them. */
  private static final List<String> NAMES = List.of("left.test", "right.test");

  /** What the issue asks of a reload, measured here and printed, not asserted. */
  private static final Duration RELOAD_TARGET = Duration.ofSeconds(2);

  /** Generous beyond the target: a loaded machine may be slow, but a lost edit never lands. */
  private static final Duration RELOAD_TIMEOUT = Duration.ofSeconds(10);

  private HttpOrigin origin;
  private ProxyFixture proxy;
  private BlocklistReloader reloader;

  @BeforeEach
  void start() throws Exception {
    origin = HttpOrigin.start();
    proxy = ProxyFixture.start(version(0));
    for (String name : NAMES) {
      proxy.dns().put(name, "127.0.0.1");
    }
    reloader =
        new BlocklistReloader(
            proxy.config().blocklist(), proxy.blocklist(), Clock.systemUTC(), result -> {});
    reloader.start();
  }

  @AfterEach
  void stop() throws IOException {
    try {
      reloader.close();
    } finally {
      try {
        proxy.close();
      } finally {
        origin.close();
      }
    }
  }

  /** Version n bans one of the two names, and a name of its own by which to tell it applied. */
  private static String version(int n) {
    return "bans:\n  - host: " + banned(n) + "\n  - host: " + marker(n) + "\n";
  }

  private static String banned(int version) {
    return NAMES.get(version % 2);
  }

  private static String allowed(int version) {
    return NAMES.get((version + 1) % 2);
  }

  private static String marker(int version) {
    return "version-" + version + ".test";
  }

  private String uri(String name) {
    return "http://" + name + ":" + origin.port() + "/";
  }

  @Test
  void everyRequestIsAnsweredAndEachRewriteDecidesTheRequestsAfterIt() throws Exception {
    Load load = new Load();
    ExecutorService clients = Executors.newFixedThreadPool(CONNECTIONS);
    long[] latencies = new long[VERSIONS];
    try {
      List<Future<?>> running = new ArrayList<>();
      for (int connection = 0; connection < CONNECTIONS; connection++) {
        int first = connection;
        running.add(clients.submit(() -> load.run(first)));
      }
      Await.until("the load is under way", () -> load.answered() >= CONNECTIONS);

      for (int v = 1; v <= VERSIONS; v++) {
        long renamed = replaceBlocklist(version(v));
        String marker = marker(v);
        long[] applied = {0};
        Await.until(
            "version " + v + " of the blocklist is applied",
            RELOAD_TIMEOUT,
            () -> {
              applied[0] = System.nanoTime();
              return proxy.blocklist().get().check(new Host.Name(marker), 80).blocked();
            });
        latencies[v - 1] = applied[0] - renamed;
        assertThat(reloader.lastResult().applied()).isTrue();

        assertBlocked(FilterProbe.get(proxy, uri(banned(v))));
        RawResponse fresh = FilterProbe.get(proxy, uri(allowed(v)));
        assertThat(fresh.status())
            .as("%s is allowed again in version %d", allowed(v), v)
            .isEqualTo(200);
        assertThat(fresh.bodyText()).isEqualTo("hello\n");
        assertThat(load.failures).as("failed requests so far").isEmpty();
      }

      load.stop();
      for (Future<?> client : running) {
        client.get(10, TimeUnit.SECONDS);
      }
    } finally {
      load.stop();
      clients.shutdownNow();
      assertThat(clients.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    report(latencies, load);
    assertThat(load.failures)
        .as("requests answered neither by the origin nor the block page")
        .isEmpty();
    for (String name : NAMES) {
      assertThat(load.count(name, 200)).as("%s served at some point", name).isPositive();
      assertThat(load.count(name, 403)).as("%s blocked at some point", name).isPositive();
    }
    proxy.awaitNoOpenChannels();
  }

  /**
   * Writes the new list next to the old one and renames it over, so the reloader never reads half a
   * file; returns the time of the rename.
   */
  private long replaceBlocklist(String yaml) throws IOException {
    Path list = proxy.config().blocklist();
    Path temporary = list.resolveSibling(list.getFileName() + ".new");
    Files.writeString(temporary, yaml, StandardCharsets.UTF_8);
    long renamed = System.nanoTime();
    Files.move(
        temporary, list, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    return renamed;
  }

  private static void report(long[] latencies, Load load) {
    long[] millis = Arrays.stream(latencies).map(TimeUnit.NANOSECONDS::toMillis).sorted().toArray();
    System.out.printf(
        "ReloadUnderLoadTest: %d reloads under %d connections, rename to applied:"
            + " min %d ms, median %d ms, max %d ms (target %d ms); %d requests answered%n",
        millis.length,
        CONNECTIONS,
        millis[0],
        millis[millis.length / 2],
        millis[millis.length - 1],
        RELOAD_TARGET.toMillis(),
        load.answered());
  }

  /**
   * The clients: each on a kept-alive connection of its own, asking for the two names in turn back
   * to back, counting what each name got and keeping every answer that is neither the origin's page
   * nor the block page.
   */
  private final class Load {
    private volatile boolean running = true;

    /** Per name: answered 200 by the origin, then blocked with 403. */
    private final AtomicLongArray counts = new AtomicLongArray(NAMES.size() * 2);

    final Queue<String> failures = new ConcurrentLinkedQueue<>();

    void run(int connection) {
      try (RawClient client = proxy.rawClient()) {
        for (int i = connection; running; i++) {
          String name = NAMES.get(i % NAMES.size());
          client.send(get(uri(name)));
          RawResponse response = client.readResponse();
          if (response.status() == 200 && response.bodyText().equals("hello\n")) {
            counts.incrementAndGet(NAMES.indexOf(name) * 2);
          } else if (response.status() == 403
              && FilterProbe.DENIED.equals(response.header("Proxy-Status"))) {
            counts.incrementAndGet(NAMES.indexOf(name) * 2 + 1);
          } else {
            failures.add("connection " + connection + ", " + name + ": " + response);
            return;
          }
        }
      } catch (IOException e) {
        // A reset, a close mid-exchange or no answer within the read timeout.
        failures.add("connection " + connection + ": " + e);
      }
    }

    long count(String name, int status) {
      return counts.get(NAMES.indexOf(name) * 2 + (status == 200 ? 0 : 1));
    }

    long answered() {
      long total = 0;
      for (int i = 0; i < counts.length(); i++) {
        total += counts.get(i);
      }
      return total;
    }

    void stop() {
      running = false;
    }
  }
}
