package org.exitfilter.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilter;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import java.util.List;
import org.exitfilter.config.Limits;
import org.exitfilter.net.IpNetwork;
import org.exitfilter.proxy.tunnel.ConnectTunnel;
import org.exitfilter.proxy.tunnel.SniGuard;
import org.exitfilter.proxy.tunnel.TunnelRelay;

/**
 * The only place that builds pipelines: the client connection's, an upstream HTTP connection's, an
 * upstream tunnel's, and the switch of a client connection from HTTP to a tunnel.
 *
 * <pre>
 * client:   limiter, client-filter?, idle, head-deadline, decoder, encoder, flow-control, frontend
 * tunnel:   limiter, client-filter?, idle, sni-guard, relay
 * upstream: idle, codec, relay          (HTTP)
 *           idle, relay                 (tunnel, relay added once the tunnel is up)
 * </pre>
 */
final class ProxyInitializer extends ChannelInitializer<Channel> {
  static final String LIMITER = "limiter";
  static final String CLIENT_FILTER = "client-filter";
  static final String IDLE = "idle";
  static final String HEAD_DEADLINE = "head-deadline";
  static final String DECODER = "decoder";
  static final String ENCODER = "encoder";
  static final String FLOW_CONTROL = "flow-control";
  static final String FRONTEND = "frontend";
  static final String SNI_GUARD = "sni-guard";
  static final String CODEC = "codec";
  static final String RELAY = "relay";

  private final ServerContext context;
  private final ConnectionLimiter limiter;
  private final IpSubnetFilter clientFilter;

  ProxyInitializer(ServerContext context, ConnectionLimiter limiter, List<IpNetwork> clients) {
    this.context = context;
    this.limiter = limiter;
    this.clientFilter = clients.isEmpty() ? null : clientFilter(clients);
  }

  @Override
  protected void initChannel(Channel channel) {
    context.channels().add(channel);
    ChannelPipeline pipeline = channel.pipeline();
    pipeline.addLast(LIMITER, limiter);
    if (clientFilter != null) {
      pipeline.addLast(CLIENT_FILTER, clientFilter);
    }
    addIdleTimeout(pipeline, context.limits());
    addHttpServer(pipeline, context);
  }

  private static void addIdleTimeout(ChannelPipeline pipeline, Limits limits) {
    pipeline.addLast(IDLE, new IdleTimeout(limits.idleTimeout().toNanos()));
  }

  /**
   * The HTTP handlers and the frontend, which is handed the two of them it talks to: it never looks
   * a sibling up by name. Package-private for the frontend's {@code EmbeddedChannel} tests.
   */
  static void addHttpServer(ChannelPipeline pipeline, ServerContext context) {
    Limits limits = context.limits();
    RequestHeadDeadline headDeadline = new RequestHeadDeadline(limits.headerTimeout().toNanos());
    ClientResponseEncoder encoder = new ClientResponseEncoder();
    pipeline.addLast(HEAD_DEADLINE, headDeadline);
    pipeline.addLast(
        DECODER, new StrictRequestDecoder(limits.maxRequestLineLength(), limits.maxHeaderSize()));
    pipeline.addLast(ENCODER, encoder);
    pipeline.addLast(FLOW_CONTROL, new OneMessagePerRead());
    pipeline.addLast(FRONTEND, new HttpProxyFrontend(context, headDeadline, encoder));
  }

  /**
   * The pipeline of an upstream connection that carries HTTP exchanges, ending in an {@link
   * UpstreamRelay} (which the exchanges link to in turn; see {@link #relayOf}). A relay of its own
   * for every channel: a dial may open several channels (RFC 8305) before one wins.
   */
  static ChannelInitializer<Channel> upstreamHttp(ServerContext context) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel channel) {
        context.channels().add(channel);
        Limits limits = context.limits();
        addIdleTimeout(channel.pipeline(), limits);
        channel
            .pipeline()
            .addLast(
                CODEC,
                new UpstreamCodec(limits.maxRequestLineLength(), limits.maxHeaderSize(), 64 * 1024))
            .addLast(RELAY, new UpstreamRelay());
      }
    };
  }

  /** The relay {@link #upstreamHttp} put at the end of {@code upstream}'s pipeline. */
  static UpstreamRelay relayOf(Channel upstream) {
    return (UpstreamRelay) upstream.pipeline().get(RELAY);
  }

  /** The pipeline of an upstream connection that will carry a tunnel. */
  static ChannelInitializer<Channel> upstreamTunnel(ServerContext context) {
    return new ChannelInitializer<>() {
      @Override
      protected void initChannel(Channel channel) {
        context.channels().add(channel);
        addIdleTimeout(channel.pipeline(), context.limits());
      }
    };
  }

  /**
   * Turns an HTTP client connection into a tunnel to {@code upstream}, once the 200 has been
   * written. The tunnel handlers go in before the decoder leaves, so bytes the client sent right
   * after its CONNECT head reach the SNI guard, which judges them with {@code tunnel}'s check and
   * tells it the decision. With {@link TunnelStart#CLIENT_FIRST} the origin is read only once the
   * guard has let the client's first bytes pass.
   */
  static void switchToTunnel(
      ChannelPipeline client,
      Channel upstream,
      long sniTimeoutMillis,
      ConnectTunnel tunnel,
      TunnelStart start,
      ProxyObserver observer) {
    boolean clientFirst = start == TunnelStart.CLIENT_FIRST;
    SniGuard.Listener guardDecided = clientFirst ? readOriginWhenPassed(tunnel, upstream) : tunnel;
    client.addAfter(
        DECODER, SNI_GUARD, new SniGuard(sniTimeoutMillis, tunnel.serverNames(), guardDecided));
    // Releases what it still holds: the CONNECT's empty last content.
    client.remove(FLOW_CONTROL);
    client.remove(FRONTEND);
    client.remove(ENCODER);
    client.remove(HEAD_DEADLINE);
    // The relay asks for the first read when added; nothing may stand between it and the socket
    // that would take that read for itself.
    client.addLast(RELAY, new TunnelRelay(upstream, observer::bytesUpstream, true));
    client.remove(DECODER);
    upstream
        .pipeline()
        .addLast(RELAY, new TunnelRelay(client.channel(), observer::bytesDownstream, !clientFirst));
    observer.tunnels(1);
    client
        .channel()
        .closeFuture()
        .addListener(
            f -> {
              // Counted before the gauge moves, so that a tunnel seen closed is also counted.
              tunnel.closed();
              observer.tunnels(-1);
            });
  }

  /** {@code tunnel}, told the guard's decision, and the origin's first read when it passed. */
  private static SniGuard.Listener readOriginWhenPassed(ConnectTunnel tunnel, Channel upstream) {
    return new SniGuard.Listener() {
      @Override
      public void passed() {
        tunnel.passed();
        upstream.read();
      }

      @Override
      public void refused() {
        tunnel.refused();
      }
    };
  }

  private static IpSubnetFilter clientFilter(List<IpNetwork> clients) {
    IpSubnetFilterRule[] rules =
        clients.stream()
            .map(
                n -> new IpSubnetFilterRule(n.address(), n.prefixLength(), IpFilterRuleType.ACCEPT))
            .toArray(IpSubnetFilterRule[]::new);
    // Not in any listed network: rejected, which closes the connection at once.
    return new IpSubnetFilter(false, rules);
  }
}
