package org.exitfilter.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpNetworkTest {

  @ParameterizedTest(name = "{0} is {1}")
  @CsvSource({
    "203.0.113.0/24, 203.0.113.0/24",
    "0.0.0.0/0, 0.0.0.0/0",
    "10.0.0.0/8, 10.0.0.0/8",
    "192.0.2.1, 192.0.2.1/32",
    "192.0.2.1/32, 192.0.2.1/32",
    "255.255.255.255/32, 255.255.255.255/32",
    "10.0.0.0/08, 10.0.0.0/8",
    "2001:db8::/32, 2001:db8::/32",
    "2001:DB8:0:0::/32, 2001:db8::/32",
    "::/0, ::/0",
    "::1, ::1/128",
    "2001:db8::1/128, 2001:db8::1/128",
    "fe80::/10, fe80::/10",
    "64:ff9b::/96, 64:ff9b::/96",
    "::ffff:10.0.0.0/104, 10.0.0.0/8",
    "::ffff:0:0/96, 0.0.0.0/0",
    "::ffff:127.0.0.1, 127.0.0.1/32"
  })
  void networksParseToTheirCanonicalText(String text, String canonical) {
    assertThat(IpNetwork.parse(text)).hasToString(canonical);
  }

  @ParameterizedTest(name = "{0} widened to /{1} is {2}")
  @CsvSource({
    "203.0.113.128/25, 24, 203.0.113.0/24",
    "203.0.113.7/32, 20, 203.0.112.0/20",
    "10.1.2.3/32, 0, 0.0.0.0/0",
    "2001:db8:1:2::/64, 32, 2001:db8::/32",
    "2001:db8::/32, 32, 2001:db8::/32"
  })
  void aNetworkWidenedIsTheNetworkOfTheShorterPrefixHoldingIt(
      String network, int prefix, String wider) {
    assertThat(IpNetwork.parse(network).widenedTo(prefix)).hasToString(wider);
  }

  @Test
  void anIpv6NetworkWidenedIntoTheMappedRangeIsNoIpv6Network() throws Exception {
    // parse never makes one (it keeps mapped networks as IPv4); built by hand as a caller could
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 0, 0, 0};
    IpNetwork v6 = new IpNetwork(Inet6Address.getByAddress(null, mapped, -1), 104);

    assertThat(v6.widenedTo(96))
        .as("::ffff:0:0/96 is kept as 0.0.0.0/0, so no IPv6 list holds it")
        .isNull();
  }

  @Test
  void mappedNetworksAreTheIpv4NetworksTheyCover() {
    IpNetwork mapped = IpNetwork.parse("::ffff:10.0.0.0/104");

    assertThat(mapped.address()).isInstanceOf(Inet4Address.class);
    assertThat(mapped)
        .as("HostParser gives ::ffff:10.1.2.3 as an IPv4 address")
        .isEqualTo(IpNetwork.parse("10.0.0.0/8"))
        .hasSameHashCodeAs(IpNetwork.parse("10.0.0.0/8"));
  }

  @Test
  void equalNetworksWrittenDifferentlyAreEqual() {
    assertThat(IpNetwork.parse("2001:0DB8:0::/32")).isEqualTo(IpNetwork.parse("2001:db8::/32"));
    assertThat(IpNetwork.parse("192.0.2.7")).isEqualTo(IpNetwork.parse("192.0.2.7/32"));
    assertThat(IpNetwork.parse("10.0.0.0/8")).isNotEqualTo(IpNetwork.parse("10.0.0.0/9"));
  }

  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "203.0.113.5/24   | 203.0.113.5/24 has host bits set; did you mean 203.0.113.0/24?",
        "10.1.0.0/8       | 10.1.0.0/8 has host bits set; did you mean 10.0.0.0/8?",
        "0.0.0.1/0        | 0.0.0.1/0 has host bits set; did you mean 0.0.0.0/0?",
        "2001:db8::1/32   | 2001:db8::1/32 has host bits set; did you mean 2001:db8::/32?",
        "::1/0            | ::1/0 has host bits set; did you mean ::/0?",
        "fe80::1/10       | fe80::1/10 has host bits set; did you mean fe80::/10?",
        "::ffff:1.2.3.4/80| ::ffff:1.2.3.4/80 has host bits set; did you mean ::/80?",
        "10.0.0.0/33      | 10.0.0.0/33 has prefix length /33, out of range for IPv4 (0 to 32)",
        "2001:db8::/129   | 2001:db8::/129 has prefix length /129, out of range for IPv6 (0 to"
            + " 128)",
        "10.0.0.0/-1      | has a prefix length that is not a number from 0 to 32",
        "10.0.0.0/        | has a prefix length that is not a number from 0 to 32",
        "10.0.0.0/0x8     | has a prefix length that is not a number from 0 to 32",
        "10.0.0.0/ 8      | has a prefix length that is not a number from 0 to 32",
        "10.0.0.0/0008    | has a prefix length that is not a number from 0 to 32",
        "2001:db8::/      | has a prefix length that is not a number from 0 to 128",
        "10.0.0.0/8/8     | 10.0.0.0/8/8 has more than one '/'",
        "010.0.0.0/8      | without leading zeros",
        "256.0.0.0/8      | without leading zeros",
        "10.0.0/8         | write IPv4 as four decimal numbers",
        "10.0.0.0.0/8     | write IPv4 as four decimal numbers",
        "127.1            | write IPv4 as four decimal numbers",
        "0x7f000001       | write IPv4 as four decimal numbers",
        "example.com      | is not an IP address or network",
        "/8               | is not an IP address or network",
        "[2001:db8::]/32  | write IPv6 networks without brackets",
        "fe80::1%eth0/64  | zone identifiers are not allowed",
        "1:2:3:4:5:6:7:8:9| more than eight groups",
        "2001:db8:::/32   | more than one '::'"
      })
  void badNetworksAreRefusedWithAMessageForTheOperator(String text, String message) {
    assertThatThrownBy(() -> IpNetwork.parse(text))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining(message);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", " 10.0.0.0/8", "10.0.0.0/8 "})
  void emptyOrPaddedTextIsRefused(String text) {
    assertThatThrownBy(() -> IpNetwork.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }

  @ParameterizedTest(name = "{0} contains {1}: {2}")
  @CsvSource({
    "203.0.113.0/24, 203.0.113.0, true",
    "203.0.113.0/24, 203.0.113.255, true",
    "203.0.113.0/24, 203.0.112.255, false",
    "203.0.113.0/24, 203.0.114.0, false",
    "100.64.0.0/10, 100.64.0.0, true",
    "100.64.0.0/10, 100.127.255.255, true",
    "100.64.0.0/10, 100.63.255.255, false",
    "100.64.0.0/10, 100.128.0.0, false",
    "0.0.0.0/0, 0.0.0.0, true",
    "0.0.0.0/0, 255.255.255.255, true",
    "0.0.0.0/0, [::1], false",
    "0.0.0.0/0, [::], false",
    "192.0.2.1/32, 192.0.2.1, true",
    "192.0.2.1/32, 192.0.2.0, false",
    "192.0.2.1/32, 192.0.2.2, false",
    "10.0.0.0/8, [::ffff:10.1.2.3], true",
    "10.0.0.0/8, [64:ff9b::10.1.2.3], false",
    "10.0.0.0/8, [::10.1.2.3], false",
    "::/0, [::], true",
    "::/0, [ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff], true",
    "::/0, 127.0.0.1, false",
    "::/0, [::ffff:127.0.0.1], false",
    "2001:db8::/32, [2001:db8::], true",
    "2001:db8::/32, [2001:db8:ffff:ffff:ffff:ffff:ffff:ffff], true",
    "2001:db8::/32, [2001:db7:ffff:ffff:ffff:ffff:ffff:ffff], false",
    "2001:db8::/32, [2001:db9::], false",
    "2001:db8::1/128, [2001:db8::1], true",
    "2001:db8::1/128, [2001:db8::], false",
    "2001:db8::1/128, [2001:db8::2], false",
    "fe80::/10, [febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff], true",
    "fe80::/10, [fec0::], false",
    "fe80::/10, [fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff], false"
  })
  void containsComparesThePrefixBits(String network, String candidate, boolean expected)
      throws Exception {
    assertThat(IpNetwork.parse(network).contains(address(candidate))).isEqualTo(expected);
  }

  @Test
  void theRecordRefusesAPrefixLongerThanTheAddress() throws Exception {
    InetAddress v4 = address("192.0.2.0");
    InetAddress v6 = address("[2001:db8::]");

    assertThatThrownBy(() -> new IpNetwork(v4, 33)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IpNetwork(v4, -1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new IpNetwork(v6, 129)).isInstanceOf(IllegalArgumentException.class);
    assertThat(new IpNetwork(v6, 128).contains(v6)).isTrue();
  }

  private static InetAddress address(String literal) throws InvalidHostException {
    return ((Host.Ip) HostParser.parse(literal)).address();
  }
}
