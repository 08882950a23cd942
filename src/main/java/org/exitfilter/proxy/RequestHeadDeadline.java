package org.exitfilter.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Gives a client a fixed time to finish a request head once its first byte has arrived (the
 * slowloris defence). Sits before the decoder and sees raw bytes; the frontend tells it when a head
 * is awaited and when one has arrived. On expiry it fires {@link #EXPIRED} for the frontend to
 * answer 408. An idle keep-alive connection is left to the idle timeout instead.
 */
final class RequestHeadDeadline extends ChannelInboundHandlerAdapter {
  /** The user event fired when a head took too long. */
  static final Object EXPIRED = new Object();

  private final long timeoutNanos;
  private boolean awaiting = true;
  private Deadline deadline;

  RequestHeadDeadline(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    deadline =
        new Deadline(
            ctx.executor(),
            () -> {
              awaiting = false;
              ctx.fireUserEventTriggered(EXPIRED);
            });
  }

  /** A new request head may start with the next byte. */
  void awaitHead() {
    deadline.clear();
    awaiting = true;
  }

  /** The head arrived in time. */
  void headReceived() {
    deadline.clear();
    awaiting = false;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (awaiting && !deadline.isSet()) {
      deadline.set(timeoutNanos);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    deadline.cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    deadline.cancel();
  }
}
