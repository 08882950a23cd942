package org.exitfilter.testing;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

/**
 * A loopback listener that never answers a connection attempt: its accept queue is full, so the
 * kernel drops further SYNs. A silent destination for connect timeouts that never leaves loopback.
 */
public final class SilentListener implements AutoCloseable {
  private static final int MAX_QUEUED = 8;

  private final ServerSocket listener;
  private final List<Socket> queued = new ArrayList<>();

  private SilentListener(ServerSocket listener) {
    this.listener = listener;
  }

  /** Listens on {@code address} (a loopback address) and {@code port} (0: any), then fills up. */
  public static SilentListener start(String address, int port) throws IOException {
    ServerSocket socket = new ServerSocket(port, 1, InetAddress.getByName(address));
    SilentListener silent = new SilentListener(socket);
    try {
      silent.fillAcceptQueue();
    } catch (IOException | RuntimeException | Error e) {
      silent.close();
      throw e;
    }
    return silent;
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** Connects until a connection attempt goes unanswered. */
  private void fillAcceptQueue() throws IOException {
    InetSocketAddress address = (InetSocketAddress) listener.getLocalSocketAddress();
    for (int i = 0; i < MAX_QUEUED; i++) {
      Socket socket = new Socket();
      try {
        socket.connect(address, 200);
        queued.add(socket);
      } catch (IOException e) {
        socket.close();
        return;
      }
    }
    throw new AssertionError("the accept queue never filled: " + queued.size() + " connections");
  }

  @Override
  public void close() throws IOException {
    for (Socket socket : queued) {
      socket.close();
    }
    listener.close();
  }
}
