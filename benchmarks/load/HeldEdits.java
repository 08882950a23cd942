import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Edits of the blocklist while connections judged on earlier lists stay open: the proxy must be
 * able to let each replaced list go, or every edit adds a whole list to its heap (with a million
 * bans about 50 MB) until it runs out. Before each edit it opens one more CONNECT tunnel to the
 * origin (a GET through it) and one more keep-alive client (two GETs in absolute form, so the
 * second reuses the kept upstream connection), and holds all of them. Each edit appends a new name
 * to the list file in place, as an operator's editor would, and waits until a request for that name
 * gets 403. After each edit it prints the proxy's RSS; at the end, whether every held connection
 * still answers.
 *
 * <p>A single-file program (JDK only, blocking sockets, one thread): {@code java HeldEdits.java
 * 127.0.0.1:PROXY_PORT ORIGIN_HOST:PORT LIST_FILE PROXY_PID EDITS TIMEOUT_SECONDS}. Prints {@code
 * EDIT k ms=... rss_kib=... held=...} per edit ({@code ms=-1} when the 403 did not come within the
 * timeout) and {@code DONE edits=... answered=.../...} at the end, or {@code FAILED ...
 * rss_kib=gone} when the proxy died. Only loopback addresses are accepted; every wait is bounded.
 */
public final class HeldEdits {
  private static final int READ_TIMEOUT_MS = 2000;

  /**
   * How long a poll for the edited name waits: until the ban applies, the proxy asks a DNS server
   * that does not answer (lean.sh's resolver is 127.0.0.1:9), so a poll ends only by this timeout.
   */
  private static final int POLL_TIMEOUT_MS = 200;

  public static void main(String[] args) throws Exception {
    if (args.length != 6) {
      System.err.println(
          "usage: HeldEdits PROXY_HOST:PORT ORIGIN_HOST:PORT LIST_FILE PID EDITS TIMEOUT_SECONDS");
      System.exit(2);
    }
    String[] proxyParts = args[0].split(":");
    InetSocketAddress proxy =
        new InetSocketAddress(proxyParts[0], Integer.parseInt(proxyParts[1]));
    if (!proxy.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("loopback only: " + args[0]);
    }
    String origin = args[1];
    Path list = Path.of(args[2]);
    String pid = args[3];
    int edits = Integer.parseInt(args[4]);
    long timeoutNanos = Long.parseLong(args[5]) * 1_000_000_000L;

    List<Socket> tunnels = new ArrayList<>();
    List<Socket> keptAlive = new ArrayList<>();
    try {
      for (int k = 1; k <= edits; k++) {
        tunnels.add(tunnel(proxy, origin));
        Socket client = open(proxy);
        for (int request = 0; request < 2; request++) {
          expect(200, get(client, "http://" + origin + "/small", origin));
        }
        keptAlive.add(client);

        String name = "held-edit-" + k + "-" + ProcessHandle.current().pid() + ".lean.test";
        long start = System.nanoTime();
        Files.writeString(list, name + "\n", StandardOpenOption.APPEND);
        long ms = -1;
        while (System.nanoTime() - start < timeoutNanos) {
          if (statusOfOneGet(proxy, name) == 403) {
            ms = (System.nanoTime() - start) / 1_000_000;
            break;
          }
          Thread.sleep(50);
        }
        System.out.printf(
            "EDIT %d ms=%d rss_kib=%s held=%d%n",
            k, ms, rssKib(pid), tunnels.size() + keptAlive.size());
      }
      int answered = 0;
      for (Socket tunnel : tunnels) {
        answered += get(tunnel, "/small", origin) == 200 ? 1 : 0;
      }
      for (Socket client : keptAlive) {
        answered += get(client, "http://" + origin + "/small", origin) == 200 ? 1 : 0;
      }
      System.out.printf(
          "DONE edits=%d answered=%d/%d rss_kib=%s%n",
          edits, answered, tunnels.size() + keptAlive.size(), rssKib(pid));
    } catch (IOException e) {
      // rss_kib=gone when the proxy's process has ended, e.g. out of heap.
      System.out.printf("FAILED %s rss_kib=%s%n", e, rssKib(pid));
    } finally {
      for (Socket s : tunnels) {
        s.close();
      }
      for (Socket s : keptAlive) {
        s.close();
      }
    }
  }

  private static Socket open(InetSocketAddress proxy) throws IOException {
    Socket socket = new Socket();
    socket.connect(proxy, READ_TIMEOUT_MS);
    socket.setSoTimeout(READ_TIMEOUT_MS);
    return socket;
  }

  /** A CONNECT tunnel to the origin that has carried one GET. */
  private static Socket tunnel(InetSocketAddress proxy, String origin) throws IOException {
    Socket socket = open(proxy);
    write(socket, "CONNECT " + origin + " HTTP/1.1\r\nHost: " + origin + "\r\n\r\n");
    expect(200, readHead(socket.getInputStream()).status);
    expect(200, get(socket, "/small", origin));
    return socket;
  }

  /** The status of one GET for {@code name} on a new connection; 0 when none came in time. */
  private static int statusOfOneGet(InetSocketAddress proxy, String name) throws IOException {
    try (Socket socket = open(proxy)) {
      socket.setSoTimeout(POLL_TIMEOUT_MS);
      return get(socket, "http://" + name + "/small", name);
    } catch (SocketTimeoutException e) {
      return 0;
    }
  }

  /** One GET over {@code socket}, its body read; the status. */
  private static int get(Socket socket, String target, String host) throws IOException {
    write(socket, "GET " + target + " HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
    InputStream in = socket.getInputStream();
    Head head = readHead(in);
    if (head.contentLength > 0) {
      in.readNBytes(head.contentLength);
    }
    return head.status;
  }

  private static void write(Socket socket, String text) throws IOException {
    OutputStream out = socket.getOutputStream();
    out.write(text.getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private record Head(int status, int contentLength) {}

  private static Head readHead(InputStream in) throws IOException {
    StringBuilder head = new StringBuilder();
    while (!head.toString().endsWith("\r\n\r\n")) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("connection closed in a response head: " + head);
      }
      head.append((char) b);
      if (head.length() > 64 * 1024) {
        throw new IOException("response head too long");
      }
    }
    String[] lines = head.toString().split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    int length = 0;
    for (String line : lines) {
      int colon = line.indexOf(':');
      if (colon > 0 && line.substring(0, colon).trim().equalsIgnoreCase("Content-Length")) {
        length = Integer.parseInt(line.substring(colon + 1).trim());
      }
    }
    return new Head(status, length);
  }

  private static void expect(int wanted, int status) throws IOException {
    if (status != wanted) {
      throw new IOException("expected " + wanted + ", got " + status);
    }
  }

  private static String rssKib(String pid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", pid, "status"))) {
        if (line.startsWith("VmRSS:")) {
          return line.replaceAll("[^0-9]", "");
        }
      }
    } catch (IOException e) {
      return "gone";
    }
    return "unknown";
  }
}
