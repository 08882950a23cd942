package org.exitfilter.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.channel.ChannelPromise;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * Fires {@link IdleStateEvent#FIRST_ALL_IDLE_STATE_EVENT} when a connection has been silent in both
 * directions for the idle timeout: nothing read, nothing written, and no byte of what was written
 * earlier left for the peer. The handler at the end of the pipeline closes the connection on it.
 *
 * <p>Netty's {@code IdleStateHandler} does the same, but to see writes complete it swaps each
 * write's void promise for a real one with a listener: three objects per write, so per request on
 * both sides of a proxied exchange. Here a write counts when it is made, and a write still going
 * out counts through the outbound buffer's progress, which is looked at only when the timer fires.
 * A read or a write costs a clock read ({@link Deadline}).
 */
final class IdleTimeout extends ChannelDuplexHandler {
  private final long timeoutNanos;
  private Deadline deadline;
  private ChannelHandlerContext ctx;

  // The outbound buffer as last seen (after a write, or by the timer): any change since means the
  // peer took bytes, which is not idleness.
  private long seenPendingBytes;
  private long seenProgress;

  IdleTimeout(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.deadline = new Deadline(ctx.executor(), this::expired);
    // Counted from when the handler joins the pipeline, as for a connection that never sends.
    deadline.set(timeoutNanos);
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    deadline.cancel();
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    deadline.set(timeoutNanos);
    ctx.fireChannelRead(msg);
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    deadline.set(timeoutNanos);
    ctx.write(msg, promise);
    outputMoved();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    deadline.cancel();
    ctx.fireChannelInactive();
  }

  private void expired() {
    if (!ctx.channel().isOpen()) {
      return;
    }
    if (outputMoved()) {
      deadline.set(timeoutNanos);
      return;
    }
    ctx.fireUserEventTriggered(IdleStateEvent.FIRST_ALL_IDLE_STATE_EVENT);
  }

  /** Whether the outbound buffer changed since it was last seen; remembers what it is now. */
  private boolean outputMoved() {
    ChannelOutboundBuffer buffer = ctx.channel().unsafe().outboundBuffer();
    long bytes = buffer == null ? 0 : buffer.totalPendingWriteBytes();
    long progress = buffer == null ? 0 : buffer.currentProgress();
    boolean moved = bytes != seenPendingBytes || progress != seenProgress;
    seenPendingBytes = bytes;
    seenProgress = progress;
    return moved;
  }
}
