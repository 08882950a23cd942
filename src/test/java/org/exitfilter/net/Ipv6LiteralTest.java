package org.exitfilter.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class Ipv6LiteralTest {

  @ParameterizedTest(name = "{0} is written {1}")
  @CsvSource({
    "0:0:0:0:0:0:0:0, ::",
    "0:0:0:0:0:0:0:1, ::1",
    "1:0:0:0:0:0:0:0, 1::",
    "2001:0DB8:0:0:0:0:0:000A, 2001:db8::a",
    "2001:db8:0:0:1:0:0:1, 2001:db8::1:0:0:1",
    "2001:0:0:1:0:0:0:1, 2001:0:0:1::1",
    "1:0:2:3:4:5:6:7, 1:0:2:3:4:5:6:7",
    "1:2:3:4:5:6:7:0, 1:2:3:4:5:6:7:0",
    "1:2:3:4:5:6:0:0, 1:2:3:4:5:6::",
    "0:0:3:4:5:6:7:8, ::3:4:5:6:7:8",
    "1:2:3:4:5:6:7:8, 1:2:3:4:5:6:7:8",
    "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff, ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff",
    "64:ff9b::192.0.2.33, 64:ff9b::c000:221"
  })
  void formatWritesRfc5952Text(String text, String canonical) throws Exception {
    byte[] bytes = Ipv6Literal.parse(text);

    assertThat(Ipv6Literal.format(bytes)).isEqualTo(canonical);
    assertThat(Ipv6Literal.parse(canonical)).as("round trip").isEqualTo(bytes);
  }

  @Test
  void formatRefusesAnythingButSixteenBytes() {
    assertThatThrownBy(() -> Ipv6Literal.format(new byte[4]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
