package org.exitfilter.proxy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpRequest;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StrictRequestDecoderTest {
  @Test
  void knownFieldNamesAreSharedAndEveryNameKeepsTheClientsSpelling() {
    List<CharSequence> first = names(decode("User-Agent: a\r\nuser-agent: b\r\nX-Custom: c\r\n"));
    List<CharSequence> second = names(decode("User-Agent: a\r\nuser-agent: b\r\nX-Custom: c\r\n"));

    assertThat(first)
        .extracting(CharSequence::toString)
        .as("spelled as the client sent them, case included")
        .containsExactly("Host", "User-Agent", "user-agent", "X-Custom");
    assertThat(first.get(1))
        .as("a browser's spelling of a known name is one shared constant")
        .isSameAs(second.get(1));
    assertThat(first.get(2))
        .as("another spelling of a known name is a copy")
        .isNotSameAs(second.get(2));
    assertThat(first.get(3)).as("an unknown name is a copy").isNotSameAs(second.get(3));
  }

  private static HttpRequest decode(String fields) {
    EmbeddedChannel channel = new EmbeddedChannel(new StrictRequestDecoder(8192, 8192));
    try {
      String head = "GET http://example.test/ HTTP/1.1\r\nHost: example.test\r\n" + fields + "\r\n";
      channel.writeInbound(Unpooled.copiedBuffer(head, ISO_8859_1));
      HttpRequest request = channel.readInbound();
      assertThat(request.decoderResult().isSuccess()).as("decoded").isTrue();
      return request;
    } finally {
      channel.finishAndReleaseAll();
    }
  }

  private static List<CharSequence> names(HttpRequest request) {
    List<CharSequence> names = new ArrayList<>();
    Iterator<Map.Entry<CharSequence, CharSequence>> fields =
        request.headers().iteratorCharSequence();
    while (fields.hasNext()) {
      names.add(fields.next().getKey());
    }
    return names;
  }
}
