package org.exitfilter.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.util.concurrent.Future;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.policy.DestinationPolicy;

/**
 * The one place a client connection asks whether a destination may be reached and gets a channel to
 * it: the name before any lookup, a kept connection's address again on the current snapshot, and
 * the dial (resolve, check the addresses, connect). Every call into {@link DestinationGuard} and
 * {@link UpstreamDialer} from the request path is here. Every failure is a {@link ProxyException}
 * naming the one {@link ProxyError} the client will see.
 */
final class DestinationAccess {
  private final DestinationGuard guard;
  private final UpstreamDialer dialer;

  DestinationAccess(ServerContext context) {
    this.guard = context.guard();
    this.dialer = new UpstreamDialer(context);
  }

  /**
   * The policy's decision before any DNS: the CONNECT port, then the name (an IP literal's address
   * is judged when it is dialled).
   *
   * @throws ProxyException {@link ProxyError#BLOCKED} with the deciding rule, or {@link
   *     ProxyError#PORT_NOT_ALLOWED}
   */
  Verdict checkName(Matcher matcher, HostAndPort destination, DestinationPolicy.Access access)
      throws ProxyException {
    return guard.checkName(matcher, destination, access);
  }

  /**
   * Judges a kept connection's address again, on this request's snapshot: the list may have banned
   * it since the connection was opened. The policy's answer depends on nothing but the snapshot,
   * the name's verdict and the address (the destination is the connection's own), so when the first
   * two are the very objects the address was last allowed on, it is allowed again without asking: a
   * browser's requests over one kept connection make no decision objects. A reload brings a new
   * snapshot, which is asked.
   */
  void recheck(Matcher matcher, Verdict nameVerdict, UpstreamConnection kept)
      throws ProxyException {
    if (kept.allowedOn(matcher, nameVerdict)) {
      return;
    }
    guard.choose(matcher, nameVerdict, kept.address(), kept.destination());
    kept.allowed(matcher, nameVerdict);
  }

  /** Told the connected upstream channel. */
  interface Connected {
    void accept(Channel channel);
  }

  /** Told why the destination cannot be reached. */
  interface Refused {
    void accept(ProxyException e);
  }

  /**
   * Resolves, checks and connects on {@code client}'s event loop. Exactly one callback runs, on
   * that loop; once the client has gone, a connected channel is closed and {@code refused} is told.
   * The addresses are judged on the snapshot in force once the name has resolved, the name again
   * too if a reload replaced {@code matcher} meanwhile ({@link UpstreamDialer#dial}).
   */
  void dial(
      Channel client,
      HostAndPort destination,
      Matcher matcher,
      Verdict nameVerdict,
      DestinationPolicy.Access access,
      ChannelInitializer<Channel> pipeline,
      Connected connected,
      Refused refused) {
    dialer
        .dial(client.eventLoop(), destination, matcher, nameVerdict, access, pipeline)
        .addListener(
            (Future<Channel> dialled) -> {
              if (!client.isActive()) {
                if (dialled.isSuccess()) {
                  dialled.getNow().close();
                }
                refused.accept(
                    new ProxyException(ProxyError.DESTINATION_UNAVAILABLE, "client left"));
              } else if (dialled.isSuccess()) {
                connected.accept(dialled.getNow());
              } else {
                refused.accept(
                    dialled.cause() instanceof ProxyException e
                        ? e
                        : new ProxyException(
                            ProxyError.DESTINATION_UNAVAILABLE, "origin unreachable"));
              }
            });
  }
}
