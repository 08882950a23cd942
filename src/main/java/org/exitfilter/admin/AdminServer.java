package org.exitfilter.admin;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufOutputStream;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilter;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.exitfilter.net.IpNetwork;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin listener: {@code /metrics} (Prometheus text format), {@code /healthz} and {@code
 * /status} (JSON). Loopback by default, and only for the configured client networks otherwise; it
 * serves operators and monitoring, and runs on its own small event loop so a busy proxy cannot
 * starve it.
 */
public final class AdminServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(AdminServer.class);
  private static final ObjectMapper JSON =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private final EventLoopGroup group;
  private final Channel listener;

  private AdminServer(EventLoopGroup group, Channel listener) {
    this.group = group;
    this.listener = listener;
  }

  /**
   * Starts serving.
   *
   * @param clients the networks allowed to connect, as for the proxy; empty means any (the config
   *     loader allows that only on loopback)
   * @param status what {@code /status} shows; called per request, off the proxy's event loops
   * @throws IOException when the address cannot be listened on
   */
  public static AdminServer start(
      InetSocketAddress address,
      List<IpNetwork> clients,
      Metrics metrics,
      Supplier<Map<String, Object>> status)
      throws IOException {
    IpSubnetFilter clientFilter = clients.isEmpty() ? null : clientFilter(clients);
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    try {
      Channel listener =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childHandler(
                  new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      if (clientFilter != null) {
                        ch.pipeline().addLast(clientFilter);
                      }
                      ch.pipeline()
                          .addLast(new ReadTimeoutHandler(30))
                          .addLast(new HttpServerCodec())
                          .addLast(new HttpObjectAggregator(8 * 1024))
                          .addLast(new AdminHandler(metrics, status));
                    }
                  })
              .bind(address)
              .syncUninterruptibly()
              .channel();
      log.info("admin listening on {}", listener.localAddress());
      return new AdminServer(group, listener);
    } catch (RuntimeException e) {
      group.shutdownGracefully(0, 0, TimeUnit.SECONDS);
      throw new IOException("cannot listen on " + address + ": " + e.getMessage(), e);
    }
  }

  /** Rejects (closes at once) connections from outside the configured client networks. */
  private static IpSubnetFilter clientFilter(List<IpNetwork> clients) {
    IpSubnetFilterRule[] rules =
        clients.stream()
            .map(
                n -> new IpSubnetFilterRule(n.address(), n.prefixLength(), IpFilterRuleType.ACCEPT))
            .toArray(IpSubnetFilterRule[]::new);
    return new IpSubnetFilter(false, rules);
  }

  /** The address listened on, with the actual port when started on port 0. */
  public InetSocketAddress address() {
    return (InetSocketAddress) listener.localAddress();
  }

  @Override
  public void close() {
    listener.close().syncUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  /** Answers the three admin paths; anything else is 404, anything but GET or HEAD 405. */
  private static final class AdminHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private final Metrics metrics;
    private final Supplier<Map<String, Object>> status;
    private final PrometheusTextFormatWriter writer = PrometheusTextFormatWriter.create();

    AdminHandler(Metrics metrics, Supplier<Map<String, Object>> status) {
      this.metrics = metrics;
      this.status = status;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request)
        throws IOException {
      FullHttpResponse response;
      if (!request.decoderResult().isSuccess()) {
        response = text(ctx, HttpResponseStatus.BAD_REQUEST, "bad request\n");
      } else if (!request.method().equals(HttpMethod.GET)
          && !request.method().equals(HttpMethod.HEAD)) {
        response = text(ctx, HttpResponseStatus.METHOD_NOT_ALLOWED, "GET only\n");
        response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
      } else {
        response =
            switch (new QueryStringDecoder(request.uri()).path()) {
              case "/metrics" -> metrics(ctx);
              case "/healthz" -> text(ctx, HttpResponseStatus.OK, "ok\n");
              case "/status" -> json(ctx, status.get());
              default -> text(ctx, HttpResponseStatus.NOT_FOUND, "not found\n");
            };
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      HttpUtil.setKeepAlive(response, keepAlive);
      if (request.method().equals(HttpMethod.HEAD)) {
        response.content().clear();
      }
      var written = ctx.writeAndFlush(response);
      if (!keepAlive) {
        written.addListener(ChannelFutureListener.CLOSE);
      }
    }

    private FullHttpResponse metrics(ChannelHandlerContext ctx) throws IOException {
      ByteBuf body = ctx.alloc().buffer();
      try (OutputStream out = new ByteBufOutputStream(body)) {
        writer.write(out, metrics.registry().scrape());
      } catch (IOException | RuntimeException e) {
        body.release();
        throw e;
      }
      return response(HttpResponseStatus.OK, writer.getContentType(), body);
    }

    private static FullHttpResponse json(ChannelHandlerContext ctx, Map<String, Object> value)
        throws IOException {
      byte[] bytes = JSON.writeValueAsBytes(value);
      return response(
          HttpResponseStatus.OK,
          "application/json",
          ctx.alloc().buffer(bytes.length).writeBytes(bytes));
    }

    private static FullHttpResponse text(
        ChannelHandlerContext ctx, HttpResponseStatus status, String body) {
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      return response(
          status, "text/plain; charset=utf-8", ctx.alloc().buffer(bytes.length).writeBytes(bytes));
    }

    private static FullHttpResponse response(
        HttpResponseStatus status, String contentType, ByteBuf body) {
      FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, contentType);
      response.headers().set(HttpHeaderNames.CONTENT_LENGTH, body.readableBytes());
      response.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
      return response;
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
