package org.exitfilter.testing;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import io.netty.handler.ssl.SslProvider;
import java.net.InetSocketAddress;
import java.net.URI;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * A real TLS server on 127.0.0.1 and an ephemeral port: the {@link HttpOrigin} endpoints over
 * HTTPS, where {@code /} answers 200 {@code "hello over tls"}. It records the server names (SNI)
 * client hellos asked for and counts connections and completed handshakes, so a test can see what
 * reached the origin through a CONNECT tunnel.
 *
 * <p>The certificate is self-signed and names {@code localhost}, 127.0.0.1 and the names given to
 * {@link #start(String...)} (by default {@code allowed.test}) as subject alternative names, so the
 * JDK's hostname check passes for them: build a client with {@code
 * HttpClient.newBuilder().sslContext(origin.clientContext())} and request {@code
 * https://allowed.test:<port>/} through the proxy (the proxy resolves {@code allowed.test} with
 * {@link LoopbackDns}). For other names, either start the origin with them or run the JVM with
 * {@code -Djdk.internal.httpclient.disableHostnameVerification=true}, which the JDK client reads
 * once, when its first client is built.
 *
 * <p>The JDK client sends the URI's host as SNI, except for IP literals; use {@link
 * RawClient#startTls} to send any name, or none.
 */
public final class TlsOrigin implements AutoCloseable {
  /** The body of {@code GET /}. */
  public static final String HELLO = "hello over tls";

  private static final int MAX_RECORDED = 1000;

  private final TestCertificate certificate;
  private final SslContext serverContext;
  private final List<String> sniNames = new ArrayList<>();
  private final AtomicInteger handshakes = new AtomicInteger();
  private final AtomicInteger failedHandshakes = new AtomicInteger();
  private final HttpOrigin origin;

  private TlsOrigin(Set<String> names) {
    certificate = TestCertificate.forNames(names);
    try {
      serverContext =
          SslContextBuilder.forServer(certificate.key(), certificate.certificate())
              .sslProvider(SslProvider.JDK)
              .build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the server TLS context", e);
    }
    origin = HttpOrigin.startWithTls(HELLO, this::addTls);
  }

  /** Starts a TLS origin whose certificate names {@code localhost} and {@code allowed.test}. */
  public static TlsOrigin start() {
    return start("allowed.test");
  }

  /** Starts a TLS origin whose certificate names {@code localhost} and {@code names}. */
  public static TlsOrigin start(String... names) {
    Set<String> all = new LinkedHashSet<>(List.of(names));
    all.add("localhost");
    return new TlsOrigin(all);
  }

  private void addTls(ChannelPipeline pipeline) {
    pipeline.addLast("sni", new SniHandler(this::select));
    pipeline.addLast("handshake-counter", new HandshakeCounter());
  }

  /** Called by SniHandler with the ClientHello's server name, or null when it sent none. */
  private SslContext select(String hostname) {
    if (hostname != null) {
      synchronized (sniNames) {
        if (sniNames.size() == MAX_RECORDED) {
          sniNames.remove(0);
        }
        sniNames.add(hostname);
      }
    }
    return serverContext;
  }

  /** Counts handshakes as SslHandler reports them; passes every event on. */
  private final class HandshakeCounter extends ChannelInboundHandlerAdapter {
    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent completion) {
        (completion.isSuccess() ? handshakes : failedHandshakes).incrementAndGet();
      }
      ctx.fireUserEventTriggered(evt);
    }
  }

  public InetSocketAddress address() {
    return origin.address();
  }

  public int port() {
    return origin.port();
  }

  /** {@code https://host:port} followed by {@code path}. */
  public URI uri(String host, String path) {
    return URI.create("https://" + host + ":" + port() + path);
  }

  /** The DNS names the certificate is valid for. */
  public Set<String> certificateNames() {
    return certificate.names();
  }

  public X509Certificate certificate() {
    return certificate.certificate();
  }

  /** A client context that trusts this origin's certificate (and nothing else). */
  public SSLContext clientContext() {
    return certificate.clientContext();
  }

  /**
   * The server names client hellos asked for, oldest first, as Netty's SniHandler read them
   * (lowercase ASCII); hellos without SNI add nothing.
   */
  public List<String> sniNames() {
    synchronized (sniNames) {
      return List.copyOf(sniNames);
    }
  }

  /** TCP connections accepted. */
  public int acceptedConnections() {
    return origin.acceptedConnections();
  }

  /** Connections open right now. */
  public int openConnections() {
    return origin.openConnections();
  }

  /** TLS handshakes completed successfully. */
  public int handshakes() {
    return handshakes.get();
  }

  /** TLS handshakes that failed (e.g. the client did not trust the certificate). */
  public int failedHandshakes() {
    return failedHandshakes.get();
  }

  /** HTTP requests received over TLS. */
  public int requestCount() {
    return origin.requestCount();
  }

  public List<RecordedRequest> requests() {
    return origin.requests();
  }

  /**
   * The most recent request head.
   *
   * @throws AssertionError when none has arrived yet
   */
  public RecordedRequest lastRequest() {
    return origin.lastRequest();
  }

  @Override
  public void close() {
    origin.close();
  }
}
