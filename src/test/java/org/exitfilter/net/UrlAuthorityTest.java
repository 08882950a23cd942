package org.exitfilter.net;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class UrlAuthorityTest {

  @ParameterizedTest(name = "{0} names {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "http://example.org/path            | example.org:80",
        "http://EXAMPLE.org.:8080?q=1       | example.org:8080",
        "http://example.org#frag            | example.org:80",
        "http://user:pw@example.org/        | example.org:80",
        "http://a@b@example.org:81/         | example.org:81",
        "http://example.org/x@evil.test/    | example.org:80",
        "http://example.org?u=a@evil.test   | example.org:80",
        "http://[2001:DB8::1]:8080/         | [2001:db8::1]:8080",
        "http://user@[::1]/                 | [::1]:80",
        "http://0x7f.1/                     | 127.0.0.1:80",
      })
  void theHostAndPortComeFromTheAuthorityAlone(String url, String expected) throws Exception {
    assertThat(UrlAuthority.parse(url, 7, 80)).hasToString(expected);
  }

  @ParameterizedTest(name = "{0} is refused")
  @ValueSource(
      strings = {
        "http://",
        "http://user@/",
        "http://example.org:/",
        "http://[::1/",
        "http://a:b:c/"
      })
  void anAuthorityWithoutAValidHostOrPortIsRefused(String url) {
    assertThatThrownBy(() -> UrlAuthority.parse(url, 7, 80))
        .isInstanceOf(InvalidHostException.class);
  }

  @ParameterizedTest(name = "{0} has the host text {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "example.org            | example.org",
        "user@example.org:8080  | example.org",
        "example.org:99999      | example.org",
        "[::1]:80               | [::1]",
        "example.org/path:80    | example.org",
      })
  void theLenientHostTextLeavesUserinfoAndPortOut(String authority, String expected) {
    assertThat(UrlAuthority.hostText(authority)).isEqualTo(expected);
  }
}
