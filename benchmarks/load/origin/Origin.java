import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.DefaultFileRegion;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import java.io.File;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The load benchmark's origin when nginx is not installed: a one-thread Netty HTTP/1.1 server
 * with keep-alive, answering the same paths as the generated nginx.conf.
 *
 * <ul>
 *   <li>{@code /small}: 100 bytes from memory;
 *   <li>{@code /1m}, {@code /512m}: the files {@code 1m} and {@code 512m} of DIR, sent with
 *       sendfile (a FileRegion) and their Content-Length;
 *   <li>anything else: 404.
 * </ul>
 *
 * <p>Run it with the exitfilter jar on the class path (it carries Netty), as a single-file
 * program: {@code java -cp target/exitfilter.jar Origin.java 127.0.0.1 18080 DIR}. It binds the
 * given loopback addresses only and serves until killed.
 */
public final class Origin {
  /** 100 bytes, as nginx's /small: a line of text padded with dots. */
  static final byte[] SMALL = small("exitfilter load benchmark origin: a small response ");

  private static byte[] small(String text) {
    return (text + ".".repeat(99 - text.length()) + "\n").getBytes(StandardCharsets.US_ASCII);
  }

  public static void main(String[] args) throws Exception {
    if (args.length < 3) {
      System.err.println("usage: Origin ADDRESS[,ADDRESS...] PORT DIR");
      System.exit(2);
    }
    int port = Integer.parseInt(args[1]);
    File dir = new File(args[2]);
    boolean epoll = Epoll.isAvailable();
    // One loop: the origin shares its core with the load generator.
    EventLoopGroup group =
        new MultiThreadIoEventLoopGroup(
            1, epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory());
    Class<? extends ServerChannel> channel =
        epoll ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
    ServerBootstrap bootstrap =
        new ServerBootstrap()
            .group(group)
            .channel(channel)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .childOption(ChannelOption.TCP_NODELAY, true)
            .childHandler(
                new ChannelInitializer<Channel>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    ch.pipeline().addLast(new HttpServerCodec(), new Handler(dir));
                  }
                });
    for (String address : args[0].split(",")) {
      bootstrap.bind(new InetSocketAddress(address, port)).sync();
    }
    System.err.println(
        "origin listening on " + args[0] + " port " + port + (epoll ? " (epoll)" : " (nio)"));
    group.terminationFuture().sync();
  }

  static final class Handler extends SimpleChannelInboundHandler<HttpObject> {
    private final File dir;

    Handler(File dir) {
      this.dir = dir;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) throws IOException {
      // Request bodies (none are sent) are ignored; the answer goes out on the head.
      if (!(msg instanceof HttpRequest request)) {
        return;
      }
      boolean keepAlive = HttpUtil.isKeepAlive(request);
      boolean head = request.method().equals(HttpMethod.HEAD);
      String path = request.uri();
      int query = path.indexOf('?');
      if (query >= 0) {
        path = path.substring(0, query);
      }
      ChannelFuture last;
      if (path.equals("/small")) {
        last = ctx.writeAndFlush(full(HttpResponseStatus.OK, SMALL, head, keepAlive));
      } else if (path.equals("/1m") || path.equals("/512m")) {
        File file = new File(dir, path.substring(1));
        RandomAccessFile raf = new RandomAccessFile(file, "r");
        long length = raf.length();
        HttpResponse response =
            new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
        response.headers().set(HttpHeaderNames.CONTENT_LENGTH, length);
        closeIfNot(keepAlive, response);
        ctx.write(response);
        if (head) {
          raf.close();
        } else {
          ctx.write(new DefaultFileRegion(raf.getChannel(), 0, length));
        }
        last = ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
      } else {
        byte[] body = "not found\n".getBytes(StandardCharsets.US_ASCII);
        last = ctx.writeAndFlush(full(HttpResponseStatus.NOT_FOUND, body, head, keepAlive));
      }
      if (!keepAlive) {
        last.addListener(ChannelFutureListener.CLOSE);
      }
    }

    /** A whole response; a HEAD gets the same Content-Length and no body. */
    private static FullHttpResponse full(
        HttpResponseStatus status, byte[] body, boolean head, boolean keepAlive) {
      ByteBuf content = head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body);
      FullHttpResponse response =
          new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, content);
      response.headers().set(HttpHeaderNames.CONTENT_TYPE, HttpHeaderValues.TEXT_PLAIN);
      response.headers().setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
      closeIfNot(keepAlive, response);
      return response;
    }

    /** Says so when the connection closes after this response, as clients such as wrk expect. */
    private static void closeIfNot(boolean keepAlive, HttpResponse response) {
      if (!keepAlive) {
        response.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      ctx.close();
    }
  }
}
