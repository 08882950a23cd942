package org.exitfilter.abuse;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import org.exitfilter.admin.AdminServer;
import org.exitfilter.admin.Metrics;
import org.exitfilter.admin.StatusReport;
import org.exitfilter.config.Blocklist;
import org.exitfilter.reload.CurrentBlocklist;
import org.exitfilter.reload.ReloadResult;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.LoopbackDns;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The DNSBL check while the proxy runs: its first round lands on the admin listener's /metrics
 * ({@code exitfilter_dnsbl_listed}) and /status, asked of the loopback DNS server.
 */
class DnsblWatchTest {
  private final HttpClient client = HttpClient.newHttpClient();
  private LoopbackDns dns;
  private DnsblWatch watch;
  private AdminServer admin;

  @BeforeEach
  void start() {
    dns = LoopbackDns.start();
  }

  @AfterEach
  void stop() {
    if (admin != null) {
      admin.close();
    }
    if (watch != null) {
      watch.close();
    }
    dns.close();
  }

  @Test
  void aListedAddressShowsOnMetricsAndStatusAndADeadZoneIsNotANumber() throws Exception {
    dns.put("2.0.0.127.bl.example.net", "127.0.0.2")
        .put("10.113.0.203.bl.example.net", "127.0.0.4")
        .putTxt("10.113.0.203.bl.example.net", "Listed for spam");
    Metrics metrics = new Metrics();
    watch =
        DnsblWatch.start(
            dns.address(),
            DnsblTest.ours(),
            List.of("bl.example.net", "dead.example.net"),
            Duration.ofHours(1),
            Clock.systemUTC(),
            metrics::dnsblChecked);
    CurrentBlocklist current =
        new CurrentBlocklist(
            Blocklist.of(Path.of("blocklist.yaml"), "", List.of(), List.of(), List.of()),
            LocalDate.of(2026, 12, 5));
    ReloadResult loaded = new ReloadResult(Instant.now(), true, "start", List.of());
    admin =
        AdminServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            List.of(),
            metrics,
            () -> StatusReport.of(current.snapshot(), loaded, List.of(), watch.status()));

    Await.until("the first round is in", () -> watch.status().get("checkedAt") != null);

    assertThat(get("/metrics"))
        .contains("exitfilter_dnsbl_listed{address=\"203.0.113.10\",zone=\"bl.example.net\"} 1.0")
        .contains(
            "exitfilter_dnsbl_listed{address=\"2001:db8:0:0:0:0:0:10\",zone=\"bl.example.net\"} 0.0")
        .contains(
            "exitfilter_dnsbl_listed{address=\"203.0.113.10\",zone=\"dead.example.net\"} NaN");
    assertThat(get("/status"))
        .contains("\"dnsbl\"")
        .contains("\"status\" : \"listed\"")
        .contains("Listed for spam")
        .contains("\"status\" : \"dead\"");
  }

  private String get(String path) throws Exception {
    URI uri = URI.create("http://127.0.0.1:" + admin.address().getPort() + path);
    return client
        .send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }
}
