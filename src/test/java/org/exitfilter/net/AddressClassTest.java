package org.exitfilter.net;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class AddressClassTest {

  @ParameterizedTest
  @ValueSource(
      strings = {
        "0.0.0.0",
        "0.255.255.255",
        "10.0.0.0",
        "10.255.255.255",
        "100.64.0.0",
        "100.127.255.255",
        "127.0.0.0",
        "127.0.0.1",
        "127.255.255.255",
        "169.254.0.0",
        "169.254.169.254",
        "169.254.255.255",
        "172.16.0.0",
        "172.31.255.255",
        "192.168.0.0",
        "192.168.255.255",
        "224.0.0.0",
        "239.255.255.255",
        "240.0.0.0",
        "255.255.255.254",
        "255.255.255.255",
        "[::]",
        "[::1]",
        "[fe80::]",
        "[febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff]",
        "[fec0::]",
        "[feff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]",
        "[fc00::]",
        "[fdff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]",
        "[ff00::]",
        "[ff02::1]",
        "[ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]",
        "[::ffff:127.0.0.1]",
        "[::ffff:10.0.0.1]",
        "[64:ff9b::127.0.0.1]",
        "[64:ff9b::10.1.2.3]",
        "[64:ff9b::192.168.1.1]",
        "[64:ff9b::169.254.169.254]",
        "[::10.0.0.1]",
        "[::127.0.0.1]",
        "[::2]",
        "[64:ff9b:1::]",
        "[64:ff9b:1:ffff:ffff:ffff:ffff:ffff]",
        "[2002:7f00:1::]",
        "[2002:a00:1::1]"
      })
  void loopbackPrivateLinkLocalAndTheirIpv6SpellingsAreNonPublic(String literal) throws Exception {
    assertThat(AddressClass.isNonPublic(address(literal))).isTrue();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "1.0.0.0",
        "8.8.8.8",
        "9.255.255.255",
        "11.0.0.0",
        "100.63.255.255",
        "100.128.0.0",
        "126.255.255.255",
        "128.0.0.0",
        "169.253.255.255",
        "169.255.0.0",
        "172.15.255.255",
        "172.32.0.0",
        "192.167.255.255",
        "192.169.0.0",
        "203.0.113.7",
        "223.255.255.255",
        "[2001:db8::1]",
        "[2606:4700::1111]",
        "[::1.0.0.0]",
        "[::8.8.8.8]",
        "[::ffff:8.8.8.8]",
        "[64:ff9b::8.8.8.8]",
        "[64:ff9a:ffff:ffff:ffff:ffff:ffff:ffff]",
        "[64:ff9b:2::]",
        "[2002:808:808::1]",
        "[fbff:ffff:ffff:ffff:ffff:ffff:ffff:ffff]",
        "[fe00::]",
        "[fe7f:ffff:ffff:ffff:ffff:ffff:ffff:ffff]"
      })
  void globalAddressesArePublic(String literal) throws Exception {
    assertThat(AddressClass.isNonPublic(address(literal))).isFalse();
  }

  @Test
  void anIpv6AddressHoldingMappedBytesIsJudgedByItsIpv4Address() throws Exception {
    byte[] mapped = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 127, 0, 0, 1};
    Inet6Address loopback = Inet6Address.getByAddress(null, mapped, -1);

    assertThat(AddressClass.isNonPublic(loopback)).isTrue();
    assertThat(AddressClass.withEmbedded(loopback)).containsExactly(loopback, address("127.0.0.1"));
  }

  @ParameterizedTest(name = "{0} embeds {1}")
  @CsvSource({
    "[64:ff9b::192.0.2.33], 192.0.2.33",
    "[64:ff9b::c000:221], 192.0.2.33",
    "[::192.0.2.33], 192.0.2.33",
    "[::2], 0.0.0.2"
  })
  void withEmbeddedAddsTheIpv4AddressOfNat64AndCompatibleForms(String v6, String v4)
      throws Exception {
    assertThat(AddressClass.withEmbedded(address(v6))).containsExactly(address(v6), address(v4));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "192.0.2.33",
        "[::ffff:192.0.2.33]",
        "[::]",
        "[::1]",
        "[2001:db8::c000:221]",
        "[64:ff9b:1::c000:221]",
        "[2002:c000:221::]"
      })
  void withEmbeddedGivesOtherAddressesAlone(String literal) throws Exception {
    assertThat(AddressClass.withEmbedded(address(literal))).containsExactly(address(literal));
  }

  @Test
  void anIpv4BanCoversTheNat64AndCompatibleSpellings() throws Exception {
    IpNetwork ban = IpNetwork.parse("192.0.2.0/24");

    for (String spelling : List.of("[64:ff9b::192.0.2.33]", "[::192.0.2.33]")) {
      assertThat(AddressClass.withEmbedded(address(spelling)))
          .as("%s under a ban on %s", spelling, ban)
          .anyMatch(ban::contains);
    }
  }

  private static InetAddress address(String literal) throws InvalidHostException {
    return ((Host.Ip) HostParser.parse(literal)).address();
  }
}
