package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.FilterProbe.assertBlocked;

import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * What a refused user reads, and that a refusal costs the client nothing more: the block page comes
 * from the operator's template with everything untrusted escaped, and the connection it came on
 * goes on serving allowed requests.
 */
class FilterBlockPageTest {
  private static final String REASON = "<script>alert('x')</script> & \\\"Owner\\\" asked";

  private HttpOrigin origin;
  private ProxyFixture proxy;

  @BeforeEach
  void start() throws Exception {
    origin = HttpOrigin.start();
    proxy =
        ProxyFixture.start(
            "bans:\n  - domain: blocked.test\n    reason: \""
                + REASON
                + "\"\n  - host: bare.test\n");
    proxy.dns().put("allowed.test", "127.0.0.1");
  }

  @AfterEach
  void stop() {
    try {
      proxy.awaitNoOpenChannels();
    } finally {
      proxy.close();
      origin.close();
    }
  }

  private String get(String host) {
    return "GET http://"
        + host
        + ":"
        + origin.port()
        + "/echo HTTP/1.1\r\nHost: "
        + host
        + "\r\n\r\n";
  }

  @Test
  void theBlockPageIsTheTemplateWithTheReasonEscaped() throws Exception {
    RawResponse response =
        FilterProbe.get(proxy, "http://WWW.Blocked.Test.:" + origin.port() + "/");

    assertBlocked(response);
    String page = response.bodyText();
    assertThat(page)
        .as("the shipped template")
        .contains("<title>Not reachable through this service</title>")
        .contains("<h1>www.blocked.test is not reachable through this service</h1>");
    assertThat(page)
        .as("the reason is text, never markup")
        .contains("&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;Owner&quot; asked")
        .doesNotContain("<script>");
    assertThat(response.header("Content-Length")).isEqualTo(String.valueOf(response.body().length));
    assertThat(response.header("Cache-Control")).isEqualTo("no-store");
  }

  @Test
  void anEntryWithoutAReasonGetsTheDefaultReason() throws Exception {
    RawResponse response = FilterProbe.get(proxy, "http://bare.test:" + origin.port() + "/");

    assertBlocked(response);
    assertThat(response.bodyText()).contains("The owner of this site asked");
  }

  @Test
  void theConnectionOfABlockedRequestThenServesAnAllowedOne() throws Exception {
    try (RawClient raw = proxy.rawClient()) {
      raw.send(get("blocked.test"));
      RawResponse blocked = raw.readResponse();
      assertBlocked(blocked);
      assertThat(blocked.header("Connection")).isEqualToIgnoringCase("keep-alive");

      raw.send(get("allowed.test"));
      RawResponse allowed = raw.readResponse();
      assertThat(allowed.status()).as("the same connection, still open").isEqualTo(200);

      raw.send(get("www.blocked.test"));
      assertBlocked(raw.readResponse());
    }
    assertThat(origin.requestCount()).as("only the allowed request").isOne();
    assertThat(origin.lastRequest().header("Host")).isEqualTo("allowed.test:" + origin.port());
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrderAroundARefusal() throws Exception {
    try (RawClient raw = proxy.rawClient()) {
      raw.send(get("allowed.test") + get("blocked.test") + get("allowed.test"));

      assertThat(raw.readResponse().status()).isEqualTo(200);
      assertBlocked(raw.readResponse());
      assertThat(raw.readResponse().status()).isEqualTo(200);
    }
    assertThat(origin.requestCount()).isEqualTo(2);
  }

  @Test
  void aBlockedRequestsBodyIsNeverForwarded() throws Exception {
    try (RawClient raw = proxy.rawClient()) {
      raw.send(
          "POST http://blocked.test:"
              + origin.port()
              + "/upload HTTP/1.1\r\nHost: blocked.test\r\nContent-Length: 5\r\n\r\nhello");

      assertBlocked(raw.readResponse());
    }
    assertThat(origin.acceptedConnections()).isZero();
  }
}
