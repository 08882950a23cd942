package org.exitfilter.proxy.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;
import java.util.function.LongConsumer;

/**
 * One direction of a tunnel: writes what its channel reads to the peer, unchanged. Reads only while
 * the peer can take more (read after write; the peer's relay asks for the next read when it
 * drains), so a slow side holds the fast one back instead of filling the heap. Either side closing
 * closes the other once what was written has been flushed.
 */
public final class TunnelRelay extends ChannelInboundHandlerAdapter {
  private final Channel peer;
  private final LongConsumer relayed;
  private final boolean readWhenAdded;

  /**
   * @param peer the other side of the tunnel
   * @param relayed told how many bytes each read carried, for metrics
   * @param readWhenAdded whether to ask for the first read at once; if not, whoever holds this side
   *     back asks for it ({@code Channel.read()}), and the relay reads on from there
   */
  public TunnelRelay(Channel peer, LongConsumer relayed, boolean readWhenAdded) {
    this.peer = peer;
    this.relayed = relayed;
    this.readWhenAdded = readWhenAdded;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    if (readWhenAdded && ctx.channel().isActive()) {
      ctx.read();
    }
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!peer.isActive()) {
      ReferenceCountUtil.release(msg);
      ctx.close();
      return;
    }
    if (msg instanceof ByteBuf bytes) {
      relayed.accept(bytes.readableBytes());
    }
    // A failed write reaches the peer's exceptionCaught, which closes it, and so this side.
    peer.writeAndFlush(msg, peer.voidPromise());
    if (peer.isWritable()) {
      ctx.read();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (ctx.channel().isWritable()) {
      peer.read();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    closeOnFlush(peer);
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    if (evt instanceof IdleStateEvent) {
      // Silent in both directions for the idle timeout: the connection has done its work.
      ctx.close();
    } else {
      ctx.fireUserEventTriggered(evt);
    }
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    ctx.close();
  }

  /** Closes a channel after everything already written to it has gone out. */
  public static void closeOnFlush(Channel channel) {
    if (channel.isActive()) {
      channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
  }
}
