package org.exitfilter.proxy.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads the first bytes of a tunnel without terminating TLS. If they are a TLS ClientHello with a
 * server name, the name must pass {@code allowed} or the tunnel is closed before a single byte
 * reaches the destination. Bytes that are not TLS pass on the CONNECT target check alone; a tunnel
 * that opens with a TLS record other than a handshake (which no real client sends) is closed, so
 * the check cannot be stepped around by sending the ClientHello second.
 */
public final class SniGuard extends AbstractSniHandler<Boolean> {
  private static final int CHANGE_CIPHER_SPEC = 20;
  private static final int ALERT = 21;
  private static final int APPLICATION_DATA = 23;

  private final Predicate<String> allowed;
  private boolean firstByteSeen;

  /**
   * @param timeoutMillis how long the client may take to send its first bytes
   * @param allowed decides on the server name as sent (not yet normalized)
   */
  public SniGuard(long timeoutMillis, Predicate<String> allowed) {
    super(timeoutMillis);
    this.allowed = allowed;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out)
      throws Exception {
    if (!firstByteSeen && in.isReadable()) {
      firstByteSeen = true;
      int contentType = in.getUnsignedByte(in.readerIndex());
      if (contentType == CHANGE_CIPHER_SPEC
          || contentType == ALERT
          || contentType == APPLICATION_DATA) {
        in.skipBytes(in.readableBytes());
        ctx.close();
        return;
      }
    }
    super.decode(ctx, in, out);
  }

  @Override
  protected Future<Boolean> lookup(ChannelHandlerContext ctx, String hostname) {
    return ctx.executor().newSucceededFuture(hostname == null || allowed.test(hostname));
  }

  @Override
  protected void onLookupComplete(
      ChannelHandlerContext ctx, String hostname, Future<Boolean> future) {
    if (Boolean.TRUE.equals(future.getNow())) {
      // Removing the handler passes the buffered ClientHello on to the relay.
      ctx.pipeline().remove(this);
    } else {
      ctx.close();
    }
  }
}
