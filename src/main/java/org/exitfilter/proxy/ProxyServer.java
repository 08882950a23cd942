package org.exitfilter.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.match.Matcher;
import org.exitfilter.policy.DestinationPolicy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running proxy: a listening socket, its event loops and the destination resolver.
 *
 * <p>Each new request asks {@code matchers} for the current blocklist snapshot once and decides on
 * that snapshot alone, so a reload never gives one request a mix of two lists.
 */
public final class ProxyServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ProxyServer.class);

  private final Transport transport;
  private final EventLoopGroup acceptor;
  private final EventLoopGroup workers;
  private final DestinationResolver resolver;
  private final ChannelGroup channels;
  private final Channel listener;

  private ProxyServer(
      Transport transport,
      EventLoopGroup acceptor,
      EventLoopGroup workers,
      DestinationResolver resolver,
      ChannelGroup channels,
      Channel listener) {
    this.transport = transport;
    this.acceptor = acceptor;
    this.workers = workers;
    this.resolver = resolver;
    this.channels = channels;
    this.listener = listener;
  }

  /**
   * Binds the listener and starts serving.
   *
   * @param config the validated configuration
   * @param matchers the current blocklist snapshot, asked once per request
   * @throws IOException when the listen address cannot be bound or the block page cannot be read
   */
  public static ProxyServer start(ProxyConfig config, Supplier<Matcher> matchers)
      throws IOException {
    return start(config, matchers, ProxyObserver.NONE);
  }

  /**
   * Binds the listener and starts serving, telling {@code observer} of every outcome.
   *
   * @throws IOException when the listen address cannot be bound or the block page cannot be read
   */
  public static ProxyServer start(
      ProxyConfig config, Supplier<Matcher> matchers, ProxyObserver observer) throws IOException {
    return start(config, matchers, observer, null);
  }

  /**
   * Binds the listener and starts serving, with localized pages for the block page (unless the
   * config names its own {@code block-page:}) and, with a notice, for a request addressed to the
   * proxy itself. The run command passes {@code notice.BuiltInBlockPage#forProxy}.
   *
   * @param notice the localized pages, or {@code null} for the English built-in page alone
   * @throws IOException when the listen address cannot be bound or the block page cannot be read
   */
  public static ProxyServer start(
      ProxyConfig config, Supplier<Matcher> matchers, ProxyObserver observer, ProxyPages notice)
      throws IOException {
    ProxyServer server = start(config, matchers, observer, notice, TunnelStart.EITHER_SIDE);
    log.info(
        "exitfilter listening on {} ({} transport)", server.address(), server.transport.name());
    return server;
  }

  /**
   * Binds a proxy for the operator's own tools (ban proofs, RDAP, git) and starts serving: {@code
   * config}'s resolver, destination rules and limits on 127.0.0.1 at a port of the system's
   * choosing ({@link ProxyConfig#forToolsOnLoopback}), where a tunnel's client speaks first ({@link
   * TunnelStart#CLIENT_FIRST}).
   *
   * @param connectPorts the ports CONNECT may reach, e.g. a git server's
   * @param bans the bans that apply on top of the destination rules
   * @param observer told of every outcome, e.g. to learn why a tool's fetch was refused
   * @throws IOException when no loopback port can be bound
   */
  public static ProxyServer startForTools(
      ProxyConfig config, Set<Integer> connectPorts, Supplier<Matcher> bans, ProxyObserver observer)
      throws IOException {
    ProxyServer server =
        start(
            config.forToolsOnLoopback(connectPorts),
            bans,
            observer,
            null,
            TunnelStart.CLIENT_FIRST);
    // Not the operator's news: the command they ran says what it fetched.
    log.debug("the tools' proxy listening on {}", server.address());
    return server;
  }

  private static ProxyServer start(
      ProxyConfig config,
      Supplier<Matcher> matchers,
      ProxyObserver observer,
      ProxyPages notice,
      TunnelStart tunnelStart)
      throws IOException {
    OwnPages pages =
        new OwnPages(BlockPage.load(config.blockPage()), config.blockPage() != null, notice);
    Transport transport = Transport.best();
    EventLoopGroup acceptor = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
    // One loop per core (Netty's default is two); each connection's upstream is dialled on its
    // own loop, so a loop never waits for another.
    EventLoopGroup workers =
        new MultiThreadIoEventLoopGroup(
            Runtime.getRuntime().availableProcessors(), transport.ioHandlerFactory());
    ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    DestinationResolver resolver =
        new DestinationResolver(
            transport, config.resolver(), config.limits().connectTimeout().toMillis());
    ServerContext context =
        new ServerContext(
            config.limits(),
            matchers,
            new DestinationGuard(DestinationPolicy.of(config)),
            resolver,
            pages,
            transport,
            channels,
            new RequestChecks(config.limits().maxHeaderCount()),
            observer,
            tunnelStart);
    ConnectionLimiter limiter = new ConnectionLimiter(config.limits().maxConnections(), observer);
    try {
      Channel listener =
          new ServerBootstrap()
              .group(acceptor, workers)
              .channel(transport.serverChannel())
              .option(ChannelOption.SO_BACKLOG, acceptQueue(config.limits().maxConnections()))
              .childOption(ChannelOption.AUTO_READ, false)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, Buffers.WATER_MARK)
              .childHandler(new ProxyInitializer(context, limiter, config.clients()))
              .bind(config.listen())
              .syncUninterruptibly()
              .channel();
      return new ProxyServer(transport, acceptor, workers, resolver, channels, listener);
    } catch (RuntimeException e) {
      resolver.close();
      acceptor.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      workers.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IOException("cannot listen on " + config.listen() + ": " + e.getMessage(), e);
    }
  }

  /**
   * Loads the socket implementation a server will use (Linux epoll's native library, or NIO), as
   * {@link #start} would: for a caller that has other work to do meanwhile, such as loading a long
   * blocklist on another thread.
   */
  public static void loadTransport() {
    Transport.best();
  }

  /** The bound address (useful when the config asked for port 0). */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  /** Client and upstream channels currently open; zero once every connection has ended. */
  public int openChannels() {
    return channels.size();
  }

  /** Stops listening, closes every connection and releases the event loops; waits for it. */
  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    channels.close().awaitUninterruptibly();
    resolver.close();
    acceptor.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
    workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /**
   * The length of the kernel's queue of connections not yet accepted: room for every client the
   * limits allow, arriving at once (a mix reconnecting its users after a restart, a load test).
   * When the queue is full the kernel drops the client's handshake ACK without telling it: the
   * client sends its request and waits for the retransmitted SYN-ACK, 1 s, then 3 s, then more.
   * Measured with 9,000 keep-alive clients at once and a queue of 1,024: over 4,000 overflows and
   * requests past wrk's 2 s timeout. Clients beyond {@code max-connections} are accepted too, to
   * hear 503 from the limiter. Linux caps the value at {@code net.core.somaxconn} (4,096 by default
   * since 5.4).
   */
  private static int acceptQueue(int maxConnections) {
    return Math.max(1024, maxConnections);
  }
}
