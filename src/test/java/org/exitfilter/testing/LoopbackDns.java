package org.exitfilter.testing;

import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.dns.DatagramDnsQueryDecoder;
import io.netty.handler.codec.dns.DatagramDnsResponseEncoder;
import io.netty.handler.codec.dns.DnsQuery;
import io.netty.handler.codec.dns.DnsQuestion;
import io.netty.handler.codec.dns.TcpDnsQueryDecoder;
import io.netty.handler.codec.dns.TcpDnsResponseEncoder;
import io.netty.util.NetUtil;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A small authoritative DNS server on 127.0.0.1 and an ephemeral port, over UDP and TCP on the same
 * port number, for pointing the proxy's {@code resolver:} at. It knows only what a test tells it:
 *
 * <ul>
 *   <li>A and AAAA records from {@link #put(String, InetAddress...)} (IPv4 addresses answer A
 *       queries, IPv6 addresses AAAA queries);
 *   <li>TXT records from {@link #putTxt(String, String...)};
 *   <li>a name with records but none of the asked type gets an empty NOERROR answer; a name without
 *       any gets NXDOMAIN;
 *   <li>{@link #servfail(String)} makes a name answer SERVFAIL, {@link #drop(String)} makes its
 *       queries go unanswered (for resolver timeouts), {@link #hold(String)} keeps them until
 *       {@link #release(String)} answers them (a slow DNS server, for as long as a test needs).
 * </ul>
 *
 * <p>Names are matched case-insensitively, with or without the trailing dot. Records carry a TTL of
 * one second unless {@link #ttl(Duration)} says otherwise, so a changed record is seen quickly by a
 * caching resolver. Every query is counted per name, whatever its answer.
 *
 * <p>Thread-safe: records may change while the server answers.
 */
public final class LoopbackDns implements AutoCloseable {
  private static final int BIND_ATTEMPTS = 20;

  /** What the server does with the queries for one name. */
  enum Behaviour {
    ANSWER,
    SERVFAIL,
    DROP,
    HOLD
  }

  /** A query kept unanswered until {@link #release}; its query is retained until then. */
  record HeldQuery(ChannelHandlerContext ctx, DnsQuery query, DnsQuestion question, String name) {}

  private final List<HeldQuery> held = new ArrayList<>();

  private final Map<String, List<InetAddress>> addresses = new ConcurrentHashMap<>();
  private final Map<String, List<String>> texts = new ConcurrentHashMap<>();
  private final Map<String, Behaviour> behaviours = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> queryCounts = new ConcurrentHashMap<>();
  private final AtomicInteger totalQueries = new AtomicInteger();
  private volatile long ttlSeconds = 1;

  private final EventLoopGroup group;
  private final Channel udp;
  private final Channel tcp;

  private final DnsAnswerer answerer = new DnsAnswerer(this);

  private LoopbackDns() {
    group = Loopback.newGroup("loopback-dns");
    try {
      Channel[] bound = bindBoth(answerer);
      udp = bound[0];
      tcp = bound[1];
    } catch (RuntimeException e) {
      Loopback.shutdown(group);
      throw e;
    }
  }

  /** Starts a server with no records: every name is NXDOMAIN until {@link #put} says otherwise. */
  public static LoopbackDns start() {
    return new LoopbackDns();
  }

  /** UDP takes an ephemeral port; TCP then tries the same number, with fresh ports on clashes. */
  private Channel[] bindBoth(DnsAnswerer answerer) {
    Exception last = null;
    for (int attempt = 0; attempt < BIND_ATTEMPTS; attempt++) {
      Channel datagram =
          new Bootstrap()
              .group(group)
              .channel(NioDatagramChannel.class)
              .handler(
                  new ChannelInitializer<DatagramChannel>() {
                    @Override
                    protected void initChannel(DatagramChannel channel) {
                      channel
                          .pipeline()
                          .addLast(new DatagramDnsQueryDecoder())
                          .addLast(new DatagramDnsResponseEncoder())
                          .addLast(answerer);
                    }
                  })
              .bind(new InetSocketAddress(Loopback.ADDRESS, 0))
              .syncUninterruptibly()
              .channel();
      int port = ((InetSocketAddress) datagram.localAddress()).getPort();
      try {
        Channel stream =
            new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childHandler(
                    new ChannelInitializer<SocketChannel>() {
                      @Override
                      protected void initChannel(SocketChannel channel) {
                        channel
                            .pipeline()
                            .addLast(new TcpDnsQueryDecoder())
                            .addLast(new TcpDnsResponseEncoder())
                            .addLast(answerer);
                      }
                    })
                .bind(new InetSocketAddress(Loopback.ADDRESS, port))
                .syncUninterruptibly()
                .channel();
        return new Channel[] {datagram, stream};
      } catch (Exception e) {
        // The TCP port was taken by someone else; give the UDP port back and try another. Netty
        // rethrows the bind failure as it is: a java.net.BindException, which is checked.
        last = e;
        datagram.close().syncUninterruptibly();
      }
    }
    throw new IllegalStateException(
        "no port free for both UDP and TCP after " + BIND_ATTEMPTS + " attempts", last);
  }

  /** The server's address, the same for UDP and TCP. */
  public InetSocketAddress address() {
    return (InetSocketAddress) udp.localAddress();
  }

  public int port() {
    return address().getPort();
  }

  /**
   * Sets the A and AAAA records of {@code name}, replacing any before; no addresses leaves the name
   * existing without address records.
   */
  public LoopbackDns put(String name, InetAddress... records) {
    String key = normalize(name);
    addresses.put(key, List.of(records));
    behaviours.remove(key);
    return this;
  }

  /**
   * Sets the A and AAAA records of {@code name} from IP literals ({@code "127.0.0.1"}, {@code
   * "::1"}); never looks anything up.
   *
   * @throws IllegalArgumentException when a value is not an IP literal
   */
  public LoopbackDns put(String name, String... ipLiterals) {
    List<InetAddress> parsed = new ArrayList<>();
    for (String literal : ipLiterals) {
      byte[] bytes = NetUtil.createByteArrayFromIpAddressString(literal);
      if (bytes == null) {
        throw new IllegalArgumentException("not an IP literal: " + literal);
      }
      try {
        parsed.add(InetAddress.getByAddress(bytes));
      } catch (UnknownHostException e) {
        throw new IllegalArgumentException(literal, e);
      }
    }
    return put(name, parsed.toArray(InetAddress[]::new));
  }

  /** Sets the TXT records of {@code name}, one per value, replacing any before. */
  public LoopbackDns putTxt(String name, String... values) {
    String key = normalize(name);
    texts.put(key, List.of(values));
    behaviours.remove(key);
    return this;
  }

  /** Forgets every record of {@code name}: it becomes NXDOMAIN. */
  public LoopbackDns remove(String name) {
    String key = normalize(name);
    addresses.remove(key);
    texts.remove(key);
    behaviours.remove(key);
    return this;
  }

  /** Answers every query for {@code name} with SERVFAIL until it is {@link #put} again. */
  public LoopbackDns servfail(String name) {
    behaviours.put(normalize(name), Behaviour.SERVFAIL);
    return this;
  }

  /** Leaves every query for {@code name} unanswered until it is {@link #put} again. */
  public LoopbackDns drop(String name) {
    behaviours.put(normalize(name), Behaviour.DROP);
    return this;
  }

  /**
   * Keeps every query for {@code name} unanswered until {@link #release}, which answers them from
   * the records then: a DNS server that answers late, for as long as a test needs.
   */
  public LoopbackDns hold(String name) {
    behaviours.put(normalize(name), Behaviour.HOLD);
    return this;
  }

  /** Answers the queries held for {@code name}, and answers later ones at once. */
  public LoopbackDns release(String name) {
    String key = normalize(name);
    behaviours.remove(key);
    List<HeldQuery> due = new ArrayList<>();
    synchronized (held) {
      held.removeIf(q -> q.name().equals(key) && due.add(q));
    }
    for (HeldQuery q : due) {
      q.ctx().executor().execute(() -> answerer.answerHeld(q));
    }
    return this;
  }

  /** The TTL of the records in answers from now on (whole seconds; default one second). */
  public LoopbackDns ttl(Duration ttl) {
    ttlSeconds = ttl.toSeconds();
    return this;
  }

  /** Queries received for {@code name}, of any type and whatever the answer. */
  public int queries(String name) {
    AtomicInteger count = queryCounts.get(normalize(name));
    return count == null ? 0 : count.get();
  }

  /** Queries received for any name. */
  public int totalQueries() {
    return totalQueries.get();
  }

  // What DnsAnswerer asks, on the event loop.

  void counted(String name) {
    queryCounts.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet();
    totalQueries.incrementAndGet();
  }

  void held(HeldQuery query) {
    synchronized (held) {
      held.add(query);
    }
  }

  Behaviour behaviour(String name) {
    return behaviours.getOrDefault(name, Behaviour.ANSWER);
  }

  boolean exists(String name) {
    return addresses.containsKey(name) || texts.containsKey(name);
  }

  List<InetAddress> addresses(String name) {
    return addresses.getOrDefault(name, List.of());
  }

  List<String> texts(String name) {
    return texts.getOrDefault(name, List.of());
  }

  long ttlSeconds() {
    return ttlSeconds;
  }

  /** Lowercase, without the root label's dot: how names are keyed here. */
  static String normalize(String name) {
    String lower = name.toLowerCase(Locale.ROOT);
    return lower.endsWith(".") ? lower.substring(0, lower.length() - 1) : lower;
  }

  /** Stops answering on both ports and waits until the event loop has stopped. */
  @Override
  public void close() {
    Loopback.shutdown(group, udp, tcp);
    synchronized (held) {
      held.forEach(q -> q.query().release());
      held.clear();
    }
  }
}
