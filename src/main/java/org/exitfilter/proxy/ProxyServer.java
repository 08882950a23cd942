package org.exitfilter.proxy;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.function.Supplier;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.match.Matcher;

/**
 * The running proxy: a listening socket, its event loops and the destination resolver.
 *
 * <p>Each new request asks {@code matchers} for the current blocklist snapshot once and decides on
 * that snapshot alone, so a reload never gives one request a mix of two lists.
 */
public final class ProxyServer implements AutoCloseable {

  /**
   * Binds the listener and starts serving.
   *
   * @param config the validated configuration
   * @param matchers the current blocklist snapshot, asked once per request
   * @throws IOException when the listen address cannot be bound or the block page cannot be read
   */
  public static ProxyServer start(ProxyConfig config, Supplier<Matcher> matchers)
      throws IOException {
    throw new UnsupportedOperationException("TODO");
  }

  /** The bound address (useful when the config asked for port 0). */
  public InetSocketAddress address() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Client and upstream channels currently open; zero once every connection has ended. */
  public int openChannels() {
    throw new UnsupportedOperationException("TODO");
  }

  /** Stops listening, closes every connection and releases the event loops; waits for it. */
  @Override
  public void close() {
    throw new UnsupportedOperationException("TODO");
  }
}
