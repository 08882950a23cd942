package org.exitfilter.proxy;

import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.proxy.StrictRequestDecoderTest.assertReleasedEverything;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.timeout.IdleStateEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link RequestHeadDeadline} and {@link IdleTimeout} on an {@code EmbeddedChannel} whose clock is
 * frozen and moved by hand, so each deadline is checked to the nanosecond without waiting for it.
 */
class DeadlineHandlersTest {
  private static final long TIMEOUT = TimeUnit.SECONDS.toNanos(10);

  @Test
  void headStartedAndNotFinishedInTimeExpiresOnTheDot() {
    RequestHeadDeadline head = new RequestHeadDeadline(TIMEOUT);
    Events events = new Events();
    EmbeddedChannel channel = frozen(head, events);
    ByteBuf firstBytes = bytes("GET http://exa");

    pass(channel, 3, TimeUnit.SECONDS);
    assertThat(events.seen).as("no byte yet: the idle timeout's business").isEmpty();
    channel.writeInbound(firstBytes);
    ((ByteBuf) channel.readInbound()).release();
    pass(channel, TIMEOUT - 1, TimeUnit.NANOSECONDS);
    assertThat(events.seen).as("1 ns before the deadline").isEmpty();
    pass(channel, 1, TimeUnit.NANOSECONDS);
    assertThat(events.seen).containsExactly(RequestHeadDeadline.EXPIRED);

    assertReleasedEverything(channel, firstBytes);
  }

  @Test
  void headReceivedInTimeStopsTheDeadlineAndTheNextHeadGetsAFreshOne() {
    RequestHeadDeadline head = new RequestHeadDeadline(TIMEOUT);
    Events events = new Events();
    EmbeddedChannel channel = frozen(head, events);
    ByteBuf firstHead = bytes("GET http://example.test/ HTTP/1.1\r\n\r\n");
    ByteBuf secondStart = bytes("GET");

    channel.writeInbound(firstHead);
    ((ByteBuf) channel.readInbound()).release();
    pass(channel, TIMEOUT / 2, TimeUnit.NANOSECONDS);
    head.headReceived();
    pass(channel, 2 * TIMEOUT, TimeUnit.NANOSECONDS);
    assertThat(events.seen).as("a body or a slow response is not the head's deadline").isEmpty();

    head.awaitHead();
    pass(channel, 2 * TIMEOUT, TimeUnit.NANOSECONDS);
    assertThat(events.seen).as("a keep-alive connection waiting for its next head").isEmpty();
    channel.writeInbound(secondStart);
    ((ByteBuf) channel.readInbound()).release();
    pass(channel, TIMEOUT, TimeUnit.NANOSECONDS);
    assertThat(events.seen).containsExactly(RequestHeadDeadline.EXPIRED);

    assertReleasedEverything(channel, firstHead, secondStart);
  }

  @Test
  void closedConnectionGetsNoHeadDeadline() {
    Events events = new Events();
    EmbeddedChannel channel = frozen(new RequestHeadDeadline(TIMEOUT), events);
    ByteBuf start = bytes("GET");

    channel.writeInbound(start);
    ((ByteBuf) channel.readInbound()).release();
    channel.close();
    pass(channel, 2 * TIMEOUT, TimeUnit.NANOSECONDS);

    assertThat(events.seen).isEmpty();
    assertReleasedEverything(channel, start);
  }

  @Test
  void silentConnectionIsIdleOnTheDotCountedFromWhenItOpened() {
    Events events = new Events();
    EmbeddedChannel channel = frozen(new IdleTimeout(TIMEOUT), events);

    pass(channel, TIMEOUT - 1, TimeUnit.NANOSECONDS);
    assertThat(events.seen).isEmpty();
    pass(channel, 1, TimeUnit.NANOSECONDS);

    assertThat(events.seen).containsExactly(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT);
    assertReleasedEverything(channel);
  }

  @Test
  void readsAndWritesEachPutTheIdleDeadlineOff() {
    Events events = new Events();
    EmbeddedChannel channel = frozen(new IdleTimeout(TIMEOUT), events);
    ByteBuf read = bytes("in");
    ByteBuf written = bytes("out");

    pass(channel, TIMEOUT - 1, TimeUnit.NANOSECONDS);
    channel.writeInbound(read);
    ((ByteBuf) channel.readInbound()).release();
    pass(channel, TIMEOUT - 1, TimeUnit.NANOSECONDS);
    // Left unflushed, so that the output does not move after the write and count again.
    channel.write(written);
    pass(channel, TIMEOUT - 1, TimeUnit.NANOSECONDS);
    assertThat(events.seen).as("never silent for the whole timeout").isEmpty();
    pass(channel, 1, TimeUnit.NANOSECONDS);

    assertThat(events.seen).containsExactly(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT);
    channel.flush();
    ((ByteBuf) channel.readOutbound()).release();
    assertReleasedEverything(channel, read, written);
  }

  @Test
  void bytesThePeerTakesLaterCountAsActivityAndBytesItNeverTakesDoNot() {
    Events events = new Events();
    EmbeddedChannel channel = frozen(new IdleTimeout(TIMEOUT), events);
    ByteBuf slow = bytes("a large response");
    ByteBuf stuck = bytes("never taken");

    channel.write(slow); // queued in the outbound buffer, not yet flushed to the peer
    pass(channel, TIMEOUT - 1, TimeUnit.NANOSECONDS);
    channel.flush(); // the peer takes it, with no new write
    ((ByteBuf) channel.readOutbound()).release();
    pass(channel, 1, TimeUnit.NANOSECONDS);
    assertThat(events.seen).as("the output moved since the write").isEmpty();

    channel.write(stuck);
    pass(channel, TIMEOUT, TimeUnit.NANOSECONDS);
    assertThat(events.seen)
        .as("a write the peer never takes is silence")
        .containsExactly(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT);

    channel.flush();
    ((ByteBuf) channel.readOutbound()).release();
    assertReleasedEverything(channel, slow, stuck);
  }

  private static EmbeddedChannel frozen(ChannelHandler handler, Events events) {
    EmbeddedChannel channel = new EmbeddedChannel();
    channel.freezeTime();
    channel.pipeline().addLast(handler, events);
    return channel;
  }

  private static void pass(EmbeddedChannel channel, long amount, TimeUnit unit) {
    channel.advanceTimeBy(amount, unit);
    channel.runScheduledPendingTasks();
  }

  private static ByteBuf bytes(String text) {
    return Unpooled.copiedBuffer(text, US_ASCII);
  }

  /** The user events that reach the end of the pipeline. */
  private static final class Events extends ChannelInboundHandlerAdapter {
    final List<Object> seen = new ArrayList<>();

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) {
      seen.add(event);
    }
  }
}
