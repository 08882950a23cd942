package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.FilterProbe.assertBlocked;

import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.stream.Stream;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every kind of name entry through the running proxy: what each one blocks and, as important, what
 * it leaves alone. One proxy serves the whole table; each row gets a fresh origin, so "never
 * connected" is simply the origin's connection count.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class FilterEntryKindsTest {
  private static final LocalDate TODAY = LocalDate.now(ZoneOffset.UTC);

  private static final String BLOCKLIST =
      """
      bans:
        - domain: blocked.test
          reason: "Owner asked"
        - host: exact.test
        - pattern: "shop.*.test"
        - pattern: "*.wild.test"
        - domain: corp.test
        - host: admin.public.corp.test
        - host: web.test
          ports: [80]
        - host: alt.test
          ports: [8080]
        - domain: expired.test
          expires: %s
        - domain: lastday.test
          expires: %s
      exceptions:
        - host: open.blocked.test
        - domain: public.corp.test
      """
          .formatted(TODAY.minusDays(1), TODAY);

  /** What the user sees for one row. */
  enum Expect {
    /** 403 block page; the name was never resolved nor connected to. */
    BLOCKED,
    /** Forwarded to the origin (which listens on the row's port). */
    FORWARDED,
    /**
     * Not refused by the blocklist, on a port where no test origin listens: the proxy tried to
     * connect (to loopback), so the answer is anything but the block page.
     */
    NOT_BLOCKED
  }

  private ProxyFixture proxy;
  private HttpOrigin origin;

  @BeforeAll
  void startProxy() throws Exception {
    proxy = ProxyFixture.start(BLOCKLIST);
  }

  @AfterAll
  void stopProxy() {
    if (proxy != null) {
      proxy.close();
    }
  }

  @BeforeEach
  void startOrigin() {
    origin = HttpOrigin.start();
  }

  @AfterEach
  void stopOrigin() {
    origin.close();
    proxy.awaitNoOpenChannels();
  }

  static Stream<Arguments> names() {
    return Stream.of(
        // domain: the name and every name under it, however deep; nothing that merely ends alike.
        Arguments.of("blocked.test", Expect.BLOCKED),
        Arguments.of("www.blocked.test", Expect.BLOCKED),
        Arguments.of("a.b.c.d.blocked.test", Expect.BLOCKED),
        Arguments.of("badblocked.test", Expect.FORWARDED),
        Arguments.of("blocked.test.other.test", Expect.FORWARDED),
        Arguments.of("blocked.testx", Expect.FORWARDED),
        // host: exactly the name.
        Arguments.of("exact.test", Expect.BLOCKED),
        Arguments.of("www.exact.test", Expect.FORWARDED),
        Arguments.of("notexact.test", Expect.FORWARDED),
        // pattern: '*' is exactly one whole label.
        Arguments.of("shop.a.test", Expect.BLOCKED),
        Arguments.of("shop.other.test", Expect.BLOCKED),
        Arguments.of("shop.a.b.test", Expect.FORWARDED),
        Arguments.of("shop.test", Expect.FORWARDED),
        Arguments.of("www.shop.a.test", Expect.FORWARDED),
        Arguments.of("x.wild.test", Expect.BLOCKED),
        Arguments.of("wild.test", Expect.FORWARDED),
        Arguments.of("a.b.wild.test", Expect.FORWARDED),
        // An exception host under a domain ban opens that one name only.
        Arguments.of("open.blocked.test", Expect.FORWARDED),
        Arguments.of("www.open.blocked.test", Expect.BLOCKED),
        // A domain exception under a domain ban, and a host ban under the exception.
        Arguments.of("corp.test", Expect.BLOCKED),
        Arguments.of("www.corp.test", Expect.BLOCKED),
        Arguments.of("public.corp.test", Expect.FORWARDED),
        Arguments.of("www.public.corp.test", Expect.FORWARDED),
        Arguments.of("admin.public.corp.test", Expect.BLOCKED),
        Arguments.of("x.admin.public.corp.test", Expect.FORWARDED),
        // Expiry: the last day still applies, the day after does not.
        Arguments.of("expired.test", Expect.FORWARDED),
        Arguments.of("www.expired.test", Expect.FORWARDED),
        Arguments.of("lastday.test", Expect.BLOCKED),
        Arguments.of("www.lastday.test", Expect.BLOCKED),
        // Entries limited to other ports leave the origin's port alone.
        Arguments.of("web.test", Expect.FORWARDED),
        Arguments.of("alt.test", Expect.FORWARDED));
  }

  @ParameterizedTest(name = "{0} on the origin''s port: {1}")
  @MethodSource("names")
  void eachEntryKindBlocksItsNamesAndNothingElse(String name, Expect expect) throws Exception {
    proxy.dns().put(name, "127.0.0.1");

    RawResponse response = FilterProbe.get(proxy, "http://" + name + ":" + origin.port() + "/");

    check(response, name, origin.port(), expect);
  }

  static Stream<Arguments> ports() {
    return Stream.of(
        Arguments.of("web.test", 80, Expect.BLOCKED),
        Arguments.of("web.test", 8080, Expect.NOT_BLOCKED),
        Arguments.of("alt.test", 8080, Expect.BLOCKED),
        Arguments.of("alt.test", 80, Expect.NOT_BLOCKED),
        Arguments.of("blocked.test", 8080, Expect.BLOCKED),
        Arguments.of("blocked.test", 443, Expect.BLOCKED));
  }

  /**
   * The rows on ports 80 and 8080, where no test origin listens: a name the entry does not cover is
   * resolved to 127.0.0.1 and dialled there, which shows it passed the blocklist.
   */
  @ParameterizedTest(name = "{0} on port {1}: {2}")
  @MethodSource("ports")
  void aBanLimitedToSomePortsBlocksThoseOnly(String name, int port, Expect expect)
      throws Exception {
    proxy.dns().put(name, "127.0.0.1");

    RawResponse response =
        FilterProbe.get(proxy, "http://" + name + (port == 80 ? "" : ":" + port) + "/");

    check(response, name, port, expect);
  }

  private void check(RawResponse response, String name, int port, Expect expect) {
    switch (expect) {
      case BLOCKED -> {
        assertBlocked(response);
        assertThat(proxy.dns().queries(name))
            .as("a banned name is refused before any DNS query")
            .isZero();
      }
      case FORWARDED -> {
        assertThat(response.status()).as("%s", response).isEqualTo(200);
        assertThat(origin.requestCount()).isOne();
        assertThat(origin.lastRequest().header("Host")).isEqualTo(name + ":" + port);
      }
      case NOT_BLOCKED -> {
        assertThat(response.header("Proxy-Status"))
            .as("the blocklist let %s:%d through; the connection attempt then fails", name, port)
            .isNotEqualTo(FilterProbe.DENIED);
        assertThat(response.status()).isNotEqualTo(403);
      }
    }
    if (expect != Expect.FORWARDED) {
      assertThat(origin.acceptedConnections()).as("the origin was never connected to").isZero();
    }
  }
}
