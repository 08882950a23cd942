import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * How long a proxy takes to apply a list edit (issue 9, reload): from a given moment, opens a new
 * connection through the proxy every INTERVAL_MS and sends one GET for a name just added to the
 * list, until the first response 403 arrives; prints the milliseconds from that moment to it.
 *
 * <p>It replaces a poller that forked a subshell and a curl per poll: on a 2-core machine each poll
 * cost about 150 ms of CPU, taken from the very reload being timed, so that it managed 3 or 4 polls
 * a second rather than 50, and each figure carried a curl start-up. Here one JVM, started and warmed up before the edit, does every poll on one thread
 * (NIO), so that a poll costs a socket and a few hundred bytes.
 *
 * <p>{@code java ReloadPoll.java 127.0.0.1:PORT URL HOST INTERVAL_MS PER_POLL_S TIMEOUT_S}. It
 * sends one request at once and prints {@code READY <status>} (the status before the edit, which
 * should not be 403), then waits for one line on standard input: the wall-clock time of the edit in
 * epoch milliseconds (empty: now; end of input: exit). It polls from then on and prints one line
 * {@code RESULT ms=<ms from the edit to the first 403, or empty> polls=<n> last=<status of the last
 * poll that ended> codes=<status:count ...>}. Until the edit applies, a poll may wait (on the
 * proxy's name lookup) up to PER_POLL_S, so polls overlap; each is closed at that bound and counted
 * as 000. Only loopback addresses are accepted; the whole run is bounded by TIMEOUT_S from the
 * edit.
 */
public final class ReloadPoll {
  /** One poll: its connection and the start of its response. */
  static final class Poll {
    final SocketChannel channel;
    final ByteBuffer request;
    final long deadline;
    final StringBuilder head = new StringBuilder();

    Poll(SocketChannel channel, ByteBuffer request, long deadline) {
      this.channel = channel;
      this.request = request;
      this.deadline = deadline;
    }
  }

  private final InetSocketAddress proxy;
  private final byte[] request;
  private final long perPollNanos;
  private final ByteBuffer buffer = ByteBuffer.allocate(4096);
  private final int[] codes = new int[1000]; // status -> count; 0 for none
  private int lastCode = -1;

  ReloadPoll(InetSocketAddress proxy, byte[] request, long perPollNanos) {
    this.proxy = proxy;
    this.request = request;
    this.perPollNanos = perPollNanos;
  }

  public static void main(String[] args) throws IOException {
    if (args.length != 6) {
      System.err.println(
          "usage: ReloadPoll PROXY_HOST:PORT URL HOST INTERVAL_MS PER_POLL_S TIMEOUT_S");
      System.exit(2);
    }
    String[] hostPort = args[0].split(":");
    InetSocketAddress proxy = new InetSocketAddress(hostPort[0], Integer.parseInt(hostPort[1]));
    if (!proxy.getAddress().isLoopbackAddress()) {
      throw new IllegalArgumentException("loopback only: " + args[0]);
    }
    byte[] request =
        ("GET " + args[1] + " HTTP/1.1\r\nHost: " + args[2] + "\r\nConnection: close\r\n\r\n")
            .getBytes(StandardCharsets.US_ASCII);
    long intervalNanos = Long.parseLong(args[3]) * 1_000_000L;
    long perPollNanos = Long.parseLong(args[4]) * 1_000_000_000L;
    long timeoutMillis = Long.parseLong(args[5]) * 1000L;
    ReloadPoll poller = new ReloadPoll(proxy, request, perPollNanos);

    // The request before the edit also loads and compiles what every poll runs.
    int before = poller.pollOnce(System.currentTimeMillis() + perPollNanos / 1_000_000L + 1000);
    System.out.println("READY " + String.format("%03d", before));
    System.out.flush();
    poller.lastCode = -1;
    java.util.Arrays.fill(poller.codes, 0);

    String line =
        new BufferedReader(new InputStreamReader(System.in, StandardCharsets.US_ASCII)).readLine();
    if (line == null) {
      return; // no edit after all: the caller gave up
    }
    long editMillis = line.isBlank() ? System.currentTimeMillis() : Long.parseLong(line.trim());
    long[] polls = new long[1];
    long first403 =
        poller.pollUntil(editMillis + timeoutMillis, intervalNanos, polls, Long.MAX_VALUE);
    StringBuilder summary = new StringBuilder();
    for (int code = 0; code < poller.codes.length; code++) {
      if (poller.codes[code] > 0) {
        summary.append(String.format(" %03d:%d", code, poller.codes[code]));
      }
    }
    System.out.println(
        "RESULT ms="
            + (first403 < 0 ? "" : Long.toString(first403 - editMillis))
            + " polls="
            + polls[0]
            + " last="
            + (poller.lastCode < 0 ? "" : String.format("%03d", poller.lastCode))
            + " codes="
            + summary.toString().trim());
  }

  /** One poll, waited for: its status, 0 when none arrived by {@code endMillis}. */
  private int pollOnce(long endMillis) throws IOException {
    long first403 = pollUntil(endMillis, Long.MAX_VALUE, new long[1], 1);
    return first403 >= 0 ? 403 : Math.max(lastCode, 0);
  }

  /**
   * Opens a poll every interval (at most {@code maxPolls}) until a 403 arrives, every poll opened
   * has ended after the last allowed one, or the wall clock reaches {@code endMillis}.
   *
   * @return the wall-clock time the first 403 was read, or -1
   */
  private long pollUntil(long endMillis, long intervalNanos, long[] polls, long maxPolls)
      throws IOException {
    List<Poll> open = new ArrayList<>();
    long nextPoll = System.nanoTime();
    try (Selector selector = Selector.open()) {
      while (System.currentTimeMillis() < endMillis) {
        long now = System.nanoTime();
        if (polls[0] < maxPolls && now - nextPoll >= 0) {
          open.add(start(selector, now));
          polls[0]++;
          nextPoll += intervalNanos;
        } else if (polls[0] >= maxPolls && open.isEmpty()) {
          return -1;
        }
        long wait = polls[0] < maxPolls ? nextPoll - now : perPollNanos;
        selector.select(Math.max(1, Math.min(wait, perPollNanos) / 1_000_000L));
        Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
        while (keys.hasNext()) {
          SelectionKey key = keys.next();
          keys.remove();
          Poll poll = (Poll) key.attachment();
          int code = step(key, poll);
          if (code >= 0) {
            end(poll, code, open);
            if (code == 403) {
              return System.currentTimeMillis();
            }
          }
        }
        now = System.nanoTime();
        for (Iterator<Poll> it = open.iterator(); it.hasNext(); ) {
          Poll poll = it.next();
          if (now - poll.deadline >= 0) {
            it.remove();
            close(poll);
            count(0);
          }
        }
      }
    } finally {
      open.forEach(ReloadPoll::close);
    }
    return -1;
  }

  private Poll start(Selector selector, long now) throws IOException {
    SocketChannel channel = SocketChannel.open();
    channel.configureBlocking(false);
    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
    Poll poll = new Poll(channel, ByteBuffer.wrap(request), now + perPollNanos);
    if (channel.connect(proxy)) {
      channel.register(selector, SelectionKey.OP_WRITE, poll);
    } else {
      channel.register(selector, SelectionKey.OP_CONNECT, poll);
    }
    return poll;
  }

  /** Advances one poll; its status once known (0: failed), else -1. */
  private int step(SelectionKey key, Poll poll) {
    try {
      if (key.isConnectable()) {
        poll.channel.finishConnect();
        key.interestOps(SelectionKey.OP_WRITE);
      } else if (key.isWritable()) {
        poll.channel.write(poll.request);
        if (!poll.request.hasRemaining()) {
          key.interestOps(SelectionKey.OP_READ);
        }
      } else if (key.isReadable()) {
        buffer.clear();
        int n = poll.channel.read(buffer);
        if (n < 0) {
          return statusOf(poll.head);
        }
        buffer.flip();
        poll.head.append(StandardCharsets.ISO_8859_1.decode(buffer));
        if (poll.head.indexOf("\r\n") >= 0) {
          return statusOf(poll.head);
        }
      }
    } catch (IOException e) {
      return 0;
    }
    return -1;
  }

  /** The status of {@code HTTP/1.1 403 ...}, 0 when the line is not one. */
  private static int statusOf(CharSequence head) {
    String line = head.toString();
    int space = line.indexOf(' ');
    if (!line.startsWith("HTTP/") || space < 0 || line.length() < space + 4) {
      return 0;
    }
    try {
      return Integer.parseInt(line.substring(space + 1, space + 4));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  private void end(Poll poll, int code, List<Poll> open) {
    open.remove(poll);
    close(poll);
    count(code);
  }

  private void count(int code) {
    lastCode = code;
    codes[code >= 0 && code < codes.length ? code : 0]++;
  }

  private static void close(Poll poll) {
    try {
      poll.channel.close();
    } catch (IOException e) {
      // nothing to do: it is gone either way
    }
  }
}
