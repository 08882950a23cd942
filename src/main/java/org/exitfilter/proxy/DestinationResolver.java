package org.exitfilter.proxy;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.resolver.ResolvedAddressTypes;
import io.netty.resolver.dns.DnsAddressResolverGroup;
import io.netty.resolver.dns.DnsNameResolverBuilder;
import io.netty.resolver.dns.DnsNameResolverTimeoutException;
import io.netty.resolver.dns.DnsServerAddressStreamProviders;
import io.netty.resolver.dns.NoopAuthoritativeDnsServerCache;
import io.netty.resolver.dns.NoopDnsCnameCache;
import io.netty.resolver.dns.SingletonDnsServerAddressStreamProvider;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.net.Host;

/**
 * Resolves destination names asynchronously on the asking connection's event loop, with Netty's DNS
 * resolver and a bounded cache ({@link DnsAnswerCache}: answers kept for their TTL, at most a
 * minute, for at most ten thousand names). Uses the configured DNS server, or the system's resolver
 * configuration and hosts file, but never the system's search domains: the name looked up is
 * exactly the name the blocklist judged.
 *
 * <p>The one DNS component: the proxy resolves through it on its event loops, and {@code exitfilter
 * check} through {@link #standalone(ProxyConfig)} and {@link #lookup(Host)}, so both see the same
 * answers for the same name.
 */
public final class DestinationResolver implements AutoCloseable {
  private final DnsAddressResolverGroup group;
  // Only for a standalone resolver: the loop its blocking lookups run on, closed with it.
  private final EventLoopGroup ownLoop;

  DestinationResolver(Transport transport, InetSocketAddress server, long queryTimeoutMillis) {
    this(transport, server, queryTimeoutMillis, null);
  }

  private DestinationResolver(
      Transport transport,
      InetSocketAddress server,
      long queryTimeoutMillis,
      EventLoopGroup ownLoop) {
    this.ownLoop = ownLoop;
    DnsNameResolverBuilder builder =
        new DnsNameResolverBuilder()
            .datagramChannelType(transport.datagramChannel())
            .socketChannelType(transport.socketChannel())
            .resolvedAddressTypes(ResolvedAddressTypes.IPV4_PREFERRED)
            .queryTimeoutMillis(queryTimeoutMillis)
            // Answers kept bounded in names and time; CNAMEs and name servers not kept at all (the
            // exit's recursive resolver keeps them), so that no cache grows with what users ask.
            .resolveCache(new DnsAnswerCache())
            .cnameCache(NoopDnsCnameCache.INSTANCE)
            .authoritativeDnsServerCache(NoopAuthoritativeDnsServerCache.INSTANCE)
            // No search domains from /etc/resolv.conf: "intranet" must be looked up as the name
            // that was checked against the blocklist, never as intranet.<the exit's own domain>.
            .searchDomains(List.of())
            .nameServerProvider(
                server == null
                    ? DnsServerAddressStreamProviders.platformDefault()
                    : new SingletonDnsServerAddressStreamProvider(server));
    this.group = new DnsAddressResolverGroup(builder);
  }

  /**
   * The addresses of a host, in the resolver's order of preference; an IP literal resolves to
   * itself without a lookup. The future fails with a {@link ProxyException} (DNS error or timeout)
   * and always completes on {@code loop}.
   */
  Future<List<InetAddress>> resolve(EventLoop loop, Host host, int port) {
    Promise<List<InetAddress>> promise = loop.newPromise();
    if (host instanceof Host.Ip ip) {
      return promise.setSuccess(List.of(ip.address()));
    }
    group
        .getResolver(loop)
        .resolveAll(InetSocketAddress.createUnresolved(host.authority(), port))
        .addListener(
            (Future<List<InetSocketAddress>> done) -> {
              if (done.isSuccess()) {
                List<InetAddress> addresses = new ArrayList<>(done.getNow().size());
                for (InetSocketAddress address : done.getNow()) {
                  addresses.add(address.getAddress());
                }
                promise.setSuccess(addresses);
              } else if (done.cause() instanceof DnsNameResolverTimeoutException
                  || done.cause().getCause() instanceof DnsNameResolverTimeoutException) {
                promise.setFailure(new ProxyException(ProxyError.DNS_TIMEOUT, "DNS timed out"));
              } else {
                promise.setFailure(
                    new ProxyException(ProxyError.DNS_ERROR, "destination name not resolved"));
              }
            });
    return promise;
  }

  /**
   * A resolver with the proxy's settings for {@code config} (its {@code resolver:} and the query
   * timeout the proxy uses) and a thread of its own, for blocking {@link #lookup(Host)}s outside
   * the proxy. Close it when done.
   */
  public static DestinationResolver standalone(ProxyConfig config) {
    Transport transport = Transport.best();
    EventLoopGroup loop = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
    return new DestinationResolver(
        transport, config.resolver(), config.limits().connectTimeout().toMillis(), loop);
  }

  /**
   * The addresses of {@code host} as the proxy would get them, waiting for the answer; only for a
   * {@link #standalone(ProxyConfig)} resolver.
   *
   * @throws UnknownHostException when the name does not resolve or DNS timed out (the message says
   *     which)
   */
  public List<InetAddress> lookup(Host host) throws UnknownHostException {
    if (ownLoop == null) {
      throw new IllegalStateException("only a standalone resolver looks up while waiting");
    }
    Future<List<InetAddress>> answer = resolve(ownLoop.next(), host, 1).awaitUninterruptibly();
    if (answer.isSuccess()) {
      return answer.getNow();
    }
    throw new UnknownHostException(answer.cause().getMessage());
  }

  @Override
  public void close() {
    group.close();
    if (ownLoop != null) {
      ownLoop.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
  }
}
