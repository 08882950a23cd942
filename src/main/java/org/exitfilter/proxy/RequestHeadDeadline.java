package org.exitfilter.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

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
  private ScheduledFuture<?> timer;

  RequestHeadDeadline(long timeoutNanos) {
    this.timeoutNanos = timeoutNanos;
  }

  /** A new request head may start with the next byte. */
  void awaitHead() {
    cancel();
    awaiting = true;
  }

  /** The head arrived in time. */
  void headReceived() {
    cancel();
    awaiting = false;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (awaiting && timer == null) {
      timer =
          ctx.executor()
              .schedule(
                  () -> {
                    timer = null;
                    awaiting = false;
                    ctx.fireUserEventTriggered(EXPIRED);
                  },
                  timeoutNanos,
                  TimeUnit.NANOSECONDS);
    }
    ctx.fireChannelRead(msg);
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    cancel();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    cancel();
  }

  private void cancel() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }
}
