package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import org.eclipse.jgit.revwalk.RevCommit;
import org.exitfilter.admin.AdminServer;
import org.exitfilter.admin.Metrics;
import org.exitfilter.admin.StatusReport;
import org.exitfilter.proxy.ProxyObserver;
import org.exitfilter.reload.ReloadResult;
import org.exitfilter.shared.SharedLists;
import org.exitfilter.shared.UpdateResult;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.GitServer;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three proxies follow one shared list on a git server on loopback: a signed ban reaches all of
 * them, the operator's own exception vetoes it on the one exit that has it, and with the server
 * gone the exits keep serving the accepted list, a restarted one too.
 */
class SharedListsFollowTest {
  private static final String VETO = "exceptions:\n  - host: keep.banned.test\n";

  @TempDir Path dir;
  private GitServer git;
  private GitServer.Key ops;
  private HttpOrigin origin;
  private final List<ProxyFixture> proxies = new ArrayList<>();
  private final List<SharedLists> followers = new ArrayList<>();

  @BeforeEach
  void start() throws Exception {
    git = GitServer.start(dir.resolve("git"));
    ops = git.newKey("ops@example.net");
    Files.writeString(dir.resolve("allowed_signers"), ops.allowedSignersLine() + "\n");
    origin = HttpOrigin.start();
    for (int i = 0; i < 3; i++) {
      follow(i, i == 0 ? VETO : "bans: []\n");
    }
  }

  @AfterEach
  void stop() {
    followers.forEach(SharedLists::close);
    proxies.forEach(ProxyFixture::close);
    origin.close();
    git.close();
  }

  /** Starts proxy {@code i} as run does: the accepted list from state-dir first, then follows. */
  private int follow(int i, String localBlocklist) throws Exception {
    return follow(i, localBlocklist, (name, result) -> {});
  }

  private int follow(int i, String localBlocklist, BiConsumer<String, UpdateResult> listener)
      throws Exception {
    return follow(i, localBlocklist, listener, ProxyObserver.NONE);
  }

  private int follow(
      int i,
      String localBlocklist,
      BiConsumer<String, UpdateResult> listener,
      ProxyObserver observer)
      throws Exception {
    ProxyFixture proxy =
        ProxyFixture.builder()
            .blocklist(localBlocklist)
            .observer(observer)
            .config(
                "shared-lists:\n"
                    + "  - name: cascade\n"
                    + "    git: "
                    + git.url()
                    + "\n"
                    + "    path: blocklist.yaml\n"
                    + "    allowed-signers: "
                    + dir.resolve("allowed_signers")
                    + "\n"
                    + "    refresh: 1s\n"
                    + "state-dir: "
                    + dir.resolve("state-" + i)
                    + "\n")
            .start();
    for (String name : List.of("banned.test", "www.banned.test", "keep.banned.test")) {
      proxy.dns().put(name, "127.0.0.1");
    }
    SharedLists shared = SharedLists.open(proxy.config(), Clock.systemUTC());
    shared.putInForce(proxy.blocklist());
    shared.start(proxy.blocklist(), listener);
    proxies.add(proxy);
    followers.add(shared);
    return proxies.size() - 1;
  }

  private RawResponse get(int proxy, String host) throws Exception {
    try (RawClient client = proxies.get(proxy).rawClient()) {
      client.send(
          "GET http://"
              + host
              + ":"
              + origin.port()
              + "/ HTTP/1.1\r\nHost: "
              + host
              + ":"
              + origin.port()
              + "\r\nConnection: close\r\n\r\n");
      return client.readResponse();
    }
  }

  private int status(int proxy, String host) throws Exception {
    return get(proxy, host).status();
  }

  @Test
  void aSignedBanReachesEveryExitAndTheLocalExceptionVetoesItOnItsOwnExit() throws Exception {
    assertThat(status(1, "www.banned.test")).as("before the ban").isEqualTo(200);

    RevCommit ban =
        git.commit(
            ops,
            "blocklist.yaml",
            "bans:\n  - domain: banned.test\n    reason: Owner asked for all exits\n");

    for (int i = 0; i < 3; i++) {
      int proxy = i;
      Await.untilAsserted(() -> assertThat(status(proxy, "www.banned.test")).isEqualTo(403));
    }
    RawResponse page = get(1, "www.banned.test");
    assertThat(page.bodyText())
        .as("the block page names the shared list, commit, file and line")
        .contains(
            "Owner asked for all exits (cascade@"
                + ban.name().substring(0, 7)
                + ":blocklist.yaml:2)");
    assertThat(status(0, "keep.banned.test")).as("the local veto").isEqualTo(200);
    assertThat(status(1, "keep.banned.test")).as("no veto on this exit").isEqualTo(403);
  }

  @Test
  void withTheServerGoneExitsKeepTheAcceptedListAndARestartedOneServesItAtOnce() throws Exception {
    RevCommit ban = git.commit(ops, "blocklist.yaml", "bans:\n  - domain: banned.test\n");
    for (int i = 0; i < 3; i++) {
      int proxy = i;
      Await.untilAsserted(() -> assertThat(status(proxy, "banned.test")).isEqualTo(403));
    }

    git.stop();
    Await.untilAsserted(
        () ->
            assertThat(followers.get(2).status().get(0))
                .containsEntry("acceptedCommit", ban.name())
                .extractingByKey("lastFetch")
                .satisfies(
                    fetch ->
                        assertThat(((Map<?, ?>) fetch).get("result")).isEqualTo("unreachable")));
    assertThat(status(2, "banned.test")).as("still serving while unreachable").isEqualTo(403);
    followers.remove(2).close();
    proxies.remove(2).close();
    Path entryCount = dir.resolve("state-2/cascade/accepted-entries");
    assertThat(entryCount).hasContent("1 " + ban.name());
    Files.delete(entryCount); // as in a state-dir written before the launcher read it

    int restarted = followLike(2);

    assertThat(status(restarted, "banned.test")).as("a restart, offline").isEqualTo(403);
    assertThat(followers.get(restarted).acceptedCommitAges()).containsKey("cascade");
    assertThat(entryCount)
        .as("the entry count the launcher sizes the heap by, written again by the start")
        .hasContent("1 " + ban.name());
  }

  @Test
  void aRefusedUpdateShowsOnStatusAndInTheMetricsWhileTheAcceptedListServes() throws Exception {
    RevCommit good = git.commit(ops, "blocklist.yaml", "bans:\n  - domain: banned.test\n");
    Metrics metrics = new Metrics();
    int proxy = follow(3, "bans: []\n", metrics::sharedListUpdated);
    SharedLists shared = followers.get(proxy);
    metrics.sharedLists(shared::acceptedCommitAges, shared::secondsSinceLastSuccess);
    ReloadResult start = new ReloadResult(Instant.now(), true, "start", List.of());
    try (AdminServer admin =
        AdminServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            List.of(),
            metrics,
            () ->
                StatusReport.of(
                    proxies.get(proxy).blocklist().snapshot(), start, shared.status()))) {
      Await.untilAsserted(() -> assertThat(status(proxy, "banned.test")).isEqualTo(403));
      RevCommit unsigned = git.commit(null, "blocklist.yaml", "bans: []\n");

      String refusal = "cascade@" + unsigned.name().substring(0, 7) + ": not signed";
      Await.untilAsserted(() -> assertThat(fetch(admin, "/status")).contains(refusal));
      String status = fetch(admin, "/status");
      String scrape = fetch(admin, "/metrics");

      assertThat(status).contains("\"acceptedCommit\" : \"" + good.name() + "\"");
      assertThat(scrape)
          .contains("exitfilter_shared_list_updates_total{list=\"cascade\",result=\"refused\"}")
          .contains(
              "exitfilter_shared_list_updates_total{list=\"cascade\",result=\"accepted\"} 1.0")
          .contains("exitfilter_shared_list_accepted_commit_age_seconds{list=\"cascade\"}")
          .contains("exitfilter_shared_list_last_success_age_seconds{list=\"cascade\"}");
      assertThat(status(proxy, "banned.test")).as("the accepted list serves").isEqualTo(403);
    }
  }

  @Test
  void theBlocksMetricNamesASharedEntryByListCommitFileAndLineAndALocalOneAsBefore()
      throws Exception {
    git.commitLocally(null, "lists/optout.txt", "optout.test\n");
    RevCommit tip =
        git.commit(
            ops,
            "blocklist.yaml",
            "bans:\n  - domain: banned.test\nlists:\n  - file: lists/optout.txt\n    kind: domain\n");
    Metrics metrics = new Metrics();
    int proxy = follow(3, "bans:\n  - domain: local.test\n", (name, result) -> {}, metrics);
    proxies.get(proxy).dns().put("optout.test", "127.0.0.1").put("local.test", "127.0.0.1");
    ReloadResult start = new ReloadResult(Instant.now(), true, "start", List.of());
    try (AdminServer admin =
        AdminServer.start(
            new InetSocketAddress("127.0.0.1", 0),
            List.of(),
            metrics,
            () -> StatusReport.of(proxies.get(proxy).blocklist().snapshot(), start))) {
      Await.untilAsserted(() -> assertThat(status(proxy, "optout.test")).isEqualTo(403));
      assertThat(status(proxy, "banned.test")).isEqualTo(403);
      assertThat(status(proxy, "local.test")).isEqualTo(403);

      String at = "cascade@" + tip.name().substring(0, 7);
      assertThat(fetch(admin, "/metrics").lines())
          .as("a shared entry as check and the block page name it; the operator's own as before")
          .contains(
              "exitfilter_blocks_total{kind=\"domain\",rule=\"" + at + ":lists/optout.txt:1\"} 1.0",
              "exitfilter_blocks_total{kind=\"domain\",rule=\"" + at + ":blocklist.yaml:2\"} 1.0",
              "exitfilter_blocks_total{kind=\"domain\",rule=\"blocklist.yaml:2\"} 1.0");
    }
  }

  private static String fetch(AdminServer admin, String path) throws Exception {
    HttpClient client = HttpClient.newHttpClient();
    URI uri = URI.create("http://127.0.0.1:" + admin.address().getPort() + path);
    return client
        .send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString())
        .body();
  }

  /** A new proxy on proxy {@code i}'s state-dir, as a restart would be. */
  private int followLike(int i) throws Exception {
    return follow(i, "bans: []\n");
  }
}
