package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

/**
 * Many kept-alive HTTP/1.1 connections to the proxy, all on one two-thread event loop group, so a
 * test holds thousands of them open for the price of a few buffers each instead of a thread each.
 * Requests on one connection are answered in order; a connection that ends fails the requests still
 * waiting on it.
 */
final class ConcurrencyClients implements AutoCloseable {
  private static final int MAX_RESPONSE = 64 * 1024;
  private static final int CONNECT_TIMEOUT_MILLIS = 5000;

  /** A response as the client saw it, the body decoded as UTF-8. */
  record Response(int status, String proxyStatus, String body) {}

  private final EventLoopGroup group =
      new MultiThreadIoEventLoopGroup(
          2, new DefaultThreadFactory("concurrency-clients", true), NioIoHandler.newFactory());
  private final Bootstrap bootstrap;

  ConcurrencyClients(InetSocketAddress proxy) {
    bootstrap =
        new Bootstrap()
            .group(group)
            .channel(NioSocketChannel.class)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
            .remoteAddress(proxy)
            .handler(
                new ChannelInitializer<SocketChannel>() {
                  @Override
                  protected void initChannel(SocketChannel channel) {
                    channel
                        .pipeline()
                        .addLast(new HttpClientCodec())
                        .addLast(new HttpObjectAggregator(MAX_RESPONSE))
                        .addLast(new Exchanges());
                  }
                });
  }

  /** Opens a connection to the proxy; completes once TCP has connected. */
  CompletableFuture<Connection> connect() {
    CompletableFuture<Connection> connected = new CompletableFuture<>();
    ChannelFuture connecting = bootstrap.connect();
    connecting.addListener(
        f -> {
          if (f.isSuccess()) {
            connected.complete(new Connection(connecting.channel()));
          } else {
            connected.completeExceptionally(f.cause());
          }
        });
    return connected;
  }

  /** Closes every connection still open and waits until the event loops have stopped. */
  @Override
  public void close() {
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** One kept-alive connection to the proxy. Thread-safe: requests may come from any thread. */
  static final class Connection {
    private final Channel channel;

    private Connection(Channel channel) {
      this.channel = channel;
    }

    /**
     * Sends {@code GET uri} in absolute form with a matching {@code Host}; completes with the
     * response, or fails when the connection ends first.
     */
    CompletableFuture<Response> get(String uri) {
      URI parsed = URI.create(uri);
      FullHttpRequest request =
          new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
      request.headers().set(HttpHeaderNames.HOST, parsed.getRawAuthority());
      CompletableFuture<Response> response = new CompletableFuture<>();
      // Queued before the write, so the response can never arrive to find no one waiting.
      channel.pipeline().get(Exchanges.class).waiting.add(response);
      channel
          .writeAndFlush(request)
          .addListener(
              f -> {
                if (!f.isSuccess()) {
                  response.completeExceptionally(f.cause());
                }
              });
      return response;
    }

    /** Whether the proxy has not closed it. */
    boolean isOpen() {
      return channel.isActive();
    }

    /** Closes the connection; completes once it is closed. */
    CompletableFuture<Void> close() {
      CompletableFuture<Void> closed = new CompletableFuture<>();
      channel.close().addListener(f -> closed.complete(null));
      return closed;
    }
  }

  /** Hands each response to the oldest waiting request; fails the rest when the connection ends. */
  private static final class Exchanges extends SimpleChannelInboundHandler<FullHttpResponse> {
    final Queue<CompletableFuture<Response>> waiting = new ConcurrentLinkedQueue<>();

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse msg) {
      Response response =
          new Response(
              msg.status().code(),
              msg.headers().get("Proxy-Status"),
              msg.content().toString(UTF_8));
      CompletableFuture<Response> next = waiting.poll();
      if (next == null) {
        throw new IllegalStateException("a response nobody asked for: " + response);
      }
      next.complete(response);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      failWaiting(new IOException("the proxy closed the connection"));
      ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      failWaiting(cause);
      ctx.close();
    }

    private void failWaiting(Throwable cause) {
      for (CompletableFuture<Response> next; (next = waiting.poll()) != null; ) {
        next.completeExceptionally(cause);
      }
    }
  }
}
