package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import java.io.IOException;
import java.time.Duration;
import java.util.Set;
import org.exitfilter.proxy.OutboundCheck;
import org.exitfilter.proxy.ProxyObserver;
import org.exitfilter.proxy.ProxyServer;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Who speaks first through a CONNECT tunnel, with an origin that greets as soon as it accepts
 * (GreenMail's SMTP server, {@code 220 ...}): through the proxy users reach, the greeting comes at
 * once, as server-first protocols need; through the proxy of the operator's tools, it comes only
 * after the client's first bytes, so that it never shares a read with the {@code 200} (JGit's ssh
 * over an HTTP proxy loses what does: eclipse-jgit/jgit#270).
 */
class TunnelFirstBytesTest {
  private static final Duration HELD = Duration.ofMillis(300);

  private GreenMail smtp;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    smtp = new GreenMail(new ServerSetup(0, "127.0.0.1", ServerSetup.PROTOCOL_SMTP));
    smtp.start();
    proxy = ProxyFixture.builder().connectPorts(smtp.getSmtp().getPort()).start();
  }

  @AfterEach
  void stop() {
    try {
      proxy.close();
    } finally {
      smtp.stop();
    }
  }

  private String target() {
    return "127.0.0.1:" + smtp.getSmtp().getPort();
  }

  private void establish(RawClient raw) throws IOException {
    raw.send("CONNECT " + target() + " HTTP/1.1\r\nHost: " + target() + "\r\n\r\n");
    assertThat(raw.readResponseHead().status()).isEqualTo(200);
  }

  @Test
  void throughTheUsersProxyTheOriginsGreetingComesWithoutTheClientSayingAnything()
      throws Exception {
    try (RawClient raw = proxy.rawClient()) {
      establish(raw);

      assertThat(raw.readLine()).startsWith("220 ");
      raw.send("QUIT\r\n");
      assertThat(raw.readLine()).startsWith("221 ");
    }
  }

  @Test
  void throughTheToolsProxyTheOriginsGreetingWaitsForTheClientsFirstBytes() throws Exception {
    try (ProxyServer tools =
            ProxyServer.startForTools(
                proxy.config(),
                Set.of(smtp.getSmtp().getPort()),
                OutboundCheck.NO_BANS,
                ProxyObserver.NONE);
        RawClient raw = RawClient.connect(tools.address())) {
      establish(raw);

      assertThat(raw.staysSilentFor(HELD)).as("the greeting before the client spoke").isTrue();
      raw.send("EHLO tools.test\r\n");
      assertThat(raw.readLine()).startsWith("220 ");
      assertThat(raw.readLine()).startsWith("250");
    }
  }
}
