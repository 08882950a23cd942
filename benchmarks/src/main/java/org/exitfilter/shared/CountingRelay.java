package org.exitfilter.shared;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP relay on 127.0.0.1 that counts the bytes of every connection through it, both ways: what a
 * fetch costs on the wire (ref advertisement, negotiation and pack), which the server's pack
 * statistics leave out. One thread per direction; the benchmark runs its fetches one at a time.
 */
final class CountingRelay implements AutoCloseable {
  private final ServerSocket listener;
  private final int targetPort;
  private final AtomicLong toServer = new AtomicLong();
  private final AtomicLong toClient = new AtomicLong();
  private final AtomicLong connections = new AtomicLong();
  private final AtomicLong open = new AtomicLong();

  /** The bytes sent each way and the connections completed, since the relay started. */
  record Totals(long toServer, long toClient, long connections) {
    Totals minus(Totals before) {
      return new Totals(
          toServer - before.toServer, toClient - before.toClient, connections - before.connections);
    }
  }

  CountingRelay(int targetPort) throws IOException {
    this.targetPort = targetPort;
    this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(this::acceptLoop, "relay-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  int port() {
    return listener.getLocalPort();
  }

  /** The totals once every connection has closed (bounded: 10 s). */
  Totals settledTotals() throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (open.get() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(2);
    }
    return new Totals(toServer.get(), toClient.get(), connections.get());
  }

  private void acceptLoop() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Socket server = new Socket();
        server.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPort));
        open.incrementAndGet();
        AtomicInteger directions = new AtomicInteger(2);
        pump(client, server, toServer, directions);
        pump(server, client, toClient, directions);
      } catch (IOException e) {
        // closed, or the server refused: the client sees its connection close
      }
    }
  }

  /** Copies one direction; the last direction to end closes both sockets and counts them. */
  private void pump(Socket from, Socket to, AtomicLong counter, AtomicInteger directions) {
    Thread t =
        new Thread(
            () -> {
              byte[] buffer = new byte[64 * 1024];
              try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                int n;
                while ((n = in.read(buffer)) >= 0) {
                  out.write(buffer, 0, n);
                  counter.addAndGet(n);
                }
                to.shutdownOutput();
              } catch (IOException e) {
                // either side closed
              } finally {
                if (directions.decrementAndGet() == 0) {
                  closeQuietly(from);
                  closeQuietly(to);
                  connections.incrementAndGet();
                  open.decrementAndGet();
                }
              }
            },
            "relay-pump");
    t.setDaemon(true);
    t.start();
  }

  private static void closeQuietly(Socket socket) {
    try {
      socket.close();
    } catch (IOException e) {
      // already closed
    }
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }
}
