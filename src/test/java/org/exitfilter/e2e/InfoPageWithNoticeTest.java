package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.Test;

/**
 * A request sent to the proxy itself, on an exit with a notice: the page names the operator and the
 * contact, and points to the notice's pages, where before it told site owners to write "by email"
 * without an address.
 */
class InfoPageWithNoticeTest {

  @Test
  void theProxysOwnPageNamesTheOperatorTheContactAndTheNoticePages() throws Exception {
    try (ProxyFixture proxy =
            ProxyFixture.builder()
                .config(
                    """
                    notice:
                      listen: ["127.0.0.1:8080"]
                      operator: "Example Exit <e.V.>"
                      contact: abuse@exitnode-operator.example
                    """)
                .start();
        RawClient client = proxy.rawClient()) {
      client.send("GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n");
      RawResponse response = client.readResponse();

      assertThat(response.status()).isEqualTo(200);
      assertThat(response.bodyText())
          .contains("Operated by Example Exit &lt;e.V.&gt;.")
          .contains("<a href=\"mailto:abuse@exitnode-operator.example\">")
          .contains("<a href=\"http://127.0.0.1:8080/request-a-ban\">")
          .contains("<a href=\"http://127.0.0.1:8080/bans\">");
    }
  }
}
