package org.exitfilter.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.ibm.icu.text.IDNA;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostParserTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "127.0.0.1",
        "2130706433",
        "0x7f.1",
        "0177.0.0.1",
        "127.1",
        "127.0.1",
        "0x7f000001",
        "0X7F000001",
        "017700000001",
        "127.0.0.1.",
        "0x7F.0.0.1",
        "0x7f.0x0.0x0.0x1",
        "0177.0.0.01",
        "0x7f.0.1",
        "000000000000000000000000000000000000177.0.0.1",
        "１２７．０．０．１",
        "127。0。0。1",
        "127｡0｡0｡1",
        "０ｘ７ｆ．１"
      })
  void everySpellingOfLoopbackIsTheSameIpv4Address(String spelling) throws Exception {
    Host host = HostParser.parse(spelling);

    assertThat(host).isInstanceOf(Host.Ip.class);
    Host.Ip ip = (Host.Ip) host;
    assertThat(ip.address()).isInstanceOf(Inet4Address.class);
    assertThat(ip.authority()).isEqualTo("127.0.0.1");
  }

  static Stream<Arguments> otherIpv4Spellings() {
    return Stream.of(
        arguments("0", "0.0.0.0"),
        arguments("0x", "0.0.0.0"), // WHATWG: "0x" with no digits is the number zero
        arguments("0x.0x.0x.0x", "0.0.0.0"),
        arguments("0.0.0.00", "0.0.0.0"),
        arguments("4294967295", "255.255.255.255"),
        arguments("0xffffffff", "255.255.255.255"),
        arguments("037777777777", "255.255.255.255"),
        arguments("1.16777215", "1.255.255.255"),
        arguments("1.2.65535", "1.2.255.255"),
        arguments("1.2.3.0x4", "1.2.3.4"),
        arguments("192.168.0.1", "192.168.0.1"),
        arguments("203.0.113.7.", "203.0.113.7"));
  }

  @ParameterizedTest
  @MethodSource("otherIpv4Spellings")
  void numericHostsFollowTheWhatwgIpv4Parser(String spelling, String dotted) throws Exception {
    assertThat(HostParser.parse(spelling).authority()).isEqualTo(dotted);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "256.0.0.1",
        "1.256.0.1",
        "1.2.3.256",
        "1.2.3.4.5",
        "4294967296",
        "0x100000000",
        "99999999999999999999999999",
        "1.16777216",
        "1.2.65536",
        "09.1.1.1",
        "1.2.3.09",
        "08",
        "example.123",
        "example.0x",
        "example.0x1F",
        "a.1",
        "1..2",
        ".1",
        "1.2.3.4.5.",
        "۱۲۷.0.0.1" // Persian digits are not folded to ASCII: a punycode label, then "0.0.1"
      })
  void aNumericLastLabelThatIsNoIpv4AddressIsRefused(String spelling) {
    assertThatThrownBy(() -> HostParser.parse(spelling))
        .isInstanceOf(InvalidHostException.class)
        .hasMessageStartingWith("numeric host that is not a valid IPv4 address");
  }

  static Stream<Arguments> names() {
    return Stream.of(
        arguments("example.com", "example.com"),
        arguments("Example.COM", "example.com"),
        arguments("example.com.", "example.com"),
        arguments("localhost", "localhost"),
        arguments("FAß.de", "xn--fa-hia.de"),
        arguments("faß.de", "xn--fa-hia.de"),
        arguments("FASS.de", "fass.de"),
        arguments("Bücher.example", "xn--bcher-kva.example"),
        arguments("BÜCHER.EXAMPLE", "xn--bcher-kva.example"),
        arguments("βόλος.com", "xn--nxasmm1c.com"),
        // Capital sigma lowercases to medial sigma, a different label from final sigma.
        arguments("ΒΌΛΟΣ.com", "xn--nxasmq6b.com"),
        arguments("ＥＸＡＭＰＬＥ．ｃｏｍ", "example.com"),
        arguments("example。com", "example.com"),
        arguments("example｡com", "example.com"),
        arguments("example。com。", "example.com"),
        arguments("\u212A.example", "k.example"), // Kelvin sign
        arguments("exa\u00ADmple.com", "example.com"), // soft hyphen is ignored
        arguments("xn--fa-hia.de", "xn--fa-hia.de"),
        arguments("XN--BCHER-KVA.EXAMPLE", "xn--bcher-kva.example"),
        arguments("xn--nxasmm1c.com.", "xn--nxasmm1c.com"),
        arguments("r3---sn-abc.googlevideo.com", "r3---sn-abc.googlevideo.com"),
        arguments("-leading.example", "-leading.example"),
        arguments("trailing-.example", "trailing-.example"),
        arguments("_dmarc.example.com", "_dmarc.example.com"),
        arguments("1.2.3.example", "1.2.3.example"),
        arguments("0x1g", "0x1g"),
        arguments("127.0.0.1x", "127.0.0.1x"),
        // ZWJ and ZWNJ are kept (non-transitional) where CONTEXTJ allows them: after a virama.
        arguments("क्\u200Dष.example", "xn--11b2ezcw70k.example"),
        arguments("क्\u200Cष.example", "xn--11b2ezcs70k.example"),
        // ZWNJ between Arabic-script letters that join on both sides (RFC 5892 appendix A.1).
        arguments("نامه\u200Cای.example", "xn--mgba3gch31f060k.example"),
        arguments("نامهای.example", "xn--mgba3gch31f.example"),
        arguments("א1.example", "xn--1-zhc.example"),
        arguments("a".repeat(63) + ".example", "a".repeat(63) + ".example"),
        arguments(name253(), name253()),
        arguments(name253() + ".", name253()));
  }

  @ParameterizedTest
  @MethodSource("names")
  void namesBecomeLowercaseAsciiWithoutTrailingDot(String raw, String ascii) throws Exception {
    assertThat(HostParser.parse(raw)).isEqualTo(new Host.Name(ascii));
    assertThat(HostParser.parseName(raw)).isEqualTo(new Host.Name(ascii));
  }

  @ParameterizedTest
  @MethodSource("names")
  void parsingIsIdempotentAndPunycodeRoundTrips(String raw, String ascii) throws Exception {
    assertThat(HostParser.parseName(ascii).ascii()).as("parse of the output").isEqualTo(ascii);

    StringBuilder unicode = new StringBuilder();
    IDNA.getUTS46Instance(IDNA.NONTRANSITIONAL_TO_UNICODE)
        .nameToUnicode(ascii, unicode, new IDNA.Info());
    assertThat(HostParser.parseName(unicode.toString()).ascii())
        .as("parse of the Unicode form of %s", ascii)
        .isEqualTo(ascii);
  }

  @Test
  void nonTransitionalProcessingKeepsSharpSApartFromDoubleS() throws Exception {
    assertThat(HostParser.parseName("faß.de"))
        .as("java.net.IDN would give fass.de, a different registration")
        .isNotEqualTo(HostParser.parseName("fass.de"));
  }

  static Stream<Arguments> invalidNames() {
    return Stream.of(
        arguments("", "empty host"),
        arguments(".", "empty host"),
        arguments("。", "empty host"),
        arguments("example.com..", "empty label"),
        arguments("example..com", "empty label"),
        arguments(".example.com", "empty label"),
        arguments("exa%6dple.com", "percent-encoded host"),
        arguments("%41", "percent-encoded host"),
        arguments("exa\uFF05mple.com", "percent-encoded host"), // fullwidth percent
        arguments("exa mple.com", "forbidden character U+0020"),
        arguments("exa\tmple.com", "forbidden character U+0009"),
        arguments("exa\nmple.com", "forbidden character U+000A"),
        arguments("exa\rmple.com", "forbidden character U+000D"),
        arguments("exa\u0000mple.com", "forbidden character U+0000"),
        arguments("exa\u0001mple.com", "forbidden character U+0001"),
        arguments("exa\u007Fmple.com", "forbidden character U+007F"),
        arguments("a#b.com", "forbidden character U+0023 '#'"),
        arguments("a/b.com", "forbidden character U+002F '/'"),
        arguments("a<b.com", "forbidden character U+003C '<'"),
        arguments("a>b.com", "forbidden character U+003E '>'"),
        arguments("a?b.com", "forbidden character U+003F '?'"),
        arguments("a@b.com", "forbidden character U+0040 '@'"),
        arguments("a\\b.com", "forbidden character U+005C '\\'"),
        arguments("a]b.com", "forbidden character U+005D ']'"),
        arguments("a^b.com", "forbidden character U+005E '^'"),
        arguments("a|b.com", "forbidden character U+007C '|'"),
        arguments("ａ／ｂ.com", "forbidden character U+002F '/'"), // fullwidth solidus maps to '/'
        arguments("a".repeat(64) + ".example", "label longer than 63 characters"),
        arguments("b." + name253(), "name longer than 253 characters"),
        arguments("a".repeat(2000), "host longer than 1024 characters"),
        arguments("a\u200Cb.example", "zero-width joiner or non-joiner"),
        arguments("a\u200Db.example", "zero-width joiner or non-joiner"),
        arguments("a\u200C.example", "zero-width joiner or non-joiner"),
        arguments("aא.example", "bidi rule"), // Hebrew in a left-to-right label
        arguments("1א.example", "bidi rule"), // right-to-left label starting with a digit
        arguments("\u0301a.example", "label starts with a combining mark"),
        arguments("a\uFFFDb.example", "character not allowed in host names"),
        arguments("\u2024.example", "character not allowed in host names"),
        arguments("xn--.example", "invalid punycode (xn--) label"),
        arguments("xn--a.example", "invalid punycode (xn--) label"),
        arguments("xn--abc-.example", "invalid punycode (xn--) label"), // decodes to ASCII only
        arguments("١٢٧.0.0.1", "bidi rule"), // Arabic-Indic digits alone break the bidi rule
        arguments("a:b", "not a valid IPv6 address"));
  }

  @ParameterizedTest
  @MethodSource("invalidNames")
  void invalidNamesAreRefusedWithTheReason(String raw, String reason) {
    assertThatThrownBy(() -> HostParser.parse(raw))
        .isInstanceOf(InvalidHostException.class)
        .hasMessageContaining(reason);
  }

  @ParameterizedTest
  @MethodSource("invalidNames")
  void messagesDoNotEchoTheHost(String raw, String reason) {
    assertThatThrownBy(() -> HostParser.parse(raw))
        .as("the message may end up in a response or a log")
        .satisfies(
            e -> {
              if (raw.length() >= 3) {
                assertThat(e.getMessage()).doesNotContain(raw);
              }
            });
  }

  static Stream<Arguments> ipv6Literals() {
    return Stream.of(
        arguments("[::1]", "0:0:0:0:0:0:0:1"),
        arguments("::1", "0:0:0:0:0:0:0:1"),
        arguments("[::]", "0:0:0:0:0:0:0:0"),
        arguments("[2001:DB8::1]", "2001:db8:0:0:0:0:0:1"),
        arguments("[2001:0db8:0000:0000:0000:0000:0000:0001]", "2001:db8:0:0:0:0:0:1"),
        arguments("2001:db8::1", "2001:db8:0:0:0:0:0:1"),
        arguments("[1:2:3:4:5:6:7:8]", "1:2:3:4:5:6:7:8"),
        arguments("[1::]", "1:0:0:0:0:0:0:0"),
        arguments("[1:2:3:4:5:6:7::]", "1:2:3:4:5:6:7:0"),
        arguments("[::2:3:4:5:6:7:8]", "0:2:3:4:5:6:7:8"),
        arguments("[1:2:3:4:5:6::8]", "1:2:3:4:5:6:0:8"),
        arguments("[1:2::7:8]", "1:2:0:0:0:0:7:8"),
        arguments("[fe80::1]", "fe80:0:0:0:0:0:0:1"),
        arguments("[::1.2.3.4]", "0:0:0:0:0:0:102:304"),
        arguments("[64:ff9b::192.0.2.33]", "64:ff9b:0:0:0:0:c000:221"),
        arguments("[1:2:3:4:5:6:1.2.3.4]", "1:2:3:4:5:6:102:304"),
        arguments("[1::5:6:0.0.0.0]", "1:0:0:0:5:6:0:0"));
  }

  @ParameterizedTest
  @MethodSource("ipv6Literals")
  void ipv6LiteralsBecomeIpv6Addresses(String raw, String fullForm) throws Exception {
    Host host = HostParser.parse(raw);

    assertThat(host).isInstanceOf(Host.Ip.class);
    assertThat(((Host.Ip) host).address()).isInstanceOf(Inet6Address.class);
    assertThat(((Host.Ip) host).address().getHostAddress()).isEqualTo(fullForm);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "[::ffff:127.0.0.1]",
        "[::ffff:7f00:1]",
        "[0:0:0:0:0:FFFF:7f00:0001]",
        "::ffff:127.0.0.1"
      })
  void ipv4MappedAddressesCollapseToIpv4(String raw) throws Exception {
    Host.Ip ip = (Host.Ip) HostParser.parse(raw);

    assertThat(ip.address()).as("so that IPv4 rules apply").isInstanceOf(Inet4Address.class);
    assertThat(ip.authority()).isEqualTo("127.0.0.1");
  }

  static Stream<Arguments> invalidIpv6Literals() {
    return Stream.of(
        arguments("[::1%eth0]", "zone identifiers are not allowed"),
        arguments("[fe80::1%25eth0]", "zone identifiers are not allowed"),
        arguments("fe80::1%1", "zone identifiers are not allowed"),
        arguments("[1:2:3:4:5:6:7:8:9]", "more than eight groups"),
        arguments("[1:2:3:4:5:6:7:8::]", "more than eight groups"),
        arguments("[::1:2:3:4:5:6:7:8]", "more than eight groups"),
        arguments("[1::2::3]", "more than one '::'"),
        arguments("[1:::2]", "more than one '::'"),
        arguments("[1:2:3:4:5:6:7]", "fewer than eight groups and no '::'"),
        arguments("[]", "fewer than eight groups and no '::'"),
        arguments("[1.2.3.4]", "fewer than eight groups and no '::'"),
        arguments("[12345::]", "a group has more than four hex digits"),
        arguments("[:1::]", "it starts with a single ':'"),
        arguments("[1:]", "it ends with a single ':'"),
        arguments("1:2:3:4:5:6:7:8:", "it ends with a single ':'"),
        arguments("[::g]", "not a hex digit"),
        arguments("[ ::1]", "not a hex digit"),
        arguments("[::1]]", "not a hex digit"),
        arguments("[::1.2.3]", "does not have four parts"),
        arguments("[::1.2.3.4.5]", "malformed"),
        arguments("[::1.2.3.4:5]", "malformed"),
        arguments("[::1.2..4]", "malformed"),
        arguments("[::1.2.3.256]", "part above 255"),
        arguments("[::01.2.3.4]", "leading zero"),
        arguments("[::ffff:127.0.0.01]", "leading zero"),
        arguments("[1:2:3:4:5:6:7:1.2.3.4]", "comes after six groups"),
        arguments("[::1", "closing ']'"),
        arguments("[::1]x", "closing ']'"),
        arguments("[", "closing ']'"));
  }

  @ParameterizedTest
  @MethodSource("invalidIpv6Literals")
  void invalidIpv6LiteralsAreRefusedWithTheReason(String raw, String reason) {
    assertThatThrownBy(() -> HostParser.parse(raw))
        .isInstanceOf(InvalidHostException.class)
        .hasMessageContaining(reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"127.0.0.1", "2130706433", "0x7f.1", "[::1]", "::1", "[::ffff:1.2.3.4]"})
  void parseNameRefusesAddressesAndPointsToNetworkEntries(String raw) {
    assertThatThrownBy(() -> HostParser.parseName(raw))
        .isInstanceOf(InvalidHostException.class)
        .hasMessageContaining("network:");
  }

  static Stream<Arguments> authorities() {
    return Stream.of(
        arguments("127.1", "127.0.0.1"),
        arguments("[::1]", "[::1]"),
        arguments("[2001:db8:0:0:0:0:0:1]", "[2001:db8::1]"),
        arguments("[2001:DB8:0:0:1:0:0:1]", "[2001:db8::1:0:0:1]"),
        arguments("Bücher.example.", "xn--bcher-kva.example"));
  }

  @ParameterizedTest
  @MethodSource("authorities")
  void authorityIsTheCanonicalText(String raw, String authority) throws Exception {
    assertThat(HostParser.parse(raw).authority()).isEqualTo(authority);
  }

  /** A 253-character name of labels of 63, 63, 63 and 61 characters. */
  private static String name253() {
    String label = "a".repeat(63);
    return label + "." + label + "." + label + "." + "a".repeat(61);
  }
}
