package org.exitfilter.proxy.tunnel;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.AbstractSniHandler;
import io.netty.util.concurrent.Future;
import java.util.List;
import java.util.function.Predicate;

/**
 * Reads the first bytes of a tunnel without terminating TLS. If they are a TLS ClientHello, every
 * server name in it must pass {@code allowed} or the tunnel is closed before a single byte reaches
 * the destination. Bytes that are not TLS pass on the CONNECT target check alone; a tunnel that
 * opens with a TLS record other than a handshake (which no real client sends) is closed, so the
 * check cannot be stepped around by sending the ClientHello second, and so is one that opens with a
 * handshake record that cannot be read as a well-formed ClientHello (see {@link
 * ClientHelloServerNames}).
 */
public final class SniGuard extends AbstractSniHandler<Boolean> {
  private static final int CHANGE_CIPHER_SPEC = 20;
  private static final int ALERT = 21;
  private static final int APPLICATION_DATA = 23;
  private static final int HANDSHAKE = 22;

  /** Told what the guard decided, once; not told when the tunnel closes before a decision. */
  public interface Listener {
    /** Every server name passed, or the first bytes are not TLS: the guard leaves. */
    void passed();

    /** The tunnel is closed: a name was refused, or the first record cannot be let through. */
    void refused();
  }

  private static final Listener NOBODY =
      new Listener() {
        @Override
        public void passed() {}

        @Override
        public void refused() {}
      };

  private final Predicate<String> allowed;
  private final Listener listener;
  private boolean firstByteSeen;
  private int firstContentType = -1;

  /**
   * @param timeoutMillis how long the client may take to send its first bytes
   * @param allowed decides on the server name as sent (not yet normalized)
   */
  public SniGuard(long timeoutMillis, Predicate<String> allowed) {
    this(timeoutMillis, allowed, NOBODY);
  }

  /**
   * @param timeoutMillis how long the client may take to send its first bytes
   * @param allowed decides on the server name as sent (not yet normalized)
   * @param listener told the decision
   */
  public SniGuard(long timeoutMillis, Predicate<String> allowed, Listener listener) {
    super(timeoutMillis);
    this.allowed = allowed;
    this.listener = listener;
  }

  @Override
  protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) throws Exception {
    if (!firstByteSeen && in.isReadable()) {
      firstByteSeen = true;
      int contentType = in.getUnsignedByte(in.readerIndex());
      firstContentType = contentType;
      if (contentType == CHANGE_CIPHER_SPEC
          || contentType == ALERT
          || contentType == APPLICATION_DATA) {
        in.skipBytes(in.readableBytes());
        listener.refused();
        ctx.close();
        return;
      }
    }
    super.decode(ctx, in, out);
  }

  /**
   * Judges the whole ClientHello rather than the one name Netty would extract from it.
   *
   * @param clientHello the hello after its handshake header, or null when Netty found none; owned
   *     by the caller
   */
  @Override
  protected Future<Boolean> lookup(ChannelHandlerContext ctx, ByteBuf clientHello) {
    return ctx.executor().newSucceededFuture(passes(clientHello));
  }

  private boolean passes(ByteBuf clientHello) {
    if (clientHello == null) {
      // Bytes that are not TLS pass on the CONNECT target alone. A handshake record Netty could
      // not read as a ClientHello is refused: the origin's TLS stack might read a name in it.
      return firstContentType != HANDSHAKE;
    }
    List<String> names;
    try {
      names = ClientHelloServerNames.read(clientHello);
    } catch (ClientHelloServerNames.MalformedHelloException e) {
      return false;
    }
    for (String name : names) {
      if (!allowed.test(name)) {
        return false;
      }
    }
    return true;
  }

  /** Not called, since {@link #lookup(ChannelHandlerContext, ByteBuf)} reads the names itself. */
  @Override
  protected Future<Boolean> lookup(ChannelHandlerContext ctx, String hostname) {
    return ctx.executor().newSucceededFuture(Boolean.FALSE);
  }

  @Override
  protected void onLookupComplete(
      ChannelHandlerContext ctx, String hostname, Future<Boolean> future) {
    if (Boolean.TRUE.equals(future.getNow())) {
      listener.passed();
      // Removing the handler passes the buffered ClientHello on to the relay.
      ctx.pipeline().remove(this);
    } else {
      listener.refused();
      ctx.close();
    }
  }
}
