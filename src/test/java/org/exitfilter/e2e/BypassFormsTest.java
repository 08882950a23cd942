package org.exitfilter.e2e;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.e2e.FilterProbe.assertBadRequest;
import static org.exitfilter.e2e.FilterProbe.assertBlocked;

import java.util.stream.Stream;
import org.exitfilter.testing.HttpOrigin;
import org.exitfilter.testing.ProxyFixture;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every spelling of a banned name through the running proxy: each one is refused with the block
 * page and never reaches the origin, and the spellings that name something else are forwarded under
 * the name the proxy checked. Targets contain {@code PORT}, replaced by the origin's port. Requests
 * go out as raw bytes, since the JDK client refuses to send most of these.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BypassFormsTest {
  private static final String NAME_BANS =
      """
      bans:
        - domain: blocked.test
        - domain: bücher.test        # written in Unicode
        - domain: xn--caf-dma.test   # café.test, written in punycode
        - host: faß.test
        - host: strasse.test
      """;

  /** One address and one network, each tried in every spelling. */
  private static final String ADDRESS_BANS =
      """
      bans:
        - network: 127.0.0.1
        - network: "::1/128"
      """;

  private static final String NETWORK_BANS =
      """
      bans:
        - network: 127.0.0.0/24
        - network: "::/127"
      """;

  private ProxyFixture names;
  private ProxyFixture address;
  private ProxyFixture network;
  private ProxyFixture open;
  private HttpOrigin origin;

  @BeforeAll
  void startProxies() throws Exception {
    names = ProxyFixture.start(NAME_BANS);
    for (String name :
        new String[] {
          "allowed.test", "fass.test", "xn--strae-oqa.test", "xn--bcher-kva.test.allowed.test"
        }) {
      names.dns().put(name, "127.0.0.1");
    }
    // Private destinations refused too: should a spelling slip past the network ban, it gets
    // destination_ip_prohibited instead of a connection, so no row can ever dial a non-loopback
    // address such as 64:ff9b::7f00:1. The ban is checked first, so a refusal by the ban still
    // says http_request_denied.
    address =
        ProxyFixture.builder().blocklist(ADDRESS_BANS).allowPrivateDestinations(false).start();
    network =
        ProxyFixture.builder().blocklist(NETWORK_BANS).allowPrivateDestinations(false).start();
    open = ProxyFixture.start("bans: []\n");
  }

  @AfterAll
  void stopProxies() {
    for (ProxyFixture proxy : new ProxyFixture[] {names, address, network, open}) {
      if (proxy != null) {
        proxy.close();
      }
    }
  }

  @BeforeEach
  void startOrigin() {
    origin = HttpOrigin.start();
  }

  @AfterEach
  void stopOrigin() {
    origin.close();
    for (ProxyFixture proxy : new ProxyFixture[] {names, address, network, open}) {
      proxy.awaitNoOpenChannels();
    }
  }

  private String target(String template) {
    return template.replace("PORT", String.valueOf(origin.port()));
  }

  // ---------------------------------------------------------------- names

  static Stream<Arguments> bannedNameSpellings() {
    return Stream.of(
        Arguments.of("uppercase", "http://BLOCKED.TEST:PORT/"),
        Arguments.of("mixed case subdomain", "http://Www.Blocked.Test:PORT/"),
        Arguments.of("trailing dot", "http://blocked.test.:PORT/"),
        Arguments.of("uppercase and trailing dot", "http://WWW.BLOCKED.TEST.:PORT/"),
        Arguments.of("uppercase scheme", "HTTP://blocked.test:PORT/"),
        Arguments.of("default port", "http://blocked.test/"),
        Arguments.of("Unicode ban, punycode request", "http://xn--bcher-kva.test:PORT/"),
        Arguments.of("Unicode ban, uppercase punycode", "http://WWW.XN--BCHER-KVA.TEST.:PORT/"),
        Arguments.of("Unicode ban, Unicode request", "http://bücher.test:PORT/"),
        Arguments.of("Unicode ban, uppercase Unicode", "http://www.BÜCHER.test:PORT/"),
        Arguments.of("punycode ban, Unicode request", "http://café.test:PORT/"),
        Arguments.of("punycode ban, uppercase Unicode", "http://www.CAFÉ.TEST.:PORT/"),
        Arguments.of("punycode ban, punycode request", "http://xn--caf-dma.test:PORT/"),
        Arguments.of("fullwidth letters", "http://ｂｌｏｃｋｅｄ.test:PORT/"),
        Arguments.of("ideographic full stop", "http://blocked。test:PORT/"),
        Arguments.of("faß in punycode", "http://xn--fa-hia.test:PORT/"),
        Arguments.of("faß in Unicode", "http://faß.test:PORT/"),
        Arguments.of("strasse in uppercase", "http://STRASSE.test:PORT/"),
        Arguments.of("userinfo naming an allowed host", "http://allowed.test@blocked.test:PORT/"),
        Arguments.of(
            "userinfo with an allowed host and port",
            "http://allowed.test:PORT@blocked.test:PORT/"),
        Arguments.of("user and password", "http://user:secret@blocked.test:PORT/"),
        Arguments.of("two at signs", "http://a@allowed.test@blocked.test:PORT/"),
        Arguments.of("at sign in the fragment", "http://blocked.test:PORT#@allowed.test/"),
        Arguments.of("at sign in the query", "http://blocked.test:PORT?@allowed.test/"),
        Arguments.of("at sign in the path", "http://blocked.test:PORT/@allowed.test/"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @MethodSource("bannedNameSpellings")
  void everySpellingOfABannedNameIsRefused(String form, String template) throws Exception {
    RawResponse response = FilterProbe.get(names, target(template));

    assertBlocked(response);
    assertThat(origin.acceptedConnections()).as("never connected to").isZero();
  }

  @Test
  void aHostHeaderNamingAnAllowedHostDoesNotOpenABannedUri() throws Exception {
    RawResponse response =
        FilterProbe.get(
            names, target("http://blocked.test:PORT/"), "allowed.test:" + origin.port());

    assertBlocked(response);
    assertThat(origin.acceptedConnections()).isZero();
  }

  static Stream<Arguments> spellingsOfOtherNames() {
    return Stream.of(
        // faß and fass are different registrations (UTS #46 non-transitional), both ways.
        Arguments.of("http://fass.test:PORT/echo", "fass.test"),
        Arguments.of("http://FASS.test:PORT/echo", "fass.test"),
        Arguments.of("http://straße.test:PORT/echo", "xn--strae-oqa.test"),
        Arguments.of("http://xn--strae-oqa.test:PORT/echo", "xn--strae-oqa.test"),
        // Userinfo is never the host.
        Arguments.of("http://blocked.test@allowed.test:PORT/echo", "allowed.test"),
        Arguments.of("http://blocked.test:PORT@allowed.test:PORT/echo", "allowed.test"),
        // The proxy forwards the name it checked, normalized.
        Arguments.of("http://ALLOWED.TEST.:PORT/echo", "allowed.test"));
  }

  @ParameterizedTest(name = "{0} reaches {1}")
  @MethodSource("spellingsOfOtherNames")
  void aSpellingOfAnotherNameIsForwardedUnderTheNameChecked(String template, String host)
      throws Exception {
    RawResponse response = FilterProbe.get(names, target(template));

    assertThat(response.status()).as("%s", response).isEqualTo(200);
    assertThat(origin.lastRequest().uri()).isEqualTo("/echo");
    assertThat(origin.lastRequest().header("Host"))
        .as("the origin gets a Host generated from the checked name, without userinfo")
        .isEqualTo(host + ":" + origin.port());
  }

  @Test
  void aHostHeaderNamingABannedHostIsReplacedByTheUrisHost() throws Exception {
    RawResponse response =
        FilterProbe.get(names, target("http://allowed.test:PORT/echo"), "blocked.test");

    assertThat(response.status()).isEqualTo(200);
    assertThat(origin.lastRequest().headers("Host"))
        .as("the request went to the URI's host, and only its name reached the origin")
        .containsExactly("allowed.test:" + origin.port());
  }

  @Test
  void aHostHeaderAloneNeverMakesTheProxyForward() throws Exception {
    RawResponse response = FilterProbe.get(names, "/echo", "allowed.test:" + origin.port());

    assertThat(response.status()).as("the proxy's own page, not a forward").isEqualTo(200);
    assertThat(response.bodyText()).contains("exit of an anonymization network");
    assertThat(origin.acceptedConnections()).isZero();
  }

  @Test
  void hostBytesThatAreNotUtf8Get400() throws Exception {
    try (RawClient raw = names.rawClient()) {
      // café.test in ISO-8859-1: the lone byte 0xE9 is no UTF-8, so it names no host at all.
      raw.send("GET http://caf\u00e9.test:" + origin.port() + "/ HTTP/1.1\r\nHost: x\r\n\r\n");

      assertBadRequest(raw.readResponse());
    }
    assertThat(origin.acceptedConnections()).isZero();
  }

  @Test
  void aUnicodePathReachesTheOriginAsTheSameBytesPercentEncoded() throws Exception {
    RawResponse response =
        FilterProbe.get(names, target("http://bücher.test.allowed.test:PORT/echo?q=café"));

    assertThat(response.status()).isEqualTo(200);
    assertThat(origin.lastRequest().uri())
        .as("the UTF-8 bytes of é, neither dropped nor encoded twice")
        .isEqualTo("/echo?q=caf%C3%A9");
    assertThat(origin.lastRequest().header("Host"))
        .isEqualTo("xn--bcher-kva.test.allowed.test:" + origin.port());
  }

  static Stream<String> curlSpellings() {
    return Stream.of(
        "http://BLOCKED.TEST.:PORT/",
        "http://www.bücher.test:PORT/",
        "http://café.test:PORT/",
        "http://allowed.test@blocked.test:PORT/");
  }

  /** curl converts IDNs itself (libidn2) and puts userinfo in a header; each is still refused. */
  @ParameterizedTest(name = "curl {0}")
  @MethodSource("curlSpellings")
  void curlIsRefusedEverySpellingOfABannedName(String template) throws Exception {
    FilterProbe.assumeCurl();

    FilterProbe.CurlRun run =
        FilterProbe.curl(names, "-o", "/dev/null", "-w", "%{http_code}", target(template));

    assertThat(run.out()).as("curl: %s", run.err()).isEqualTo("403");
    assertThat(origin.acceptedConnections()).isZero();
  }

  // ---------------------------------------------------------------- addresses

  static Stream<Arguments> bannedAddressSpellings() {
    Stream<String> ipv4 =
        Stream.of(
            "127.0.0.1",
            "2130706433",
            "0x7f000001",
            "0x7f.1",
            "0X7F.0.0.1",
            "0177.0.0.1",
            "0177.0.0.01",
            "017700000001",
            "127.1",
            "127.0.1",
            "127.000.000.001",
            "127.0.0.1.",
            "[::ffff:127.0.0.1]",
            "[::FFFF:7F00:1]",
            "[0:0:0:0:0:ffff:7f00:1]",
            "[::127.0.0.1]",
            "[64:ff9b::7f00:1]",
            "[64:ff9b::127.0.0.1]");
    Stream<String> ipv6 =
        Stream.of(
            "[::1]",
            "[0:0:0:0:0:0:0:1]",
            "[0000:0000:0000:0000:0000:0000:0000:0001]",
            "[0::1]",
            "[::0:1]",
            "[::0001]");
    return Stream.concat(ipv4, ipv6)
        .flatMap(host -> Stream.of(Arguments.of("address", host), Arguments.of("network", host)));
  }

  @ParameterizedTest(name = "{1} against the banned {0}")
  @MethodSource("bannedAddressSpellings")
  void everySpellingOfABannedAddressIsRefused(String ban, String host) throws Exception {
    ProxyFixture proxy = ban.equals("address") ? address : network;

    RawResponse response = FilterProbe.get(proxy, "http://" + host + ":" + origin.port() + "/");

    assertBlocked(response);
    assertThat(origin.acceptedConnections()).as("never connected to").isZero();
  }

  static Stream<String> loopbackSpellings() {
    return Stream.of(
        "127.0.0.1",
        "2130706433",
        "0x7f.1",
        "0177.0.0.1",
        "127.1",
        "127.0.0.1.",
        "[::ffff:127.0.0.1]");
  }

  @ParameterizedTest(name = "curl {0}")
  @MethodSource("curlAddressSpellings")
  void curlIsRefusedEverySpellingOfABannedAddress(String host) throws Exception {
    FilterProbe.assumeCurl();

    FilterProbe.CurlRun run =
        FilterProbe.curl(
            address,
            "-g",
            "-o",
            "/dev/null",
            "-w",
            "%{http_code}",
            "http://" + host + ":" + origin.port() + "/");

    assertThat(run.out()).as("curl: %s", run.err()).isEqualTo("403");
    assertThat(origin.acceptedConnections()).isZero();
  }

  static Stream<String> curlAddressSpellings() {
    return Stream.of("2130706433", "0x7f.1", "0177.0.0.1", "127.1", "[::ffff:127.0.0.1]", "[::1]");
  }

  /** The control: without a ban, the same spellings reach 127.0.0.1 and nothing else. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("loopbackSpellings")
  void withoutABanTheSameSpellingsReachTheAddressTheyName(String host) throws Exception {
    RawResponse response = FilterProbe.get(open, "http://" + host + ":" + origin.port() + "/echo");

    assertThat(response.status()).isEqualTo(200);
    assertThat(origin.lastRequest().header("Host"))
        .as("the origin gets the address in its one canonical spelling")
        .isEqualTo("127.0.0.1:" + origin.port());
  }

  // ---------------------------------------------------------------- refused as unparsable

  static Stream<String> unparsableHosts() {
    return Stream.of(
        // Percent-encoding is refused, not decoded.
        "http://blocked%2etest:PORT/",
        "http://%62locked.test:PORT/",
        "http://blocked.test%2e:PORT/",
        "http://[::1%25lo]:PORT/",
        "http://127.0.0.1%2e:PORT/",
        // Empty labels, two trailing dots, no host.
        "http://blocked..test:PORT/",
        "http://.blocked.test:PORT/",
        "http://blocked.test..:PORT/",
        "http://:PORT/",
        "http:///",
        // Ports that are not ports.
        "http://blocked.test:0/",
        "http://blocked.test:65536/",
        "http://blocked.test:-1/",
        "http://blocked.test:0x50/",
        "http://blocked.test:/",
        // Numbers that are no IPv4 address, and broken IPv6.
        "http://256.0.0.1:PORT/",
        "http://1.2.3.4.5:PORT/",
        "http://4294967296:PORT/",
        "http://0x100000000:PORT/",
        "http://09.0.0.1:PORT/",
        "http://blocked.1:PORT/",
        "http://[::1:PORT/",
        "http://[127.0.0.1]:PORT/",
        "http://[::1]x:PORT/",
        "http://::1:PORT/",
        // Forbidden characters and overlong names.
        "http://blocked<.test:PORT/",
        "http://blocked\\.test:PORT/",
        "http://" + "a".repeat(64) + ".blocked.test:PORT/",
        "http://" + "a.".repeat(127) + "test:PORT/",
        // Not a plain http URI.
        "https://blocked.test/",
        "ftp://blocked.test/");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("unparsableHosts")
  void anUnparsableHostGets400(String template) throws Exception {
    int queriesBefore = names.dns().totalQueries();

    RawResponse response = FilterProbe.get(names, target(template), "blocked.test");

    assertBadRequest(response);
    assertThat(names.dns().totalQueries()).as("nothing was looked up").isEqualTo(queriesBefore);
    assertThat(origin.acceptedConnections()).isZero();
  }
}
