package org.exitfilter.shared;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;

/**
 * A DNS server on 127.0.0.1 that answers every query at once with NXDOMAIN, so that a follower
 * proxy answers a name it does not ban right away (an error status) instead of waiting for a DNS
 * timeout: the benchmark polls until the answer becomes 403, and a poll must not hang.
 */
final class NxDomainResponder implements AutoCloseable {
  private final DatagramSocket socket;

  NxDomainResponder() throws IOException {
    socket = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    Thread t = new Thread(this::serve, "nxdomain");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return socket.getLocalPort();
  }

  private void serve() {
    byte[] buffer = new byte[512];
    while (!socket.isClosed()) {
      try {
        DatagramPacket query = new DatagramPacket(buffer, buffer.length);
        socket.receive(query);
        if (query.getLength() < 12) {
          continue;
        }
        // The query itself, turned into an answer: QR set, RD kept, RA set, RCODE 3 (NXDOMAIN),
        // no answer, authority or additional records; the question section stays as it was.
        byte[] answer = java.util.Arrays.copyOf(query.getData(), query.getLength());
        answer[2] = (byte) (0x80 | (answer[2] & 0x01));
        answer[3] = (byte) 0x83;
        for (int i = 6; i < 12; i++) {
          answer[i] = 0;
        }
        int end = questionEnd(answer);
        socket.send(new DatagramPacket(answer, end, query.getAddress(), query.getPort()));
      } catch (IOException | RuntimeException e) {
        // closed, or a malformed query: skip it
      }
    }
  }

  /** The end of the first question (name, type, class); the rest of the query is dropped. */
  private static int questionEnd(byte[] message) {
    int i = 12;
    while (i < message.length && message[i] != 0) {
      i += (message[i] & 0xff) + 1;
    }
    return Math.min(message.length, i + 5);
  }

  @Override
  public void close() {
    socket.close();
  }
}
