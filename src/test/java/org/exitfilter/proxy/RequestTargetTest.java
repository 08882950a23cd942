package org.exitfilter.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class RequestTargetTest {

  @Test
  void targetsOnOneConnectionParseAsEachWouldAlone() throws ProxyException {
    List<String> uris =
        List.of(
            "http://example.org/a",
            "http://example.org/b?c#d",
            "http://example.org:8080/",
            "http://user@example.org/",
            "http://EXAMPLE.org",
            "http://example.org.",
            "http://[::1]:81/x",
            "http://example.org/a",
            "http://b\u00c3\u00bccher.test/",
            "http://example.org?q");
    RequestTarget.LastAuthority last = new RequestTarget.LastAuthority();
    for (String uri : uris) {
      assertThat(RequestTarget.parse(uri, last)).as(uri).isEqualTo(RequestTarget.parse(uri));
    }
  }

  @Test
  void aBadHostAfterAGoodOneIsStillRefusedAndTheGoodOneStillServes() throws ProxyException {
    RequestTarget.LastAuthority last = new RequestTarget.LastAuthority();
    RequestTarget good = RequestTarget.parse("http://example.org/", last);

    assertThatThrownBy(() -> RequestTarget.parse("http://exa mple.org/", last))
        .isInstanceOf(ProxyException.class);
    assertThatThrownBy(() -> RequestTarget.parse("http://example.org:0/", last))
        .isInstanceOf(ProxyException.class);
    assertThat(RequestTarget.parse("http://example.org/next", last).destination())
        .isSameAs(good.destination());
  }
}
