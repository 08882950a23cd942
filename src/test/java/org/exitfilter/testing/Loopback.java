package org.exitfilter.testing;

import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/** What the loopback servers share: the one address they bind, and their event loops. */
final class Loopback {
  /** 127.0.0.1, spelled out: {@code getLoopbackAddress()} may be ::1 on some hosts. */
  static final InetAddress ADDRESS = ipv4Loopback();

  private Loopback() {}

  /**
   * One event loop is plenty for a test server; daemon threads so a forgotten close never hangs.
   */
  static EventLoopGroup newGroup(String name) {
    return new MultiThreadIoEventLoopGroup(
        1, new DefaultThreadFactory(name, true), NioIoHandler.newFactory());
  }

  /**
   * Closes the listeners, then every other channel of the group, and waits until its thread has
   * ended, so that whatever the channels held is released before the test's leak check runs. No
   * quiet period: tests want it fast.
   *
   * <p>The listeners are closed first, on their own: the JDK frees a socket registered with a
   * selector only when the selector next runs, and a bare shutdown sometimes ends the event loop
   * without that, leaving the port accepting connections after close() returned. A test that stops
   * an origin to see the proxy fail to reach it needs the port closed.
   *
   * <p>Idempotent; not meant to race with itself.
   */
  static void shutdown(EventLoopGroup group, Channel... listeners) {
    if (group.isShuttingDown()) {
      // Closed before: close() is idempotent.
      group.terminationFuture().syncUninterruptibly();
      return;
    }
    for (Channel listener : listeners) {
      listener.close().syncUninterruptibly();
    }
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
  }

  private static InetAddress ipv4Loopback() {
    try {
      return InetAddress.getByAddress("localhost", new byte[] {127, 0, 0, 1});
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }
}
