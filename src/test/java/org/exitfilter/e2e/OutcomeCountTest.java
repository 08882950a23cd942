package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.exitfilter.config.Rule;
import org.exitfilter.proxy.ProxyObserver;
import org.exitfilter.proxy.ProxyObserver.Outcome;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.exitfilter.testing.TlsOrigin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every request or CONNECT is counted exactly once, as what ended it: a table of what a client
 * does, each run on its own connection, against the outcomes the observer was told once every
 * connection (and tunnel) of the case has closed.
 */
class OutcomeCountTest {
  private static final String BLOCKLIST =
      """
      bans:
        - domain: blocked.test
      """;

  /** What one case does through the proxy; returns once its answer (if any) has been read. */
  private interface Action {
    void run(OutcomeCountTest test, RawClient raw) throws Exception;
  }

  private final Recorder recorder = new Recorder();
  private TlsOrigin tls;
  private HttpOrigin http;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    tls = TlsOrigin.start();
    http = HttpOrigin.start();
    proxy =
        ProxyFixture.builder()
            .blocklist(BLOCKLIST)
            .connectPorts(tls.port())
            .observer(recorder)
            .start();
    proxy.dns().put("allowed.test", "127.0.0.1").put("blocked.test", "127.0.0.1");
  }

  @AfterEach
  void stop() {
    try {
      proxy.close();
    } finally {
      tls.close();
      http.close();
    }
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "a CONNECT whose ClientHello names a banned site",
            (Action) (t, raw) -> t.tunnelWithHello(raw, "blocked.test"),
            Outcome.BLOCKED),
        Arguments.of(
            "a CONNECT whose ClientHello names an allowed site",
            (Action) (t, raw) -> t.tunnelWithHello(raw, "allowed.test"),
            Outcome.TUNNELED),
        Arguments.of(
            "a CONNECT that opens with a TLS record other than a handshake",
            (Action)
                (t, raw) -> {
                  t.openTunnel(raw);
                  raw.send(new byte[] {23, 3, 3, 0, 1, 0});
                  assertThat(raw.awaitEnd()).isEqualTo(RawClient.End.CLOSED);
                },
            Outcome.BAD_REQUEST),
        Arguments.of(
            "a CONNECT whose client leaves before sending a byte",
            (Action) (t, raw) -> t.openTunnel(raw),
            Outcome.TUNNELED),
        Arguments.of(
            "a CONNECT to a banned name",
            (Action) (t, raw) -> assertThat(t.connect(raw, "blocked.test").status()).isEqualTo(403),
            Outcome.BLOCKED),
        Arguments.of(
            "a GET to an allowed origin",
            (Action)
                (t, raw) -> assertThat(t.get(raw, "allowed.test", "/").status()).isEqualTo(200),
            Outcome.FORWARDED),
        Arguments.of(
            "a GET to a banned name",
            (Action)
                (t, raw) -> assertThat(t.get(raw, "blocked.test", "/").status()).isEqualTo(403),
            Outcome.BLOCKED),
        Arguments.of(
            "a GET whose origin resets the connection before answering",
            (Action)
                (t, raw) ->
                    assertThat(t.get(raw, "allowed.test", "/reset").status()).isEqualTo(502),
            Outcome.UPSTREAM_ERROR),
        Arguments.of(
            "a GET addressed to the proxy itself",
            (Action)
                (t, raw) -> {
                  raw.send("GET / HTTP/1.1\r\nHost: exit\r\n\r\n".getBytes(UTF_8));
                  assertThat(raw.readResponse("GET").status()).isEqualTo(200);
                },
            Outcome.INFO_PAGE));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eachRequestIsCountedOnceAsWhatEndedIt(String description, Action action, Outcome expected)
      throws Exception {
    try (RawClient raw = proxy.rawClient()) {
      action.run(this, raw);
    }
    proxy.awaitNoOpenChannels();
    Await.until("every tunnel has closed", () -> recorder.tunnels.get() == 0);

    assertThat(recorder.counts())
        .as("%s: one outcome, and only this one", description)
        .isEqualTo(Map.of(expected, 1));
    if (expected == Outcome.BLOCKED) {
      assertThat(recorder.rules)
          .as("a block names the entry that decided")
          .singleElement()
          .extracting(Rule::value)
          .isEqualTo("blocked.test");
    }
  }

  private RawResponse connect(RawClient raw, String host) throws Exception {
    String authority = host + ":" + tls.port();
    raw.send(
        ("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n").getBytes(UTF_8));
    return raw.readResponse("CONNECT");
  }

  private void openTunnel(RawClient raw) throws Exception {
    assertThat(connect(raw, "allowed.test").status()).isEqualTo(200);
  }

  private void tunnelWithHello(RawClient raw, String serverName) throws Exception {
    openTunnel(raw);
    raw.send(TunnelClientHello.fromJdk(serverName));
    if (serverName.startsWith("blocked")) {
      assertThat(raw.awaitEnd())
          .as("a banned name closes the tunnel")
          .isEqualTo(RawClient.End.CLOSED);
    } else {
      Await.until("the origin read the hello", () -> tls.sniNames().contains(serverName));
    }
  }

  private RawResponse get(RawClient raw, String host, String path) throws Exception {
    String uri = "http://" + host + ":" + http.port() + path;
    raw.send(RelayTestSupport.get(uri).getBytes(UTF_8));
    return raw.readResponse("GET");
  }

  /** Counts what the proxy reports; called on event loops. */
  private static final class Recorder implements ProxyObserver {
    private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
    private final List<Rule> rules = new CopyOnWriteArrayList<>();
    private final AtomicInteger tunnels = new AtomicInteger();

    @Override
    public void outcome(Outcome outcome, Rule rule) {
      outcomes.add(outcome);
      if (rule != null) {
        rules.add(rule);
      }
    }

    @Override
    public void tunnels(int delta) {
      tunnels.addAndGet(delta);
    }

    Map<Outcome, Integer> counts() {
      Map<Outcome, Integer> counts = new EnumMap<>(Outcome.class);
      for (Outcome outcome : outcomes) {
        counts.merge(outcome, 1, Integer::sum);
      }
      return counts;
    }
  }
}
