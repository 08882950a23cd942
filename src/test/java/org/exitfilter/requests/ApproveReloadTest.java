package org.exitfilter.requests;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import org.exitfilter.net.Host;
import org.exitfilter.reload.BlocklistReloader;
import org.exitfilter.reload.CurrentBlocklist;
import org.exitfilter.requests.store.BanRequest;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * From mail to a ban the running proxy enforces, and back: import, prove with DNS, approve, reload,
 * and the name is refused; lift, reload, and it is reachable again. The reload is the file
 * watcher's: it sees the atomic rename as an edit.
 */
class ApproveReloadTest {
  static final String BLOCKLIST =
      "# operator's list\nbans:\n  - host: other.example   # keep\n\nexceptions: []\n";

  @TempDir Path mailDir;

  @Test
  void theRunningProxyBlocksAnApprovedNameAfterItsReloadAndNotAfterLift() throws Exception {
    try (HttpOrigin origin = HttpOrigin.start();
        ProxyFixture proxy = ProxyFixture.start(BLOCKLIST)) {
      proxy.dns().put("forum.example.org", "127.0.0.1");
      String url = "http://www.forum.example.org:" + origin.port() + "/";
      proxy.dns().put("www.forum.example.org", "127.0.0.1");
      assertThat(status(proxy, url)).isEqualTo(200);

      BanRequests requests =
          new BanRequests(
              proxy.config(), Clock.fixed(Workspace.NOW, ZoneOffset.UTC), origin.port());
      Path mail = mailDir.resolve("request.eml");
      try (var in = getClass().getResourceAsStream("/eml/forwarded-forum.eml")) {
        Files.write(mail, in.readAllBytes());
      }
      BanRequest r = requests.importMail(mail).get(0).request();
      proxy.dns().putTxt("_exitfilter-ban.forum.example.org", r.token());
      assertThat(requests.verify(r.id(), List.of()).proved()).isTrue();

      requests.approve(r.id(), List.of(), null, null, false);
      reload(proxy);
      int before = origin.requestCount();

      assertThat(status(proxy, url)).as("a name under the banned domain").isEqualTo(403);
      assertThat(origin.requestCount()).as("refused before reaching the origin").isEqualTo(before);

      requests.lift(r.id(), null);
      assertThat(Files.readString(proxy.config().blocklist(), UTF_8)).isEqualTo(BLOCKLIST);
      reload(proxy);

      assertThat(status(proxy, url)).isEqualTo(200);
    }
  }

  @Test
  void theFileWatcherOfARunningProxySeesTheApprovalAndTheLift() throws Exception {
    Workspace ws = Workspace.in(mailDir).blocklist(BLOCKLIST).create();
    CurrentBlocklist current =
        new CurrentBlocklist(ws.loadBlocklist(), LocalDate.now(ZoneOffset.UTC));
    Host.Name name = new Host.Name("www.forum.example.org");
    BanRequests requests = ws.requests();
    BanRequest r = requests.importMail(ws.mail("forwarded-forum.eml")).get(0).request();
    try (BlocklistReloader reloader =
        new BlocklistReloader(ws.blocklistFile(), current, Clock.systemUTC(), result -> {})) {
      reloader.start();

      requests.approve(r.id(), List.of(), null, null, true);
      Await.until(
          "the reloaded list blocks the approved name",
          () -> current.get().check(name, 80).blocked());

      requests.lift(r.id(), null);
      Await.until(
          "the reloaded list lets the name through again",
          () -> !current.get().check(name, 80).blocked());
    }
  }

  /** What the file watcher does on the rename: load the file as it now is and swap it in. */
  private static void reload(ProxyFixture proxy) throws Exception {
    proxy.rewriteBlocklist(Files.readString(proxy.config().blocklist(), UTF_8));
  }

  /** Each time a new client, so a new connection: this is about the list, not keep-alive. */
  private static int status(ProxyFixture proxy, String url) throws Exception {
    return proxy
        .httpClientBuilder()
        .build()
        .send(HttpRequest.newBuilder(URI.create(url)).build(), BodyHandlers.discarding())
        .statusCode();
  }
}
