package org.exitfilter.notice;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.stream.ChunkedWriteHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.exitfilter.config.Limits;
import org.exitfilter.config.NoticeConfig;
import org.exitfilter.proxy.ProxyPages;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exit notice listener: the pages of {@link NoticeConfig} on the exit's public addresses. It
 * serves anyone (no {@code clients:} list: it only ever shows these pages), on its own small event
 * loop so that visitors cannot starve the proxy, under the proxy's connection limit and header
 * timeout, one request per connection. It logs and counts nothing about visitors.
 */
public final class NoticeServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NoticeServer.class);
  private static final int MAX_BODY = 1024;

  /** The name of the notice's one event-loop thread (with a number), as thread dumps show it. */
  static final String THREAD_NAME = "exitfilter-notice";

  static final String LIMITER = "notice-limiter";
  static final String IDLE = "notice-idle";
  static final String DEADLINES = "notice-deadlines";
  static final String CODEC = "notice-codec";
  static final String AGGREGATOR = "notice-aggregator";
  static final String CHUNKED = "notice-chunked";
  static final String HANDLER = "notice-handler";

  private final NoticeConfig config;
  private final NoticePages pages;
  private final EventLoopGroup group;
  private final List<Channel> listeners;

  private NoticeServer(
      NoticeConfig config, NoticePages pages, EventLoopGroup group, List<Channel> listeners) {
    this.config = config;
    this.pages = pages;
    this.group = group;
    this.listeners = listeners;
  }

  /**
   * Checks every template, then listens on every address of {@code config.listen()}.
   *
   * @throws NoticeTemplateException naming every broken override as file:line; nothing is listening
   *     then
   * @throws IOException when an address cannot be listened on or the PGP key cannot be read
   */
  public static NoticeServer start(
      NoticeConfig config, Limits limits, PublishedBans bans, Clock clock)
      throws NoticeTemplateException, IOException {
    NoticePages pages =
        new NoticePages(
            config, NoticeTemplates.load(config.templates(), config.languages()), bans, clock);
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, new DefaultThreadFactory(THREAD_NAME, true), NioIoHandler.newFactory());
    AtomicInteger open = new AtomicInteger();
    NoticeBudget budget = new NoticeBudget();
    List<Channel> listeners = new ArrayList<>();
    try {
      for (InetSocketAddress address : config.listen()) {
        Channel listener =
            new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(
                    new ChannelInitializer<>() {
                      @Override
                      protected void initChannel(Channel ch) {
                        addHandlers(ch.pipeline(), limits, open, pages, budget);
                      }
                    })
                .bind(address)
                .syncUninterruptibly()
                .channel();
        listeners.add(listener);
        log.info("notice listening on {}", listener.localAddress());
      }
      pages.bound((InetSocketAddress) listeners.get(0).localAddress());
      return new NoticeServer(config, pages, group, listeners);
    } catch (RuntimeException e) {
      listeners.forEach(Channel::close);
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IOException("notice: cannot listen: " + e.getMessage(), e);
    }
  }

  /** The only place that builds a notice connection's pipeline. */
  private static void addHandlers(
      ChannelPipeline pipeline,
      Limits limits,
      AtomicInteger open,
      NoticePages pages,
      NoticeBudget budget) {
    pipeline.addLast(LIMITER, new ConnectionLimit(open, limits.maxConnections()));
    pipeline.addLast(
        IDLE, new IdleStateHandler(0, 0, limits.idleTimeout().toMillis(), TimeUnit.MILLISECONDS));
    pipeline.addLast(
        CODEC,
        new HttpServerCodec(limits.maxRequestLineLength(), limits.maxHeaderSize(), 8 * 1024));
    pipeline.addLast(AGGREGATOR, new HttpObjectAggregator(MAX_BODY));
    // after the aggregator: it sees the request once whole
    pipeline.addLast(DEADLINES, new Deadlines(limits.headerTimeout().toMillis()));
    pipeline.addLast(CHUNKED, new ChunkedWriteHandler());
    pipeline.addLast(HANDLER, new NoticeHandler(pages, budget));
  }

  /**
   * Reads the templates again (on SIGHUP). A broken override is logged as file:line and the
   * templates in use keep serving.
   *
   * @return whether the new templates are in use
   */
  public boolean reloadTemplates() {
    try {
      pages.replaceTemplates(NoticeTemplates.load(config.templates(), config.languages()));
      log.info("notice templates reloaded");
      return true;
    } catch (NoticeTemplateException e) {
      e.problems().forEach(p -> log.error("{}", p));
      log.error("notice templates refused; the previous templates keep serving");
      return false;
    }
  }

  /**
   * The notice's pages for the proxy's clients: the notice for a request addressed to the proxy,
   * and the localized block page linking to the ban's entry on this listener's {@code /bans}.
   */
  public ProxyPages proxyPages() {
    return new NoticeProxyPages(pages);
  }

  /** The addresses listened on, with the actual ports when started on port 0. */
  public List<InetSocketAddress> addresses() {
    return listeners.stream().map(c -> (InetSocketAddress) c.localAddress()).toList();
  }

  @Override
  public void close() {
    listeners.forEach(c -> c.close().syncUninterruptibly());
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Closes a connection beyond {@code max} open at once, before it is read. */
  private static final class ConnectionLimit extends ChannelInboundHandlerAdapter {
    private final AtomicInteger open;
    private final int max;
    private boolean counted;

    ConnectionLimit(AtomicInteger open, int max) {
      this.open = open;
      this.max = max;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      if (open.incrementAndGet() > max) {
        open.decrementAndGet();
        ctx.close();
        return;
      }
      counted = true;
      super.channelActive(ctx);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      if (counted) {
        counted = false;
        open.decrementAndGet();
      }
      super.channelInactive(ctx);
    }
  }

  /**
   * Closes a connection whose request has not arrived whole within the header timeout, and one on
   * which nothing moved for the idle timeout (a visitor that stops reading {@code /bans.json}).
   */
  private static final class Deadlines extends ChannelInboundHandlerAdapter {
    private final long headerMillis;
    private ScheduledFuture<?> head;

    Deadlines(long headerMillis) {
      this.headerMillis = headerMillis;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      head = ctx.executor().schedule(() -> ctx.close(), headerMillis, TimeUnit.MILLISECONDS);
      super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
      cancel();
      super.channelRead(ctx, msg);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object event) throws Exception {
      if (event instanceof IdleStateEvent) {
        ctx.close();
        return;
      }
      super.userEventTriggered(ctx, event);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
      cancel();
      super.channelInactive(ctx);
    }

    private void cancel() {
      if (head != null) {
        head.cancel(false);
        head = null;
      }
    }
  }
}
