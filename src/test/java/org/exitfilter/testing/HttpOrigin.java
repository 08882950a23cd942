package org.exitfilter.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.function.Consumer;

/**
 * A real HTTP/1.1 origin server on 127.0.0.1 and an ephemeral port, for end-to-end tests. It keeps
 * connections alive, counts connections and requests, and records every request head it receives so
 * a test can check what the proxy forwarded.
 *
 * <p>Endpoints (every method, any request body; HEAD gets the GET headers without a body; request
 * targets in origin-form or absolute-form):
 *
 * <ul>
 *   <li>{@code /} 200 with a short greeting ({@code "hello"}).
 *   <li>{@code /echo} 200, text: the request line, the headers as received, a blank line, then
 *       {@code body-bytes: N}.
 *   <li>{@code /bytes?n=N} 200 with N {@link BodyPattern} bytes and Content-Length, streamed.
 *   <li>{@code /chunked?n=N} the same with Transfer-Encoding: chunked.
 *   <li>{@code /close?n=N} the same delimited by closing the connection (no length, Connection:
 *       close).
 *   <li>{@code /half?n=N} Content-Length N, then N/2 bytes, then the connection closes.
 *   <li>{@code /upload} reads a body of any size as it streams in, then answers 200 with an {@link
 *       UploadReceipt}.
 *   <li>{@code /status/NNN} that status (200-599) with a tiny body (none for 204 and 304).
 *   <li>{@code /hang} reads the request and never answers.
 *   <li>{@code /reset} resets the connection (TCP RST) as soon as the request head is read.
 *   <li>{@code /abort?n=N} a body delimited by closing the connection, cut short: N/2 bytes, then a
 *       TCP RST (a close-delimited body cut by a FIN would look complete).
 *   <li>{@code /stall} reads the request head, then stops reading the connection for good and never
 *       answers: a client sending a body to it is held back by TCP. Reading nothing, it does not
 *       notice the client closing either: the connection stays open until the origin closes.
 *   <li>{@code /hop-by-hop} 200 with connection-specific response fields ({@code Connection:
 *       X-Hop}, {@code X-Hop}, {@code Keep-Alive}, {@code Upgrade}, {@code Proxy-Connection},
 *       {@code Proxy-Authenticate}) beside an end-to-end one ({@code X-End-To-End: kept}).
 *   <li>anything else: 404; a malformed {@code n}: 400; a malformed request: 400 and close.
 * </ul>
 *
 * <p>Bodies are generated chunk by chunk and only while the connection is writable, so a body of
 * any size costs a bounded amount of memory. Responses on one connection go out in request order.
 * HTTP/1.0 clients should not ask for {@code /chunked}.
 *
 * <p>Thread-safe: the accessors may be called from the test thread while the server runs.
 */
public final class HttpOrigin implements AutoCloseable {
  /** Write buffer bounds per connection: the streaming endpoints pause above the high mark. */
  static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(32 * 1024, 64 * 1024);

  private final EventLoopGroup group;
  private final ChannelGroup connections;
  private final Channel server;
  private final RequestLog requestLog = new RequestLog();

  private HttpOrigin(String name, String rootText, Consumer<ChannelPipeline> addTls) {
    group = Loopback.newGroup(name);
    connections = new DefaultChannelGroup(name, group.next());
    try {
      server =
          new ServerBootstrap()
              .group(group)
              .channel(NioServerSocketChannel.class)
              .childOption(ChannelOption.TCP_NODELAY, true)
              .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
              .childHandler(new OriginInitializer(requestLog, connections, rootText, addTls))
              .bind(new InetSocketAddress(Loopback.ADDRESS, 0))
              .syncUninterruptibly()
              .channel();
    } catch (RuntimeException e) {
      Loopback.shutdown(group);
      throw e;
    }
  }

  /** Starts an origin on 127.0.0.1 and an ephemeral port. */
  public static HttpOrigin start() {
    return new HttpOrigin("http-origin", "hello\n", null);
  }

  /** An origin whose connections start with the given TLS handlers (for {@link TlsOrigin}). */
  static HttpOrigin startWithTls(String rootText, Consumer<ChannelPipeline> addTls) {
    return new HttpOrigin("tls-origin", rootText, addTls);
  }

  /** The bound address, 127.0.0.1 and the ephemeral port. */
  public InetSocketAddress address() {
    return (InetSocketAddress) server.localAddress();
  }

  public int port() {
    return address().getPort();
  }

  /** {@code http://127.0.0.1:port} followed by {@code path}. */
  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + port() + path);
  }

  /** Connections accepted since the start. */
  public int acceptedConnections() {
    return requestLog.acceptedConnections();
  }

  /** Connections open right now. */
  public int openConnections() {
    return connections.size();
  }

  /** Request heads received since the start (including /hang and /reset). */
  public int requestCount() {
    return requestLog.requestCount();
  }

  /** The most recent request heads, oldest first (at most the last 1000). */
  public List<RecordedRequest> requests() {
    return requestLog.requests();
  }

  /**
   * The most recent request head.
   *
   * @throws AssertionError when none has arrived yet
   */
  public RecordedRequest lastRequest() {
    return requestLog.last();
  }

  /**
   * Requests received whole, head and body (for requests with a body: the body's end arrived). A
   * request whose body was cut off is counted by {@link #requestCount()} but not here.
   */
  public int completeRequests() {
    return requestLog.completeRequests();
  }

  /** Pattern body bytes generated so far, on all connections (for backpressure tests). */
  public long patternBytesGenerated() {
    return requestLog.patternBytes();
  }

  /** Pattern bodies waiting for a slow reader (for backpressure tests). */
  public int pausedStreams() {
    return requestLog.pausedStreams();
  }

  /** Closes every connection and the listener, and waits until the event loop has stopped. */
  @Override
  public void close() {
    if (!group.isShuttingDown()) {
      // Closed while their event loop still runs: a connection closed by the loop's shutdown
      // instead may fail its queued writes in a task the stopping loop never runs, and the
      // buffers of a paused pattern body then leak.
      connections.close().awaitUninterruptibly();
    }
    Loopback.shutdown(group, server);
  }
}
