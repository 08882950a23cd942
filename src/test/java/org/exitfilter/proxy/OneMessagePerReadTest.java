package org.exitfilter.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.proxy.StrictRequestDecoderTest.assertReleasedEverything;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * One message per {@code read()}, on an {@code EmbeddedChannel} with auto-read off, as the proxy
 * runs its client connections. The consumer behind it stands for the frontend: it takes what it is
 * given and, when told to, asks for the next message from inside {@code channelRead}.
 */
class OneMessagePerReadTest {

  @Test
  void messagesOfOneSocketReadAreHandedOnOnePerRead() {
    Consumer consumer = new Consumer(false);
    EmbeddedChannel channel = channel(consumer);
    ByteBuf a = bytes("a");
    ByteBuf b = bytes("b");
    ByteBuf c = bytes("c");

    channel.writeInbound(a, b, c);
    assertThat(consumer.texts()).as("nothing before a read is asked for").isEmpty();
    channel.read();
    assertThat(consumer.texts()).containsExactly("a");
    assertThat(consumer.readCompletes).as("read-complete waits for the held messages").isZero();
    channel.read();
    channel.read();
    assertThat(consumer.texts()).containsExactly("a", "b", "c");

    consumer.releaseAll();
    assertReleasedEverything(channel, a, b, c);
  }

  /**
   * The regression this handler works around: Netty 4.2.18's {@code FlowControlHandler} loses a
   * {@code read()} asked for while it delivers the last queued message, and the connection then
   * waits for bytes the client will never send.
   */
  @Test
  void readAskedForWhileTheLastHeldMessageIsDeliveredIsNotLost() {
    Consumer consumer = new Consumer(true);
    EmbeddedChannel channel = channel(consumer);
    ByteBuf first = bytes("first");
    ByteBuf second = bytes("second");

    channel.read();
    channel.writeInbound(first);
    assertThat(consumer.texts()).containsExactly("first");

    channel.writeInbound(second);
    assertThat(consumer.texts())
        .as("the demand made while 'first' was delivered meets the next message")
        .containsExactly("first", "second");

    consumer.releaseAll();
    assertReleasedEverything(channel, first, second);
  }

  @Test
  void heldMessagesAreReleasedWhenTheConnectionCloses() {
    Consumer consumer = new Consumer(false);
    EmbeddedChannel channel = channel(consumer);
    ByteBuf taken = bytes("taken");
    ByteBuf held1 = bytes("held1");
    ByteBuf held2 = bytes("held2");

    channel.writeInbound(taken, held1, held2);
    channel.read();
    channel.close();

    assertThat(held1.refCnt()).as("held, then released on close").isZero();
    assertThat(held2.refCnt()).isZero();
    consumer.releaseAll();
    assertReleasedEverything(channel, taken, held1, held2);
  }

  @Test
  void heldMessagesAreReleasedWhenTheHandlerIsRemoved() {
    Consumer consumer = new Consumer(false);
    EmbeddedChannel channel = channel(consumer);
    ByteBuf held = bytes("held");

    channel.writeInbound(held);
    channel.pipeline().remove(OneMessagePerRead.class);

    assertThat(held.refCnt()).isZero();
    assertReleasedEverything(channel, held);
  }

  private static EmbeddedChannel channel(Consumer consumer) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.config().setAutoRead(false);
    channel.pipeline().addLast(new OneMessagePerRead(), consumer);
    return channel;
  }

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, US_ASCII);
  }

  /** Keeps what it is given; with {@code readAgain}, asks for the next message right away. */
  private static final class Consumer extends ChannelInboundHandlerAdapter {
    private final boolean readAgain;
    private final List<ByteBuf> received = new ArrayList<>();
    int readCompletes;

    Consumer(boolean readAgain) {
      this.readAgain = readAgain;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      received.add((ByteBuf) msg);
      if (readAgain) {
        ctx.read();
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      readCompletes++;
    }

    List<String> texts() {
      return received.stream().map(b -> b.toString(US_ASCII)).toList();
    }

    void releaseAll() {
      received.forEach(ByteBuf::release);
    }
  }
}
