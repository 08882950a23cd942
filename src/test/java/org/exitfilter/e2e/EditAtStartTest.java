package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.FilterProbe.assertBlocked;

import java.nio.file.Files;
import java.time.Clock;
import org.exitfilter.reload.BlocklistReloader;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.junit.jupiter.api.Test;

/**
 * An edit saved the moment the proxy listens, before the reloader watches the blocklist's folder,
 * still applies: {@code exitfilter run} loads the list, opens the port, and only then starts the
 * reloader, as this test does.
 */
class EditAtStartTest {

  @Test
  void anEditSavedRightAfterTheProxyListensIsApplied() throws Exception {
    try (HttpOrigin origin = HttpOrigin.start();
        ProxyFixture proxy = ProxyFixture.start("bans: []\n");
        BlocklistReloader reloader =
            new BlocklistReloader(
                proxy.config().blocklist(), proxy.blocklist(), Clock.systemUTC(), result -> {})) {
      proxy.dns().put("late.test", "127.0.0.1");
      String uri = "http://late.test:" + origin.port() + "/";
      assertThat(FilterProbe.get(proxy, uri).status())
          .as("listening, the first list")
          .isEqualTo(200);

      Files.writeString(proxy.config().blocklist(), "bans:\n  - host: late.test\n", UTF_8);
      reloader.start();

      Await.untilAsserted(() -> assertBlocked(FilterProbe.get(proxy, uri)));
      assertThat(origin.requestCount()).as("nothing after the edit").isOne();
    }
  }
}
