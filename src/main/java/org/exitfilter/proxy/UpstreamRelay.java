package org.exitfilter.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;

/**
 * The last handler of an upstream HTTP connection: hands every response part, writability change
 * and the close to the client connection's {@link HttpProxyFrontend}, which owns the exchange.
 * Both run on the same event loop, so no hand-off is needed.
 */
final class UpstreamRelay extends ChannelInboundHandlerAdapter {
  private final HttpProxyFrontend frontend;

  UpstreamRelay(HttpProxyFrontend frontend) {
    this.frontend = frontend;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    frontend.upstreamRead(ctx.channel(), msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    frontend.upstreamReadComplete(ctx.channel());
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    frontend.upstreamWritabilityChanged(ctx.channel());
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    frontend.upstreamClosed(ctx.channel());
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
    // Resets and the like end the connection. The frontend hears of it first: on the close, the
    // codec takes the end of a close-delimited body for a regular end and says it is complete.
    frontend.upstreamFailed(ctx.channel());
    ctx.close();
  }
}
