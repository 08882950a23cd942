package org.exitfilter.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.Problem;
import org.exitfilter.config.Rule;
import org.exitfilter.config.Source;
import org.exitfilter.net.IpNetwork;
import org.exitfilter.proxy.ProxyObserver.Outcome;
import org.exitfilter.reload.CurrentBlocklist;
import org.exitfilter.reload.ReloadResult;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AdminServerTest {
  static final Instant STARTED = Instant.parse("2026-12-01T12:00:00Z");

  @TempDir Path dir;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  Blocklist blocklist;
  CurrentBlocklist current;
  Metrics metrics;
  final AtomicReference<ReloadResult> lastReload =
      new AtomicReference<>(new ReloadResult(STARTED, true, "start", List.of()));
  AdminServer admin;

  @BeforeEach
  void start() throws Exception {
    Path file = dir.resolve("blocklist.yaml");
    Files.writeString(
        file,
        String.join(
            "\n",
            "bans:",
            "  - domain: secret-site.example",
            "  - host: login.example.net",
            "  - network: 203.0.113.0/24",
            "exceptions:",
            "  - host: status.secret-site.example",
            ""));
    blocklist = BlocklistLoader.load(file);
    current = new CurrentBlocklist(blocklist, LocalDate.of(2026, 12, 1));
    metrics = new Metrics();
    admin = start(List.of());
  }

  AdminServer start(List<IpNetwork> clients) throws IOException {
    return AdminServer.start(
        new InetSocketAddress("127.0.0.1", 0),
        clients,
        metrics,
        () -> StatusReport.of(current.snapshot(), lastReload.get()));
  }

  @AfterEach
  void stop() {
    admin.close();
  }

  HttpResponse<String> send(String method, String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + admin.address().getPort() + path);
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .timeout(Duration.ofSeconds(5))
            .method(method, HttpRequest.BodyPublishers.noBody())
            .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  HttpResponse<String> get(String path) throws Exception {
    return send("GET", path);
  }

  Rule ban(int index) {
    return blocklist.bans().get(index);
  }

  @Test
  void metricsCountOutcomesAndBlocksPerEntryInPrometheusText() throws Exception {
    metrics.outcome(Outcome.BLOCKED, ban(0));
    metrics.outcome(Outcome.FORWARDED, null);
    metrics.outcome(Outcome.FORWARDED, null);
    metrics.clientConnections(1);
    metrics.bytesUpstream(100);

    HttpResponse<String> response = get("/metrics");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type"))
        .hasValue("text/plain; version=0.0.4; charset=utf-8");
    assertThat(response.body().lines())
        .contains(
            "exitfilter_requests_total{outcome=\"blocked\"} 1.0",
            "exitfilter_requests_total{outcome=\"forwarded\"} 2.0",
            "exitfilter_requests_total{outcome=\"tunneled\"} 0.0",
            "exitfilter_blocks_total{kind=\"domain\",rule=\"blocklist.yaml:2\"} 1.0",
            "exitfilter_client_connections 1.0",
            "exitfilter_relayed_bytes_total{direction=\"upstream\"} 100.0",
            "exitfilter_blocklist_reloads_total{result=\"refused\"} 0.0",
            "exitfilter_blocklist_last_load_ok 1.0");
    assertThat(response.body())
        .as("no gauge for a cache the proxy does not have")
        .doesNotContain("cache_hit_ratio");
  }

  @Test
  void noRequestedNameOrEntryValueEverReachesTheMetrics() throws Exception {
    // A user asked for www.secret-site.example and was refused by the domain entry.
    metrics.outcome(Outcome.BLOCKED, ban(0));
    metrics.outcome(Outcome.BLOCKED, ban(1));
    metrics.outcome(Outcome.BLOCKED, ban(2));

    String body = get("/metrics").body();

    assertThat(body)
        .contains("rule=\"blocklist.yaml:2\"", "rule=\"blocklist.yaml:3\"")
        .contains("rule=\"blocklist.yaml:4\"")
        .doesNotContain("secret-site", "login.example.net", "203.0.113", dir.toString());
  }

  @Test
  void blocksByMoreEntriesThanTheSeriesLimitCountTogetherAsOther() throws Exception {
    // A client asking for a different banned name of a long list on every request.
    Rule listed = ban(0);
    int entries = Metrics.MAX_RULE_SERIES + 5;
    for (int line = 1; line <= entries; line++) {
      metrics.outcome(Outcome.BLOCKED, onLine(listed, line));
    }
    metrics.outcome(Outcome.BLOCKED, onLine(listed, 1));

    List<String> series =
        get("/metrics")
            .body()
            .lines()
            .filter(l -> l.startsWith("exitfilter_blocks_total{"))
            .toList();

    assertThat(series).hasSize(Metrics.MAX_RULE_SERIES + 1);
    assertThat(series)
        .contains(
            "exitfilter_blocks_total{kind=\"domain\",rule=\"names.txt:1\"} 2.0",
            "exitfilter_blocks_total{kind=\"domain\",rule=\"names.txt:"
                + Metrics.MAX_RULE_SERIES
                + "\"} 1.0",
            "exitfilter_blocks_total{kind=\"domain\",rule=\"other\"} 5.0");
  }

  /** {@code rule} as if written on {@code line} of a list file. */
  private Rule onLine(Rule rule, int line) {
    return new Rule(
        rule.kind(),
        rule.value(),
        rule.network(),
        rule.ports(),
        rule.exception(),
        rule.reason(),
        rule.requestedBy(),
        rule.requestedOn(),
        rule.expires(),
        rule.reference(),
        new Source(dir.resolve("lists/names.txt"), line, 0));
  }

  @Test
  void aRefusedReloadShowsInTheMetrics() throws Exception {
    metrics.reloaded(new ReloadResult(STARTED, false, "file change", List.of()));

    assertThat(get("/metrics").body().lines())
        .contains(
            "exitfilter_blocklist_reloads_total{result=\"refused\"} 1.0",
            "exitfilter_blocklist_last_load_ok 0.0");
  }

  @Test
  void healthzAnswersOk() throws Exception {
    HttpResponse<String> response = get("/healthz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEqualTo("ok\n");
  }

  @Test
  void statusDescribesTheServingListAndTheLastReload() throws Exception {
    HttpResponse<String> response = get("/status");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValue("application/json");
    JsonNode status = new ObjectMapper().readTree(response.body());
    assertThat(status.get("blocklist").asText()).isEqualTo(blocklist.file().toString());
    assertThat(status.get("sha256").asText()).isEqualTo(blocklist.sha256()).hasSize(64);
    assertThat(status.get("day").asText()).isEqualTo("2026-12-01");
    assertThat(status.get("bans").toString())
        .isEqualTo("{\"domain\":1,\"host\":1,\"pattern\":0,\"network\":1}");
    assertThat(status.get("exceptions").toString())
        .isEqualTo("{\"domain\":0,\"host\":1,\"pattern\":0,\"network\":0}");
    JsonNode reload = status.get("lastReload");
    assertThat(reload.get("at").asText()).isEqualTo("2026-12-01T12:00:00Z");
    assertThat(reload.get("trigger").asText()).isEqualTo("start");
    assertThat(reload.get("result").asText()).isEqualTo("applied");
    assertThat(reload.get("errors").isEmpty()).isTrue();
  }

  @Test
  void statusShowsTheErrorsOfARefusedEdit() throws Exception {
    Problem problem =
        new Problem(new Source(blocklist.file(), 2, 13), "invalid name 'exa mple.org'");
    lastReload.set(new ReloadResult(STARTED, false, "file change", List.of(problem)));

    JsonNode reload = new ObjectMapper().readTree(get("/status").body()).get("lastReload");

    assertThat(reload.get("result").asText()).isEqualTo("refused; previous list still serving");
    assertThat(reload.get("errors").get(0).asText())
        .isEqualTo(blocklist.file() + ":2:13: invalid name 'exa mple.org'");
  }

  @Test
  void anUnknownPathIs404() throws Exception {
    HttpResponse<String> response = get("/admin");

    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(response.body()).isEqualTo("not found\n");
  }

  @Test
  void aQueryStringDoesNotChangeThePath() throws Exception {
    assertThat(get("/healthz?verbose=1").statusCode()).isEqualTo(200);
  }

  @Test
  void methodsOtherThanGetAndHeadAre405() throws Exception {
    for (String method : List.of("POST", "PUT", "DELETE")) {
      HttpResponse<String> response = send(method, "/metrics");

      assertThat(response.statusCode()).as(method).isEqualTo(405);
      assertThat(response.headers().firstValue("allow")).hasValue("GET, HEAD");
    }
  }

  @Test
  void headAnswersWithoutABody() throws Exception {
    HttpResponse<String> response = send("HEAD", "/healthz");

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).isEmpty();
    assertThat(response.headers().firstValue("content-length")).hasValue("3");
  }

  @Test
  void clientsOutsideTheConfiguredNetworksAreTurnedAway() throws Exception {
    admin.close();
    admin = start(List.of(IpNetwork.parse("192.0.2.0/24")));

    assertThatThrownBy(() -> get("/healthz")).isInstanceOf(IOException.class);
  }

  @Test
  void clientsInsideTheConfiguredNetworksAreServed() throws Exception {
    admin.close();
    admin = start(List.of(IpNetwork.parse("127.0.0.0/8")));

    assertThat(get("/healthz").statusCode()).isEqualTo(200);
  }
}
