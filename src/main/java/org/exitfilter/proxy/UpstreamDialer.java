package org.exitfilter.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;
import io.netty.util.concurrent.Promise;
import io.netty.util.concurrent.ScheduledFuture;
import java.lang.ref.WeakReference;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.exitfilter.match.Matcher;
import org.exitfilter.match.Verdict;
import org.exitfilter.net.HostAndPort;
import org.exitfilter.policy.DestinationPolicy;

/**
 * Opens the upstream connection for a destination whose name has passed: resolves it, asks the
 * policy which addresses may be dialled ({@link DestinationGuard#choose}) and connects to them the
 * way browsers do (RFC 8305, Happy Eyeballs v2), all on the client connection's event loop so that
 * the connections share one thread and need no lock.
 *
 * <p>The addresses are tried in the policy's order (families interleaved, IPv6 first). Each next
 * attempt starts {@value #CONNECTION_ATTEMPT_DELAY_MILLIS} ms after the previous one, without
 * waiting for it to fail, or at once when it fails. The first connection to succeed wins and every
 * other attempt is closed. The connect timeout bounds the whole dial, not each attempt. Only
 * addresses the policy allowed are ever dialled.
 */
final class UpstreamDialer {
  /** RFC 8305 §5: the recommended delay between the starts of two connection attempts. */
  static final long CONNECTION_ATTEMPT_DELAY_MILLIS = 250;

  private final ServerContext context;

  UpstreamDialer(ServerContext context) {
    this.context = context;
  }

  /**
   * Completes on {@code loop} with the connected channel, or fails with a {@link ProxyException}
   * naming what went wrong (DNS, the name banned by a list a reload brought meanwhile, an address
   * refused, connect refused or timed out; with several addresses, the failure of the last one
   * tried).
   *
   * <p>The addresses are judged on the snapshot in force once the name has resolved. While it
   * resolves (up to the connect timeout, when a DNS server does not answer) {@code matcher} is held
   * only weakly: a request waiting on DNS must not keep a list that a reload has replaced, or a few
   * edits in a row would hold as many whole lists (with a million bans some 50 MB each) as there
   * are edits. When a reload did come, the name is judged again on the new snapshot first, so that
   * the name and its addresses are always decided on one list.
   *
   * @param matcher the snapshot {@code nameVerdict} was decided on
   * @param access how the destination is reached, for judging the name again
   */
  Future<Channel> dial(
      EventLoop loop,
      HostAndPort destination,
      Matcher matcher,
      Verdict nameVerdict,
      DestinationPolicy.Access access,
      ChannelInitializer<Channel> pipeline) {
    Promise<Channel> promise = loop.newPromise();
    WeakReference<Matcher> judgedOn = new WeakReference<>(matcher);
    context
        .resolver()
        .resolve(loop, destination.host(), destination.port())
        .addListener(
            (Future<List<InetAddress>> resolved) -> {
              if (!resolved.isSuccess()) {
                promise.setFailure(asProxyException(resolved.cause()));
                return;
              }
              List<InetAddress> addresses;
              try {
                Matcher now = context.matchers().get();
                Verdict verdict =
                    now == judgedOn.get()
                        ? nameVerdict
                        : context.guard().checkName(now, destination, access);
                addresses = context.guard().choose(now, verdict, resolved.getNow(), destination);
              } catch (ProxyException e) {
                promise.setFailure(e);
                return;
              }
              new Attempts(loop, addresses, destination.port(), pipeline, promise).start();
            });
    return promise;
  }

  /** One dial's connection attempts; lives on {@code loop} only, so its fields need no lock. */
  private final class Attempts {
    private final EventLoop loop;
    private final List<InetAddress> addresses;
    private final int port;
    private final ChannelInitializer<Channel> pipeline;
    private final Promise<Channel> promise;
    private final List<Channel> inFlight = new ArrayList<>(2);
    private int next;
    private ScheduledFuture<?> nextAttempt;
    private ScheduledFuture<?> deadline;
    private ProxyException lastFailure;

    Attempts(
        EventLoop loop,
        List<InetAddress> addresses,
        int port,
        ChannelInitializer<Channel> pipeline,
        Promise<Channel> promise) {
      this.loop = loop;
      this.addresses = addresses;
      this.port = port;
      this.pipeline = pipeline;
      this.promise = promise;
    }

    void start() {
      deadline =
          loop.schedule(
              this::timedOut, context.limits().connectTimeout().toMillis(), TimeUnit.MILLISECONDS);
      startNext();
    }

    private void startNext() {
      if (nextAttempt != null) {
        nextAttempt.cancel(false);
        nextAttempt = null;
      }
      if (promise.isDone() || next == addresses.size()) {
        return;
      }
      ChannelFuture attempt =
          connect(loop, new InetSocketAddress(addresses.get(next++), port), pipeline);
      inFlight.add(attempt.channel());
      if (next < addresses.size()) {
        nextAttempt =
            loop.schedule(this::startNext, CONNECTION_ATTEMPT_DELAY_MILLIS, TimeUnit.MILLISECONDS);
      }
      attempt.addListener((ChannelFuture f) -> attemptDone(f));
    }

    private void attemptDone(ChannelFuture attempt) {
      Channel channel = attempt.channel();
      inFlight.remove(channel);
      if (attempt.isSuccess()) {
        if (promise.trySuccess(channel)) {
          finish();
        } else {
          channel.close(); // another attempt won, or the dial timed out
        }
        return;
      }
      channel.close();
      lastFailure = connectFailure(attempt.cause());
      if (promise.isDone()) {
        return;
      }
      if (next < addresses.size()) {
        startNext();
      } else if (inFlight.isEmpty()) {
        promise.tryFailure(lastFailure);
        finish();
      }
    }

    private void timedOut() {
      if (promise.tryFailure(
          new ProxyException(ProxyError.CONNECTION_TIMEOUT, "connection to origin timed out"))) {
        finish();
      }
    }

    /** The dial is decided: no more attempts, and the ones still connecting are closed. */
    private void finish() {
      if (nextAttempt != null) {
        nextAttempt.cancel(false);
      }
      deadline.cancel(false);
      for (Channel channel : inFlight) {
        channel.close();
      }
      inFlight.clear();
    }
  }

  private ChannelFuture connect(
      EventLoop loop, InetSocketAddress address, ChannelInitializer<Channel> pipeline) {
    return new Bootstrap()
        .group(loop)
        .channel(context.transport().socketChannel())
        .option(ChannelOption.AUTO_READ, false)
        .option(ChannelOption.TCP_NODELAY, true)
        .option(ChannelOption.WRITE_BUFFER_WATER_MARK, Buffers.WATER_MARK)
        .option(
            ChannelOption.CONNECT_TIMEOUT_MILLIS,
            (int) context.limits().connectTimeout().toMillis())
        .handler(pipeline)
        .connect(address);
  }

  private static ProxyException asProxyException(Throwable cause) {
    return cause instanceof ProxyException e
        ? e
        : new ProxyException(ProxyError.DNS_ERROR, "destination name not resolved");
  }

  private static ProxyException connectFailure(Throwable cause) {
    if (cause instanceof ConnectTimeoutException) {
      return new ProxyException(ProxyError.CONNECTION_TIMEOUT, "connection to origin timed out");
    }
    String message = cause.getMessage();
    // Native transports report ECONNREFUSED as a ConnectException with the errno text.
    if (cause instanceof ConnectException
        && message != null
        && message.toLowerCase(Locale.ROOT).contains("refused")) {
      return new ProxyException(ProxyError.CONNECTION_REFUSED, "origin refused the connection");
    }
    return new ProxyException(ProxyError.DESTINATION_UNAVAILABLE, "origin unreachable");
  }
}
