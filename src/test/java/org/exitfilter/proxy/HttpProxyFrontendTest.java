package org.exitfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
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

  private EmbeddedFrontend proxy;

  @BeforeEach
  void start() throws Exception {
    proxy = new EmbeddedFrontend(MATCHER);
  }

  @AfterEach
  void stop() {
    proxy.close();
  }

  @Test
  void aRequestToTheProxyItselfGetsTheInfoPageAndTheConnectionStaysOpen() {
    String response = exchange("GET / HTTP/1.1\r\nHost: exit.example\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 200 ");
    assertThat(response).contains("This is an exit of an anonymization network");
    assertThat(proxy.channel.isActive()).isTrue();
    assertThat(proxy.outcomes).containsExactly(Outcome.INFO_PAGE);
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
    assertThat(proxy.channel.isActive()).as("a block page keeps the connection").isTrue();

    String next = exchange("GET / HTTP/1.1\r\nHost: exit.example\r\n\r\n");
    assertThat(next).as("the next request was read and answered").startsWith("HTTP/1.1 200 ");
    assertThat(proxy.outcomes).containsExactly(Outcome.BLOCKED, Outcome.INFO_PAGE);
  }

  @Test
  void aConnectToAPortNotAllowedGets403AndTheConnectionCloses() {
    String response = exchange("CONNECT allowed.test:25 HTTP/1.1\r\nHost: allowed.test:25\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 403 ");
    assertThat(response).contains("error=http_request_denied");
    assertThat(proxy.channel.isActive()).isFalse();
    assertThat(proxy.outcomes).containsExactly(Outcome.PROHIBITED);
  }

  @Test
  void aConnectToABannedNameGetsTheBlockPageAndTheConnectionCloses() {
    String response =
        exchange("CONNECT blocked.test:443 HTTP/1.1\r\nHost: blocked.test:443\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 403 ");
    assertThat(response).containsIgnoringCase("connection: close");
    assertThat(proxy.channel.isActive()).isFalse();
    assertThat(proxy.outcomes).as("counted once, as blocked").containsExactly(Outcome.BLOCKED);
  }

  @Test
  void aRequestWithTwoHostFieldsGets400AndTheConnectionCloses() {
    String response =
        exchange("GET http://allowed.test/ HTTP/1.1\r\nHost: a.test\r\nHost: b.test\r\n\r\n");

    assertThat(response).startsWith("HTTP/1.1 400 ");
    assertThat(proxy.channel.isActive()).isFalse();
    assertThat(proxy.outcomes).containsExactly(Outcome.BAD_REQUEST);
  }

  private String exchange(String request) {
    return proxy.send(request);
  }
}
