package org.exitfilter.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.FullHttpResponse;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.policy.DestinationPolicy;
import org.exitfilter.proxy.tunnel.ConnectTunnel;

/**
 * One CONNECT, from its head to a tunnel or a refusal. The target must parse as host:port, the port
 * be one of {@code connect-ports} and the name and addresses pass as for any request; then the
 * client gets {@code 200 Connection established} and the initializer turns its connection into a
 * tunnel, whose SNI guard decides how the CONNECT is counted ({@link ConnectTunnel}). A refused
 * CONNECT gets the block page or an error, and the connection closes: after a CONNECT head the
 * decoder decodes nothing more, so there is no next request to wait for.
 *
 * <p>Runs on the client connection's event loop; the frontend has handed the connection over.
 */
final class ConnectRequest {
  private final ChannelHandlerContext ctx;
  private final ServerContext context;
  private final DestinationAccess destinations;
  private final RequestOutcome outcome;
  private String acceptLanguage;

  /**
   * @param ctx the frontend's context, where the answer is written
   * @param outcome the recorder this CONNECT was begun on
   */
  ConnectRequest(
      ChannelHandlerContext ctx,
      ServerContext context,
      DestinationAccess destinations,
      RequestOutcome outcome) {
    this.ctx = ctx;
    this.context = context;
    this.destinations = destinations;
    this.outcome = outcome;
  }

  /**
   * @param acceptLanguage the CONNECT's {@code Accept-Language}, for the block page; or {@code
   *     null}
   */
  void admit(String authority, String acceptLanguage) {
    this.acceptLanguage = acceptLanguage;
    HostAndPort destination;
    try {
      destination = RequestTarget.connectDestination(authority);
    } catch (ProxyException e) {
      refuse(e, null);
      return;
    }
    Matcher matcher = context.matchers().get();
    Verdict nameVerdict;
    try {
      nameVerdict = destinations.checkName(matcher, destination, DestinationPolicy.Access.CONNECT);
    } catch (ProxyException e) {
      refuse(e, destination);
      return;
    }
    destinations.dial(
        ctx.channel(),
        destination,
        matcher,
        nameVerdict,
        DestinationPolicy.Access.CONNECT,
        ProxyInitializer.upstreamTunnel(context),
        // The server names are judged on the snapshot in force when the ClientHello comes: the
        // one the target was judged on, or a newer one if a reload came meanwhile. Neither the
        // dial nor the tunnel holds a snapshot while it waits.
        upstream ->
            open(
                upstream,
                new ConnectTunnel(
                    context.guard().policy(), context.matchers(), destination.port(), outcome)),
        e -> refuse(e, destination));
  }

  /**
   * Answers {@code 200} and hands the connection to the tunnel. The CONNECT is counted when the
   * tunnel's SNI guard decides, not here: a refused ClientHello makes it a block.
   */
  private void open(Channel upstream, ConnectTunnel tunnel) {
    ctx.writeAndFlush(Responses.connectionEstablished())
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                upstream.close();
              }
            });
    ProxyInitializer.switchToTunnel(
        ctx.pipeline(),
        upstream,
        context.limits().headerTimeout().toMillis(),
        tunnel,
        context.tunnelStart(),
        context.observer());
  }

  /** Answers the refusal, counted as its error says, and closes; nothing if the client left. */
  private void refuse(ProxyException e, HostAndPort destination) {
    if (!ctx.channel().isActive()) {
      return;
    }
    outcome.failed(e.error, e.rule);
    FullHttpResponse response =
        e.error == ProxyError.BLOCKED
            ? context.pages().blocked(ctx.alloc(), destination, e.rule, acceptLanguage, false)
            : Responses.error(ctx.alloc(), e.error, e.getMessage());
    ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
  }
}
