package org.exitfilter.proxy.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.exitfilter.config.Rule;
import org.exitfilter.match.Matcher;
import org.exitfilter.policy.DestinationPolicy;
import org.exitfilter.testing.Blocklists;
import org.junit.jupiter.api.Test;

/**
 * A CONNECT's tunnel behind its {@link SniGuard}, on an {@link EmbeddedChannel}: what the guard
 * decides is what the CONNECT is counted as, once.
 */
class ConnectTunnelTest {
  private static final DestinationPolicy POLICY = new DestinationPolicy(false, Set.of(443));
  private static final Matcher MATCHER =
      Blocklists.compile(
          """
          bans:
            - domain: blocked.test
          """);
  private static final int PORT = 443;

  /** What the tunnel reported, in order. */
  private final List<String> reported = new ArrayList<>();

  private final ConnectTunnel.Outcomes outcomes =
      new ConnectTunnel.Outcomes() {
        @Override
        public void tunneled() {
          reported.add("tunneled");
        }

        @Override
        public void blocked(Rule rule) {
          reported.add("blocked by " + rule.value());
        }

        @Override
        public void malformed() {
          reported.add("malformed");
        }
      };

  private EmbeddedChannel guarded(ConnectTunnel tunnel) {
    return new EmbeddedChannel(new SniGuard(10_000, tunnel.serverNames(), tunnel));
  }

  @Test
  void aHelloNamingABannedSiteClosesTheTunnelAndCountsOnceAsBlocked() throws Exception {
    ConnectTunnel tunnel = new ConnectTunnel(POLICY, () -> MATCHER, PORT, outcomes);
    EmbeddedChannel channel = guarded(tunnel);
    try {
      channel.writeInbound(Unpooled.wrappedBuffer(clientHello("www.blocked.test")));

      assertThat(channel.isActive()).as("the tunnel is closed").isFalse();
      assertThat((Object) channel.readInbound()).as("not a byte of the hello passes on").isNull();
      tunnel.closed();
      assertThat(reported)
          .as("blocked, and the close that follows adds nothing")
          .containsExactly("blocked by blocked.test");
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void aHelloNamingAnAllowedSitePassesOnAndCountsOnceAsTunneled() throws Exception {
    ConnectTunnel tunnel = new ConnectTunnel(POLICY, () -> MATCHER, PORT, outcomes);
    EmbeddedChannel channel = guarded(tunnel);
    byte[] hello = clientHello("allowed.test");
    try {
      channel.writeInbound(Unpooled.wrappedBuffer(hello));

      assertThat(channel.pipeline().get(SniGuard.class)).as("the guard left").isNull();
      ByteBuf passed = channel.readInbound();
      assertThat(passed.readableBytes()).as("the whole hello passes on").isEqualTo(hello.length);
      passed.release();
      channel.close();
      tunnel.closed();
      assertThat(reported).containsExactly("tunneled");
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void aTunnelOpeningWithApplicationDataCountsAsMalformed() {
    ConnectTunnel tunnel = new ConnectTunnel(POLICY, () -> MATCHER, PORT, outcomes);
    EmbeddedChannel channel = guarded(tunnel);
    try {
      channel.writeInbound(Unpooled.wrappedBuffer(new byte[] {23, 3, 3, 0, 1, 0}));

      assertThat(channel.isActive()).isFalse();
      tunnel.closed();
      assertThat(reported)
          .as("no name was banned, but the bytes could not be let through")
          .containsExactly("malformed");
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void aServerNameThatIsNoHostCountsAsMalformedNotBlocked() {
    ConnectTunnel tunnel = new ConnectTunnel(POLICY, () -> MATCHER, PORT, outcomes);
    assertThat(tunnel.serverNames().test("bad..name")).isFalse();
    tunnel.refused();

    assertThat(reported).containsExactly("malformed");
  }

  @Test
  void aTunnelClosedBeforeItsGuardDecidedCountsAsTunneled() {
    ConnectTunnel tunnel = new ConnectTunnel(POLICY, () -> MATCHER, PORT, outcomes);
    EmbeddedChannel channel = guarded(tunnel);
    try {
      channel.close();
      tunnel.closed();
      tunnel.closed();

      assertThat(reported).as("opened, refused by nothing, once").containsExactly("tunneled");
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  @Test
  void theServerNameCheckJudgesOnTheConnectPort() {
    Matcher portBan =
        Blocklists.compile(
            """
            bans:
              - domain: mail.test
                ports: [25]
            """);

    assertThat(new ServerNameCheck(POLICY, () -> portBan, 443).test("mail.test")).isTrue();
    ServerNameCheck on25 = new ServerNameCheck(POLICY, () -> portBan, 25);
    assertThat(on25.test("mail.test")).isFalse();
    assertThat(on25.refusedBy().value()).isEqualTo("mail.test");
  }

  /** The JDK client's first flight: one handshake record asking for {@code serverName}. */
  private static byte[] clientHello(String serverName) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, null, null);
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setServerNames(List.of(new SNIHostName(serverName)));
    engine.setSSLParameters(parameters);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.beginHandshake();
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] record = new byte[out.remaining()];
    out.get(record);
    return record;
  }
}
