package org.exitfilter.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Locale;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.HostAndPort;

/**
 * Opens the upstream connection for a destination whose name has passed: resolves it, checks the
 * addresses ({@link DestinationGuard#choose}) and connects to the chosen one, all on the client
 * connection's event loop so that the two connections share one thread.
 */
final class UpstreamDialer {
  private final ServerContext context;

  UpstreamDialer(ServerContext context) {
    this.context = context;
  }

  /**
   * Completes on {@code loop} with the connected channel, or fails with a {@link ProxyException}
   * naming what went wrong (DNS, an address refused, connect refused or timed out).
   */
  Future<Channel> dial(
      EventLoop loop,
      HostAndPort destination,
      Matcher matcher,
      Verdict nameVerdict,
      ChannelInitializer<Channel> pipeline) {
    Promise<Channel> promise = loop.newPromise();
    context
        .resolver()
        .resolve(loop, destination.host(), destination.port())
        .addListener(
            (Future<List<InetAddress>> resolved) -> {
              if (!resolved.isSuccess()) {
                promise.setFailure(asProxyException(resolved.cause()));
                return;
              }
              InetAddress address;
              try {
                address =
                    context
                        .guard()
                        .choose(matcher, nameVerdict, resolved.getNow(), destination.port());
              } catch (ProxyException e) {
                promise.setFailure(e);
                return;
              }
              connect(loop, new InetSocketAddress(address, destination.port()), pipeline)
                  .addListener(
                      (ChannelFuture f) -> {
                        if (f.isSuccess()) {
                          if (!promise.trySuccess(f.channel())) {
                            f.channel().close(); // nobody waits for it any more
                          }
                        } else {
                          promise.tryFailure(connectFailure(f.cause()));
                        }
                      });
            });
    return promise;
  }

  private ChannelFuture connect(
      EventLoop loop, InetSocketAddress address, ChannelInitializer<Channel> pipeline) {
    return new Bootstrap()
        .group(loop)
        .channel(context.transport().socketChannel())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Buffers.WATER_MARK)
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) context.limits().connectTimeout().toMillis())
        .handler(pipeline)
        .connect(address);
  }

  private static ProxyException asProxyException(Throwable cause) {
    return cause instanceof ProxyException e
        ? e
        : new ProxyException(ProxyError.DNS_ERROR, "destination name not resolved");
  }

  private static ProxyException connectFailure(Throwable cause) {
    if (cause instanceof ConnectTimeoutException) {
      return new ProxyException(ProxyError.CONNECTION_TIMEOUT, "connection to origin timed out");
    }
    String message = cause.getMessage();
    // Native transports report ECONNREFUSED as a ConnectException with the errno text.
    if (cause instanceof ConnectException
        && message != null
        && message.toLowerCase(Locale.ROOT).contains("refused")) {
      return new ProxyException(ProxyError.CONNECTION_REFUSED, "origin refused the connection");
    }
    return new ProxyException(ProxyError.DESTINATION_UNAVAILABLE, "origin unreachable");
  }
}
