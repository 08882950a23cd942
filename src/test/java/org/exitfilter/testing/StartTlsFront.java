package org.exitfilter.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

/**
 * STARTTLS (RFC 3207) in front of an SMTP server that has none, such as GreenMail 2.1, which
 * answers EHLO without it (greenmail-mail-test/greenmail#135). It relays the greeting and the
 * client's first commands, adds {@code 250-STARTTLS} to the EHLO answer, answers {@code STARTTLS}
 * itself, completes the TLS handshake with a test certificate for {@code localhost} and 127.0.0.1,
 * and from then on relays the decrypted session to the server as it is. Blocking sockets, a thread
 * per direction: a test server for one client at a time.
 */
public final class StartTlsFront implements AutoCloseable {
  private final TestCertificate certificate = TestCertificate.forNames(Set.of("localhost"));
  private final ServerSocket listener;
  private final InetSocketAddress upstream;
  private final SSLContext serverContext;
  private final AtomicInteger handshakes = new AtomicInteger();

  private StartTlsFront(InetSocketAddress upstream) throws IOException {
    this.upstream = upstream;
    this.serverContext = serverContext(certificate);
    this.listener = new ServerSocket(0, 50, Loopback.ADDRESS);
    Thread acceptor = new Thread(this::accept, "starttls-front");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  /** A front on 127.0.0.1 for the plain SMTP server on {@code upstreamPort} of 127.0.0.1. */
  public static StartTlsFront start(int upstreamPort) throws IOException {
    return new StartTlsFront(new InetSocketAddress(Loopback.ADDRESS, upstreamPort));
  }

  public int port() {
    return listener.getLocalPort();
  }

  /** A client context that trusts this front's certificate alone. */
  public SSLContext clientContext() {
    return certificate.clientContext();
  }

  /** How many sessions were switched to TLS. */
  public int handshakes() {
    return handshakes.get();
  }

  @Override
  public void close() throws IOException {
    listener.close();
  }

  private void accept() {
    while (!listener.isClosed()) {
      try {
        Socket client = listener.accept();
        Thread session = new Thread(() -> serve(client), "starttls-session");
        session.setDaemon(true);
        session.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void serve(Socket client) {
    try (client;
        Socket server = new Socket(upstream.getAddress(), upstream.getPort())) {
      InputStream fromClient = client.getInputStream();
      OutputStream toClient = client.getOutputStream();
      InputStream fromServer = server.getInputStream();
      OutputStream toServer = server.getOutputStream();
      relayReply(fromServer, toClient, false);
      while (true) {
        String command = readLine(fromClient);
        if (command == null) {
          return;
        }
        String verb = command.split(" ", 2)[0].toUpperCase(Locale.ROOT);
        if (verb.equals("STARTTLS")) {
          toClient.write("220 2.0.0 Ready to start TLS\r\n".getBytes(StandardCharsets.US_ASCII));
          toClient.flush();
          break;
        }
        toServer.write((command + "\r\n").getBytes(StandardCharsets.US_ASCII));
        toServer.flush();
        relayReply(fromServer, toClient, verb.equals("EHLO"));
      }
      SSLSocket tls =
          (SSLSocket)
              serverContext
                  .getSocketFactory()
                  .createSocket(client, "localhost", client.getPort(), false);
      tls.setUseClientMode(false);
      tls.startHandshake();
      handshakes.incrementAndGet();
      Thread down = new Thread(() -> copy(fromServer, tls), "starttls-down");
      down.setDaemon(true);
      down.start();
      copy(tls.getInputStream(), server);
    } catch (IOException e) {
      // the client or the server went away: the session ends
    }
  }

  /** Copies one reply, all its lines; after EHLO, with STARTTLS offered before the last line. */
  private static void relayReply(InputStream from, OutputStream to, boolean offerStartTls)
      throws IOException {
    while (true) {
      String line = readLine(from);
      if (line == null) {
        throw new IOException("the SMTP server closed the connection");
      }
      boolean last = line.length() < 4 || line.charAt(3) != '-';
      if (last && offerStartTls && line.startsWith("250")) {
        to.write("250-STARTTLS\r\n".getBytes(StandardCharsets.US_ASCII));
      }
      to.write((line + "\r\n").getBytes(StandardCharsets.US_ASCII));
      if (last) {
        to.flush();
        return;
      }
    }
  }

  /** One line without its CRLF, read a byte at a time so that nothing after it is consumed. */
  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int b;
    while ((b = in.read()) >= 0 && b != '\n') {
      if (b != '\r') {
        line.write(b);
      }
    }
    return b < 0 && line.size() == 0 ? null : line.toString(StandardCharsets.US_ASCII);
  }

  /** Relays until either side ends, then closes the receiving socket. */
  private static void copy(InputStream from, Socket to) {
    try (to) {
      from.transferTo(to.getOutputStream());
    } catch (IOException e) {
      // one side went away
    }
  }

  private static SSLContext serverContext(TestCertificate certificate) {
    try {
      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      char[] password = "test".toCharArray();
      keys.setKeyEntry(
          "front", certificate.key(), password, new Certificate[] {certificate.certificate()});
      KeyManagerFactory factory =
          KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      factory.init(keys, password);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(factory.getKeyManagers(), null, null);
      return context;
    } catch (GeneralSecurityException | IOException e) {
      throw new IllegalStateException("cannot build the front's TLS context", e);
    }
  }
}
