package org.exitfilter.proxy;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;
import java.util.ArrayDeque;

/**
 * With auto-read off, hands the next handler exactly one decoded message per {@code read()} it asks
 * for, holding back the others a single socket read decoded into (pipelined requests, body chunks).
 * This is what makes "read the next request only when the previous response is done" hold without a
 * second buffer in the frontend.
 *
 * <p>Netty's {@code FlowControlHandler} does the same, but in 4.2.18 a {@code read()} asked for
 * while it is delivering a message, with nothing left queued, is lost: the connection then waits
 * for bytes the client will never send. Here a pending demand survives until a message meets it.
 *
 * <p>Messages still held when the channel closes or the handler is removed are released.
 */
final class OneMessagePerRead extends ChannelDuplexHandler {
  private final ArrayDeque<Object> held = new ArrayDeque<>(4);
  private boolean demanded;
  private boolean delivering;

  @Override
  public void read(ChannelHandlerContext ctx) {
    demanded = true;
    deliver(ctx);
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    held.add(msg);
    deliver(ctx);
  }

  private void deliver(ChannelHandlerContext ctx) {
    if (delivering) {
      return; // the loop below sees the new demand or message
    }
    delivering = true;
    try {
      while (demanded && !held.isEmpty()) {
        demanded = false;
        ctx.fireChannelRead(held.poll());
      }
    } finally {
      delivering = false;
    }
    if (demanded && ctx.channel().isActive()) {
      ctx.read();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (held.isEmpty()) {
      ctx.fireChannelReadComplete();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    releaseHeld();
    ctx.fireChannelInactive();
  }

  @Override
  public void handlerRemoved(ChannelHandlerContext ctx) {
    releaseHeld();
  }

  private void releaseHeld() {
    Object msg;
    while ((msg = held.poll()) != null) {
      ReferenceCountUtil.release(msg);
    }
  }
}
