package org.exitfilter.proxy;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import org.exitfilter.config.Limits;
import org.exitfilter.config.Rule;
import org.exitfilter.match.Matcher;
import org.exitfilter.policy.DestinationPolicy;
import org.exitfilter.proxy.ProxyObserver.Outcome;

/**
 * A client connection's HTTP pipeline, as the initializer builds it, on an {@link EmbeddedChannel}
 * with auto-read off; and the outcomes it reported. Nothing here opens a socket: a request that
 * would need DNS or a connection must not be sent.
 */
final class EmbeddedFrontend implements AutoCloseable {
  final List<Outcome> outcomes = new CopyOnWriteArrayList<>();
  final ServerContext context;
  final EmbeddedChannel channel;
  private final DestinationResolver resolver;

  EmbeddedFrontend(Matcher matcher) throws Exception {
    Transport transport = Transport.best();
    // Never asked; it would ask loopback only.
    resolver = new DestinationResolver(transport, new InetSocketAddress("127.0.0.1", 9), 1000);
    ProxyObserver observer =
        new ProxyObserver() {
          @Override
          public void outcome(Outcome outcome, Rule rule) {
            outcomes.add(outcome);
          }
        };
    context =
        new ServerContext(
            Limits.DEFAULTS,
            () -> matcher,
            new DestinationGuard(new DestinationPolicy(false, Set.of(443))),
            resolver,
            OwnPages.builtIn(),
            transport,
            new DefaultChannelGroup(GlobalEventExecutor.INSTANCE),
            new RequestChecks(Limits.DEFAULTS.maxHeaderCount()),
            observer,
            TunnelStart.EITHER_SIDE);
    channel = new EmbeddedChannel(false, false);
    // As on a real client connection: reads happen only when the frontend asks.
    channel.config().setAutoRead(false);
    ProxyInitializer.addHttpServer(channel.pipeline(), context);
    channel.register();
  }

  /** Sends {@code request} as bytes and returns what the proxy wrote back so far. */
  String send(String request) {
    channel.writeInbound(Unpooled.copiedBuffer(request, ISO_8859_1));
    return written();
  }

  /** Everything written to the client since the last call, as text. */
  String written() {
    channel.runPendingTasks();
    StringBuilder out = new StringBuilder();
    for (Object written; (written = channel.readOutbound()) != null; ) {
      ByteBuf bytes = (ByteBuf) written;
      out.append(bytes.toString(ISO_8859_1));
      bytes.release();
    }
    return out.toString();
  }

  @Override
  public void close() {
    try {
      channel.finishAndReleaseAll();
    } finally {
      resolver.close();
    }
  }
}
