import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Many idle keep-alive clients of a proxy (issue 9, point 5): opens N connections to the proxy on
 * loopback, sends one small GET through each (absolute form) and reads its response; then holds
 * every connection open and idle for a while, so that the proxy's memory per idle client
 * connection can be read from outside, and closes them.
 *
 * <p>A single-file program (JDK only, NIO, one thread): {@code java Idle.java 127.0.0.1:PORT
 * http://HOST:PORT/small HOST:PORT N HOLD_SECONDS DEADLINE_SECONDS}. It prints one line {@code
 * HELD ...} when every connection has its response (or at the deadline), and one line {@code
 * DONE ...} before it exits. Only loopback addresses are accepted; every phase is bounded in time.
 */
public final class Idle {
  /** At most this many connections being opened at once, so the proxy's accept queue keeps up. */
  private static final int IN_FLIGHT = 256;

  /** One client connection and what it has read so far. */
  static final class Client {
    final SocketChannel channel;
    final ByteBuffer request;
    final StringBuilder head = new StringBuilder();
    long bodyLeft = -1;
    int status;
    boolean done;
    boolean failed;

    Client(SocketChannel channel, ByteBuffer request) {
      this.channel = channel;
      this.request = request;
    }
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 6) {
      System.err.println("usage: Idle PROXY_HOST:PORT URL HOST N HOLD_SECONDS DEADLINE_SECONDS");
      System.exit(2);
    }
    String[] proxy = args[0].split(":");
    InetSocketAddress address = new InetSocketAddress(proxy[0], Integer.parseInt(proxy[1]));
    if (!address.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("loopback only: " + args[0]);
    }
    byte[] request = ("GET " + args[1] + " HTTP/1.1\r\nHost: " + args[2] + "\r\n\r\n")
        .getBytes(StandardCharsets.US_ASCII);
    int n = Integer.parseInt(args[3]);
    long holdNanos = Long.parseLong(args[4]) * 1_000_000_000L;
    long deadline = System.nanoTime() + Long.parseLong(args[5]) * 1_000_000_000L;

    List<Client> clients = new ArrayList<>(n);
    ByteBuffer buffer = ByteBuffer.allocate(16384);
    int opened = 0;
    int pending = 0;
    int ok = 0;
    int failed = 0;
    String firstError = "";
    long start = System.nanoTime();
    try (Selector selector = Selector.open()) {
      while (ok + failed < n && System.nanoTime() < deadline) {
        while (opened < n && pending < IN_FLIGHT) {
          Client c;
          try {
            SocketChannel ch = SocketChannel.open();
            ch.configureBlocking(false);
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            c = new Client(ch, ByteBuffer.wrap(request));
            clients.add(c);
            ch.connect(address);
            ch.register(selector, SelectionKey.OP_CONNECT, c);
          } catch (IOException e) {
            // Out of file descriptors or ports: count it, and stop opening more.
            failed += n - opened;
            firstError = firstError.isEmpty() ? "open: " + e : firstError;
            opened = n;
            break;
          }
          opened++;
          pending++;
        }
        selector.select(100);
        for (SelectionKey key : selector.selectedKeys()) {
          Client c = (Client) key.attachment();
          try {
            if (key.isConnectable()) {
              c.channel.finishConnect();
              key.interestOps(SelectionKey.OP_WRITE);
            } else if (key.isWritable()) {
              c.channel.write(c.request);
              if (!c.request.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ);
              }
            } else if (key.isReadable()) {
              buffer.clear();
              int read = c.channel.read(buffer);
              if (read < 0) {
                throw new IOException("closed before the end of the response");
              }
              buffer.flip();
              if (consume(c, buffer)) {
                c.done = true;
                key.interestOps(0);
                pending--;
                if (c.status == 200) {
                  ok++;
                } else {
                  c.failed = true;
                  failed++;
                  firstError = firstError.isEmpty() ? "status " + c.status + proxyStatus(c) : firstError;
                }
              }
            }
          } catch (IOException e) {
            key.cancel();
            c.channel.close();
            c.failed = true;
            failed++;
            pending--;
            firstError = firstError.isEmpty() ? e.toString() : firstError;
          }
        }
        selector.selectedKeys().clear();
      }
      long tookMs = (System.nanoTime() - start) / 1_000_000;
      System.out.printf("HELD ok=%d failed=%d unanswered=%d ms=%d first_error=%s%n", ok, failed,
          n - ok - failed, tookMs, firstError.isEmpty() ? "none" : firstError.replace(' ', '_'));
      System.out.flush();

      // Hold: every answered connection stays open and idle; a close by the proxy is counted.
      for (Client c : clients) {
        if (c.done && !c.failed) {
          c.channel.keyFor(selector).interestOps(SelectionKey.OP_READ);
        }
      }
      int closedByProxy = 0;
      long holdEnd = System.nanoTime() + holdNanos;
      while (System.nanoTime() < holdEnd) {
        selector.select(Math.max(1, (holdEnd - System.nanoTime()) / 1_000_000));
        for (SelectionKey key : selector.selectedKeys()) {
          Client c = (Client) key.attachment();
          buffer.clear();
          int read;
          try {
            read = c.channel.read(buffer);
          } catch (IOException e) {
            read = -1;
          }
          if (read < 0) {
            key.cancel();
            c.channel.close();
            closedByProxy++;
          }
        }
        selector.selectedKeys().clear();
      }
      System.out.printf("DONE still_open=%d closed_by_proxy_while_idle=%d%n", ok - closedByProxy,
          closedByProxy);
    } finally {
      for (Client c : clients) {
        try {
          c.channel.close();
        } catch (IOException ignored) {
          // closing anyway
        }
      }
    }
  }

  /** The Proxy-Status header of a response, which says why a proxy refused, or "". */
  private static String proxyStatus(Client c) {
    for (String line : c.head.toString().split("\r\n")) {
      if (line.regionMatches(true, 0, "proxy-status:", 0, 13)) {
        return " (" + line.substring(13).strip() + ")";
      }
    }
    return "";
  }

  /** Reads response bytes; true once the whole response (head and Content-Length body) is in. */
  private static boolean consume(Client c, ByteBuffer in) {
    while (in.hasRemaining()) {
      if (c.bodyLeft < 0) {
        c.head.append((char) (in.get() & 0xff));
        int end = c.head.indexOf("\r\n\r\n");
        if (end >= 0) {
          String head = c.head.toString();
          c.status = Integer.parseInt(head.substring(9, 12));
          c.bodyLeft = 0;
          for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).equalsIgnoreCase("content-length")) {
              c.bodyLeft = Long.parseLong(line.substring(colon + 1).strip());
            }
          }
        }
      } else {
        int take = (int) Math.min(c.bodyLeft, in.remaining());
        in.position(in.position() + take);
        c.bodyLeft -= take;
        if (c.bodyLeft == 0) {
          break;
        }
      }
    }
    return c.bodyLeft == 0;
  }
}
