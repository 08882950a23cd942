package org.exitfilter.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Caps the client connections open at once. A connection over the cap is answered {@code 503} with
 * {@code Proxy-Status: exitfilter; error=connection_limit_reached} and closed; the others go on
 * untouched. Shared by every client channel of one server.
 */
@Sharable
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {
  // Written raw, since this handler sits before the HTTP codec; the status and Proxy-Status come
  // from ProxyError, the one place that maps refusals to what the client sees.
  private static final byte[] OVER_LIMIT =
      ("HTTP/1.1 "
              + ProxyError.CONNECTION_LIMIT.status
              + "\r\nProxy-Status: "
              + ProxyError.CONNECTION_LIMIT.proxyStatus(null)
              + "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")
          .getBytes(StandardCharsets.US_ASCII);

  private final int max;
  private final ProxyObserver observer;
  private final AtomicInteger open = new AtomicInteger();

  ConnectionLimiter(int max, ProxyObserver observer) {
    this.max = max;
    this.observer = observer;
  }

  int open() {
    return open.get();
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    int now = open.incrementAndGet();
    observer.clientConnections(1);
    ctx.channel()
        .closeFuture()
        .addListener(
            f -> {
              open.decrementAndGet();
              observer.clientConnections(-1);
            });
    if (now > max) {
      ctx.writeAndFlush(Unpooled.wrappedBuffer(OVER_LIMIT))
          .addListener(ChannelFutureListener.CLOSE);
      return;
    }
    ctx.fireChannelActive();
  }
}
