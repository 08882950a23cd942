package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.FilterProbe.assertBlocked;

import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.Test;

/** A configuration without {@code block-page:} starts, and refused users read the built-in page. */
class BuiltInBlockPageTest {

  @Test
  void aConfigWithoutBlockPageServesTheBuiltInPageForABannedName() throws Exception {
    try (ProxyFixture proxy =
        ProxyFixture.builder()
            .blocklist("bans:\n  - domain: blocked.test\n")
            .builtInBlockPage()
            .start()) {
      assertThat(proxy.folder().resolve("blockpage.html")).doesNotExist();
      assertThat(proxy.config().blockPage()).isNull();

      RawResponse response = FilterProbe.get(proxy, "http://www.blocked.test/");

      assertBlocked(response);
      assertThat(response.bodyText())
          .contains("<title>Not reachable through this service</title>")
          .contains("<h1>www.blocked.test is not reachable through this service</h1>")
          .contains("The owner of this site asked that it not be reachable through this service.")
          .contains("Nothing is wrong with your connection.");
    }
  }
}
