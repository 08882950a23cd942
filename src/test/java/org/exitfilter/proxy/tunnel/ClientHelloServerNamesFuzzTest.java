package org.exitfilter.proxy.tunnel;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.exitfilter.proxy.tunnel.ClientHelloServerNames.MalformedHelloException;

/**
 * Hostile ClientHello bodies through the SNI reader. It either returns every name or refuses the
 * hello with {@link MalformedHelloException}; it never consumes or releases the caller's buffer,
 * and a well-formed hello built from any names gives back exactly those names, in order.
 *
 * <p>In {@code mvn verify} these replay {@code ClientHelloServerNamesFuzzTestInputs/}; {@code
 * JAZZER_FUZZ=1} fuzzes them (docs/FUZZING.md).
 */
class ClientHelloServerNamesFuzzTest {

  @FuzzTest(maxDuration = "2m")
  void anyBytesAreReadOrRefusedWithoutTouchingTheBuffer(byte[] input) {
    ByteBuf hello = Unpooled.wrappedBuffer(input);
    try {
      List<String> first = readOrNull(hello);
      assertThat(hello.readerIndex()).as("reader index").isZero();
      assertThat(hello.refCnt()).as("reference count").isOne();
      List<String> second = readOrNull(hello);
      assertThat(second).as("a second read of the same bytes").isEqualTo(first);
      if (first != null) {
        int nameBytes = 0;
        for (String name : first) {
          nameBytes += name.getBytes(StandardCharsets.UTF_8).length;
        }
        assertThat(nameBytes).as("bytes of all names").isLessThanOrEqualTo(input.length);
      }
    } finally {
      hello.release();
    }
  }

  @FuzzTest(maxDuration = "2m")
  void wellFormedHelloGivesBackEveryName(FuzzedDataProvider data) {
    List<String> expected = new ArrayList<>();
    ByteBuf extensions = Unpooled.buffer();
    int count = data.consumeInt(0, 4);
    for (int i = 0; i < count; i++) {
      ByteBuf body = Unpooled.buffer();
      int type;
      if (data.consumeBoolean()) {
        type = 0;
        ByteBuf list = Unpooled.buffer();
        int names = data.consumeInt(1, 3);
        for (int n = 0; n < names; n++) {
          byte[] name = data.consumeString(80).getBytes(StandardCharsets.UTF_8);
          expected.add(new String(name, StandardCharsets.UTF_8));
          list.writeByte(0).writeShort(name.length).writeBytes(name);
        }
        body.writeShort(list.readableBytes()).writeBytes(list);
        list.release();
      } else {
        type = data.consumeInt(1, 0xffff);
        body.writeBytes(data.consumeBytes(40));
      }
      extensions.writeShort(type).writeShort(body.readableBytes()).writeBytes(body);
      body.release();
    }
    ByteBuf hello = Unpooled.buffer();
    hello.writeShort(0x0303).writeBytes(new byte[32]);
    byte[] sessionId = data.consumeBytes(32);
    hello.writeByte(sessionId.length).writeBytes(sessionId);
    byte[] suites = data.consumeBytes(2 * data.consumeInt(1, 20));
    hello.writeShort(suites.length).writeBytes(suites);
    hello.writeByte(1).writeByte(0);
    if (count > 0 || data.consumeBoolean()) {
      hello.writeShort(extensions.readableBytes()).writeBytes(extensions);
    }
    extensions.release();
    try {
      assertThat(ClientHelloServerNames.read(hello)).isEqualTo(expected);
    } catch (MalformedHelloException e) {
      throw new AssertionError("a well-formed hello is refused: " + e.getMessage(), e);
    } finally {
      hello.release();
    }
  }

  private static List<String> readOrNull(ByteBuf hello) {
    try {
      return ClientHelloServerNames.read(hello);
    } catch (MalformedHelloException e) {
      assertThat(e.getMessage()).isNotBlank();
      return null;
    }
  }
}
