package org.exitfilter.proxy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.exitfilter.config.Limits;
import org.exitfilter.config.Rule;
import org.exitfilter.match.Matcher;
import org.exitfilter.proxy.ProxyObserver.Outcome;
import org.exitfilter.testing.Blocklists;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The connection handler's admission, on an {@link EmbeddedChannel} with the real HTTP handlers in
 * front of it: every request here is answered by the proxy itself, before any DNS or connection,
 * and each is counted exactly once.
 */
class HttpProxyFrontendTest {
  private static final Matcher MATCHER =
      Blocklists.compile(
          """
          bans:
            - domain: blocked.test
          """);

  private final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
  private DestinationResolver resolver;
  private EmbeddedChannel channel;

  @BeforeEach
  void start() throws Exception {
    Transport transport = Transport.best();
    // Never asked: every request here is answered before a lookup. Points at loopback regardless.
    resolver = new DestinationResolver(transport, new InetSocketAddress("127.0.0.1", 9), 1000);
    ProxyObserver observer =
        new ProxyObserver() {
          @Override
          public void outcome(Outcome outcome, Rule rule) {
            outcomes.add(outcome);
          }
        };
    ServerContext context =
        new ServerContext(
            Limits.DEFAULTS,
            Set.of(443),
            () -> MATCHER,
            new DestinationGuard(false),
            resolver,
            BlockPage.builtIn(),
            transport,
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
            new RequestChecks(Limits.DEFAULTS.maxHeaderCount()),
            observer);
    channel = new EmbeddedChannel(false, false);
    // As on a real client connection: reads happen only when the frontend asks.
    channel.config().setAutoRead(false);
    ProxyInitializer.addHttpServer(channel.pipeline(), context);
    channel.register();
  }

  @AfterEach
  void stop() {
    try {
      channel.finishAndReleaseAll();
    } finally {
      resolver.close();
    }
  }

  @Test
  void aRequestToTheProxyItselfGetsTheInfoPageAndTheConnectionStaysOpen() {
    String response = exchange("GET / HTTP/1.1\r\nHost: exit.example\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 200 ");
    assertThat(response).contains("This is an exit of an anonymization network");
    assertThat(channel.isActive()).isTrue();
    assertThat(outcomes).containsExactly(Outcome.INFO_PAGE);
  }

  @Test
  void aHeadToTheProxyItselfGetsTheHeadWithoutTheBody() {
    String response = exchange("HEAD / HTTP/1.1\r\nHost: exit.example\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 200 ");
    assertThat(response)
        .as("the encoder was told this answers a HEAD")
        .endsWith("\r\n\r\n")
        .doesNotContain("<html");
  }

  @Test
  void aBannedNameGetsTheBlockPageAndTheNextRequestOnTheConnectionIsRead() {
    String blocked = exchange("GET http://www.blocked.test/ HTTP/1.1\r\nHost: x\r\n\r\n");

    assertThat(blocked).startsWith("HTTP/1.1 403 ");
    assertThat(blocked).contains("proxy-status: exitfilter; error=http_request_denied");
    assertThat(channel.isActive()).as("a block page keeps the connection").isTrue();

    String next = exchange("GET / HTTP/1.1\r\nHost: exit.example\r\n\r\n");
    assertThat(next).as("the next request was read and answered").startsWith("HTTP/1.1 200 ");
    assertThat(outcomes).containsExactly(Outcome.BLOCKED, Outcome.INFO_PAGE);
  }

  @Test
  void aConnectToAPortNotAllowedGets403AndTheConnectionCloses() {
    String response = exchange("CONNECT allowed.test:25 HTTP/1.1\r\nHost: allowed.test:25\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 403 ");
    assertThat(response).contains("error=http_request_denied");
    assertThat(channel.isActive()).isFalse();
    assertThat(outcomes).containsExactly(Outcome.PROHIBITED);
  }

  @Test
  void aConnectToABannedNameGetsTheBlockPageAndTheConnectionCloses() {
    String response =
        exchange("CONNECT blocked.test:443 HTTP/1.1\r\nHost: blocked.test:443\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 403 ");
    assertThat(response).containsIgnoringCase("connection: close");
    assertThat(channel.isActive()).isFalse();
    assertThat(outcomes).as("counted once, as blocked").containsExactly(Outcome.BLOCKED);
  }

  @Test
  void aRequestWithTwoHostFieldsGets400AndTheConnectionCloses() {
    String response =
        exchange("GET http://allowed.test/ HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 400 ");
    assertThat(channel.isActive()).isFalse();
    assertThat(outcomes).containsExactly(Outcome.BAD_REQUEST);
  }

  /** Sends {@code request} and returns everything the proxy wrote back, as text. */
  private String exchange(String request) {
    channel.writeInbound(Unpooled.copiedBuffer(request, ISO_8859_1));
    channel.runPendingTasks();
    StringBuilder out = new StringBuilder();
    for (Object written; (written = channel.readOutbound()) != null; ) {
      ByteBuf bytes = (ByteBuf) written;
      out.append(bytes.toString(ISO_8859_1));
      bytes.release();
    }
    return out.toString();
  }
}
