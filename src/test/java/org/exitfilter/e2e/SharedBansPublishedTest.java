package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jgit.revwalk.RevCommit;
import org.exitfilter.shared.SharedLists;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.GitServer;
import org.exitfilter.testing.ProxyFixture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exit notice publishes the list in force: the operator's own bans and, once a signed commit of
 * a shared list is accepted from a git server on loopback, that list's bans, each naming its source
 * as {@code check} and the block page do ({@code cascade@1a2b3c4:blocklist.yaml:2}). A shared ban
 * the operator's exception vetoes is not in force, so not published, whether it is written in the
 * shared blocklist or in one of its list files, and whether the exception was there first or comes
 * with a reload.
 */
class SharedBansPublishedTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private static final String LOCAL =
      """
      bans:
        - domain: local.test
      exceptions:
        - host: keep.banned.test
        - domain: kept.test
      """;

  private static final String SHARED =
      """
      bans:
        - domain: banned.test
          reason: Owner asked for all exits
        - host: keep.banned.test
      lists:
        - file: lists/optout.txt
          kind: domain
          reason: Shared opt-out list
      """;

  @TempDir Path dir;
  private GitServer git;
  private GitServer.Key ops;
  private ProxyFixture proxy;
  private SharedLists shared;
  private final HttpClient client = HttpClient.newHttpClient();

  @BeforeEach
  void start() throws Exception {
    git = GitServer.start(dir.resolve("git"));
    ops = git.newKey("ops@example.net");
    Files.writeString(dir.resolve("allowed_signers"), ops.allowedSignersLine() + "\n");
    proxy =
        ProxyFixture.builder()
            .blocklist(LOCAL)
            .config(
                "notice:\n"
                    + "  listen: [\"127.0.0.1:0\"]\n"
                    + "  operator: \"Example Exit e.V.\"\n"
                    + "  contact: abuse@exit.example\n"
                    + "  addresses: [203.0.113.10]\n"
                    + "shared-lists:\n"
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
                    + dir.resolve("state")
                    + "\n")
            .start();
    // as the run command does: the accepted commits first (none yet), then follow
    shared = SharedLists.open(proxy.config(), Clock.systemUTC());
    shared.putInForce(proxy.blocklist());
    shared.start(proxy.blocklist(), (name, result) -> {});
  }

  @AfterEach
  void stop() {
    if (shared != null) {
      shared.close();
    }
    if (proxy != null) {
      proxy.close();
    }
    git.close();
  }

  private HttpResponse<String> get(String pathAndQuery) throws Exception {
    URI uri =
        URI.create(
            "http://127.0.0.1:" + proxy.notice().addresses().get(0).getPort() + pathAndQuery);
    return client.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static String etag(HttpResponse<String> response) {
    return response.headers().firstValue("ETag").orElseThrow();
  }

  /** Commits the list file, then the shared blocklist as the signed tip; returns the tip. */
  private RevCommit publishSharedList() throws Exception {
    git.commitLocally(
        null, "lists/optout.txt", "optout-one.test\nwww.kept.test\noptout-two.test\n");
    return git.commit(ops, "blocklist.yaml", SHARED);
  }

  private static List<String> values(JsonNode json) {
    List<String> values = new ArrayList<>();
    json.get("bans").forEach(ban -> values.add(ban.get("value").asText()));
    return values;
  }

  @Test
  void anAcceptedSharedBanIsPublishedWithItsSourceAndAVetoedOneIsNot() throws Exception {
    HttpResponse<String> before = get("/bans.json");
    assertThat(values(JSON.readTree(before.body()))).containsExactly("local.test");

    RevCommit tip = publishSharedList();
    String at = "cascade@" + tip.name().substring(0, 7);

    Await.untilAsserted(() -> assertThat(get("/bans.json").body()).contains(at));
    HttpResponse<String> after = get("/bans.json");
    JsonNode json = JSON.readTree(after.body());
    assertThat(values(json))
        .as("the local list first, then the shared one; its vetoed bans left out")
        .containsExactly("local.test", "banned.test", "optout-one.test", "optout-two.test");
    assertThat(json.get("count").asInt()).isEqualTo(4);
    JsonNode local = json.get("bans").get(0);
    assertThat(local.get("source").asText()).isEqualTo("blocklist.yaml");
    assertThat(local.get("list").isNull()).as("the operator's own list").isTrue();
    JsonNode written = json.get("bans").get(1);
    assertThat(written.get("source").asText()).isEqualTo(at + ":blocklist.yaml:2");
    assertThat(written.get("list").asText()).isEqualTo("cascade");
    assertThat(written.get("reason").asText()).isEqualTo("Owner asked for all exits");
    assertThat(json.get("bans").get(3).get("source").asText())
        .as("a list file's entry, past the vetoed one")
        .isEqualTo(at + ":lists/optout.txt:3");
    assertThat(json.get("sources").toString())
        .isEqualTo(
            "[{\"list\":null,\"commit\":null,\"count\":1},"
                + "{\"list\":\"cascade\",\"commit\":\""
                + tip.name().substring(0, 7)
                + "\",\"count\":3}]");
    assertThat(etag(after))
        .as("a shared list's change changes the ETag")
        .isNotEqualTo(etag(before));

    String page = get("/bans").body();
    assertThat(page)
        .contains("<td>" + at + ":blocklist.yaml:2</td>")
        .contains("<td>" + at + ":lists/optout.txt:1</td>")
        .contains("<td>blocklist.yaml</td>")
        .contains("the shared list <code>cascade</code> at commit")
        .contains("Entries 1 to 4 of 4")
        .doesNotContain("keep.banned.test")
        .doesNotContain("kept.test");
    assertThat(get("/bans?lang=de").body())
        .contains("Quellen: die eigene Liste dieses Exits (1), die gemeinsame Liste")
        .contains("<td>" + at + ":lists/optout.txt:3</td>");
    assertThat(get("/bans?q=optout").body())
        .as("the search finds the shared entries, not the vetoed one")
        .contains("Entries 1 to 2 of 2")
        .contains("id=\"domain-optout-one.test\"")
        .contains("id=\"domain-optout-two.test\"");
    assertThat(get("/bans?q=kept").body()).contains("No entries match");
  }

  @Test
  void aLocalExceptionAddedByAReloadWithdrawsTheSharedBanAndChangesTheETag() throws Exception {
    RevCommit tip = publishSharedList();
    String at = "cascade@" + tip.name().substring(0, 7);
    Await.untilAsserted(() -> assertThat(get("/bans.json").body()).contains(at));
    HttpResponse<String> shown = get("/bans.json");
    assertThat(values(JSON.readTree(shown.body()))).contains("banned.test", "optout-two.test");

    proxy.rewriteBlocklist(
        LOCAL
            + "  - domain: banned.test\n"
            + "  - domain: optout-two.test\n"
            + "  - host: optout-one.test\n");

    HttpResponse<String> vetoed = get("/bans.json");
    assertThat(values(JSON.readTree(vetoed.body())))
        .as(
            "a domain exception vetoes a domain ban; a host one lifts only the name, not the domain")
        .containsExactly("local.test", "optout-one.test");
    assertThat(etag(vetoed)).isNotEqualTo(etag(shown));
    assertThat(get("/bans?q=banned").body()).contains("No entries match");
  }
}
