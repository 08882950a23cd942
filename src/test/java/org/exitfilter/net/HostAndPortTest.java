package org.exitfilter.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class HostAndPortTest {

  @ParameterizedTest(name = "{0} with default {1} is {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "example.com:443          | -1  | example.com:443",
        "example.com              | 80  | example.com:80",
        "EXAMPLE.com.:8080        | -1  | example.com:8080",
        "example.com:1            | -1  | example.com:1",
        "example.com:65535        | -1  | example.com:65535",
        "example.com:00443        | -1  | example.com:443",
        "Bücher.example:443       | -1  | xn--bcher-kva.example:443",
        "127.1:80                 | -1  | 127.0.0.1:80",
        "0x7f000001               | 443 | 127.0.0.1:443",
        "[::1]:8080               | -1  | [::1]:8080",
        "[2001:DB8:0::1]          | 443 | [2001:db8::1]:443",
        "[::ffff:192.0.2.1]:443   | -1  | 192.0.2.1:443"
      })
  void authoritiesParseIntoHostAndPort(String authority, int defaultPort, String expected)
      throws Exception {
    assertThat(HostAndPort.parse(authority, defaultPort)).hasToString(expected);
  }

  @Test
  void theHostIsTheOneTheHostParserGives() throws Exception {
    HostAndPort parsed = HostAndPort.parse("FAß.de:443", -1);

    assertThat(parsed.host()).isEqualTo(HostParser.parse("faß.de"));
    assertThat(parsed.port()).isEqualTo(443);
  }

  @ParameterizedTest(name = "{0} with default {1}: {2}")
  @CsvSource(
      delimiter = '|',
      value = {
        "example.com              | -1  | port required",
        "[::1]                    | -1  | port required",
        "example.com:             | -1  | empty port",
        "example.com:             | 443 | empty port",
        "[::1]:                   | -1  | empty port",
        "example.com:0            | -1  | port outside 1..65535",
        "example.com:65536        | -1  | port outside 1..65535",
        "example.com:99999        | -1  | port outside 1..65535",
        "example.com:000443       | -1  | port longer than five digits",
        "example.com:+443         | -1  | port is not a decimal number",
        "example.com:-1           | -1  | port is not a decimal number",
        "example.com:0x1bb        | -1  | port is not a decimal number",
        "example.com:44a          | -1  | port is not a decimal number",
        "example.com:١٢٣          | -1  | port is not a decimal number",
        "user@example.com:443     | -1  | userinfo",
        "user:pass@example.com:443| -1  | userinfo",
        "@example.com             | 443 | userinfo",
        "::1:443                  | -1  | IPv6 addresses must be in brackets",
        "2001:db8::1              | 443 | IPv6 addresses must be in brackets",
        "[::1]443                 | -1  | only ':' and a port may follow an IPv6 literal",
        "[::1]:443:80             | -1  | port is not a decimal number",
        "[::1:443                 | -1  | closing ']'",
        ":443                     | -1  | empty host",
        "exa%6dple.com:443        | -1  | percent-encoded host",
        "example.123:443          | -1  | not a valid IPv4 address",
        "[::1%eth0]:443           | -1  | zone identifiers"
      })
  void badAuthoritiesAreRefusedWithTheReason(String authority, int defaultPort, String reason) {
    assertThatThrownBy(() -> HostAndPort.parse(authority, defaultPort))
        .isInstanceOf(InvalidHostException.class)
        .hasMessageContaining(reason);
  }

  @ParameterizedTest
  @ValueSource(strings = {"example.com: 443", "example.com:443 ", "example.com :443"})
  void spacesAroundThePortAreRefused(String authority) {
    assertThatThrownBy(() -> HostAndPort.parse(authority, -1))
        .isInstanceOf(InvalidHostException.class);
  }

  @ParameterizedTest
  @ValueSource(ints = {0, -2, 65536})
  void anImpossibleDefaultPortIsAProgrammingError(int defaultPort) {
    assertThatThrownBy(() -> HostAndPort.parse("example.com", defaultPort))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void theRecordRefusesAPortOutsideTheTcpRange() throws Exception {
    Host host = HostParser.parse("example.com");

    assertThatThrownBy(() -> new HostAndPort(host, 0)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new HostAndPort(host, 65536))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
