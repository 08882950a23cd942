package org.exitfilter.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.util.ReferenceCountUtil;

/**
 * The last handler of an upstream HTTP connection: hands every response part, writability change
 * and the close to the {@link HttpExchange} it is linked to, which owns the exchange. Both run on
 * the client connection's event loop, so no hand-off is needed. Between exchanges it is linked to
 * nothing: an idle origin that sends anything is out of step and its connection is closed.
 */
final class UpstreamRelay extends ChannelInboundHandlerAdapter {
  private HttpExchange exchange;

  void link(HttpExchange exchange) {
    this.exchange = exchange;
  }

  void unlink() {
    this.exchange = null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (exchange != null) {
      exchange.upstreamRead(msg);
    } else {
      ReferenceCountUtil.release(msg);
      ctx.close();
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.upstreamReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.upstreamWritabilityChanged();
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (exchange != null) {
      exchange.upstreamClosed();
    }
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
    // Resets and the like end the connection. The exchange hears of it first: on the close, the
    // codec takes the end of a close-delimited body for a regular end and says it is complete.
    if (exchange != null) {
      exchange.upstreamFailed();
    }
    ctx.close();
  }
}
