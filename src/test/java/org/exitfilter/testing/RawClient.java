package org.exitfilter.testing;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SNIServerName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A plain socket client that sends exactly the bytes a test gives it and reads back exactly what
 * arrives, for requests no well-behaved HTTP client would send (malformed lines, odd spellings of
 * hosts, CONNECT tunnels with a chosen SNI) and for checking how a connection ends.
 *
 * <p>Every read is bounded by the read timeout (5 seconds unless given), so a test waiting for
 * something that never comes fails with a {@link SocketTimeoutException} instead of hanging. Bodies
 * are held in memory up to {@value #MAX_BODY} bytes; stream larger ones with the JDK client and
 * {@link BodyPattern#verify}.
 *
 * <p>Not thread-safe: one test thread drives one client.
 */
public final class RawClient implements AutoCloseable {
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
  static final int MAX_HEAD = 256 * 1024;
  static final int MAX_BODY = 64 * 1024 * 1024;

  /** How a connection ended. */
  public enum End {
    /** The peer closed in order (FIN). */
    CLOSED,
    /** The peer reset the connection (RST). */
    RESET
  }

  private final Socket plain;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  private RawClient(Socket socket) throws IOException {
    this.plain = socket;
    use(socket);
  }

  /** Connects to {@code address} with the default read timeout. */
  public static RawClient connect(InetSocketAddress address) throws IOException {
    return connect(address, DEFAULT_TIMEOUT);
  }

  /** Connects to {@code address}; every later read waits at most {@code readTimeout}. */
  public static RawClient connect(InetSocketAddress address, Duration readTimeout)
      throws IOException {
    return connect(null, address, readTimeout);
  }

  /**
   * Connects to {@code address} from {@code localAddress} and an ephemeral port, e.g. from
   * 127.0.0.2 to see how a proxy treats a client outside its allowlist (on Linux every address in
   * 127.0.0.0/8 is local); every later read waits at most the default read timeout.
   */
  public static RawClient connectFrom(InetAddress localAddress, InetSocketAddress address)
      throws IOException {
    return connect(localAddress, address, DEFAULT_TIMEOUT);
  }

  private static RawClient connect(
      InetAddress localAddress, InetSocketAddress address, Duration readTimeout)
      throws IOException {
    Socket socket = new Socket();
    try {
      if (localAddress != null) {
        socket.bind(new InetSocketAddress(localAddress, 0));
      }
      socket.setTcpNoDelay(true);
      socket.setSoTimeout(Math.toIntExact(readTimeout.toMillis()));
      socket.connect(address, Math.toIntExact(DEFAULT_TIMEOUT.toMillis()));
      return new RawClient(socket);
    } catch (IOException | RuntimeException e) {
      socket.close();
      throw e;
    }
  }

  private void use(Socket newSocket) throws IOException {
    socket = newSocket;
    in = new BufferedInputStream(newSocket.getInputStream());
    out = newSocket.getOutputStream();
  }

  /** Sends text as ISO-8859-1, one byte per char, so a test controls every octet. */
  public RawClient send(String text) throws IOException {
    return send(text.getBytes(ISO_8859_1));
  }

  /** Sends bytes and flushes. */
  public RawClient send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
    return this;
  }

  /** Half-closes: the peer sees the end of the request stream, responses can still be read. */
  public void shutdownOutput() throws IOException {
    socket.shutdownOutput();
  }

  /**
   * Switches to TLS over this connection, e.g. after a CONNECT was answered with 200.
   *
   * @param context trusts the server's certificate (for example {@link TlsOrigin#clientContext()})
   * @param sniName the server name to send in the ClientHello, or {@code null} to send none; the
   *     certificate's names are not checked, so any SNI can be tried
   */
  public RawClient startTls(SSLContext context, String sniName) throws IOException {
    return startTls(context, sniName == null ? null : new SNIHostName(sniName));
  }

  /**
   * Switches to TLS with an arbitrary server name, e.g. {@code new SNIHostName(bytes)} for one that
   * {@link SNIHostName#SNIHostName(String)} would refuse.
   */
  public RawClient startTls(SSLContext context, SNIServerName sniName) throws IOException {
    if (in.available() > 0) {
      throw new IllegalStateException(
          "unread bytes before the TLS handshake: " + in.available() + " bytes");
    }
    SSLSocket tls =
        (SSLSocket)
            context
                .getSocketFactory()
                .createSocket(
                    socket, socket.getInetAddress().getHostAddress(), socket.getPort(), true);
    SSLParameters parameters = tls.getSSLParameters();
    parameters.setServerNames(sniName == null ? List.of() : List.of(sniName));
    tls.setSSLParameters(parameters);
    tls.startHandshake();
    use(tls);
    return this;
  }

  /** Reads a response to a GET-like request: head, then the body as its headers frame it. */
  public RawResponse readResponse() throws IOException {
    return readResponse("GET");
  }

  /**
   * Reads a response to a request with the given method: HEAD responses and 2xx answers to CONNECT
   * have no body; otherwise 1xx, 204 and 304 have none, chunked bodies are de-chunked, a
   * Content-Length is read exactly and anything else is read until the connection closes.
   */
  public RawResponse readResponse(String method) throws IOException {
    RawResponse head = readResponseHead();
    int status = head.status();
    boolean bodiless =
        method.equalsIgnoreCase("HEAD")
            || (method.equalsIgnoreCase("CONNECT") && status / 100 == 2)
            || status / 100 == 1
            || status == 204
            || status == 304;
    if (bodiless) {
      return head;
    }
    String transferEncoding = head.header("Transfer-Encoding");
    if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      return head.withBody(readChunkedBody());
    }
    String contentLength = head.header("Content-Length");
    if (contentLength != null) {
      long length = Long.parseLong(contentLength.trim());
      if (length > MAX_BODY) {
        throw new IllegalStateException("body too large for RawClient: " + length);
      }
      return head.withBody(readExactly((int) length));
    }
    return head.withBody(readToEnd());
  }

  /** Reads a status line and header fields up to the blank line, leaving the body unread. */
  public RawResponse readResponseHead() throws IOException {
    String statusLine = readLine();
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/") || !parts[1].matches("[0-9]{3}")) {
      throw new IOException("not an HTTP status line: " + statusLine);
    }
    List<Map.Entry<String, String>> headers = new ArrayList<>();
    int headBytes = statusLine.length();
    for (String line = readLine(); !line.isEmpty(); line = readLine()) {
      headBytes += line.length() + 2;
      if (headBytes > MAX_HEAD) {
        throw new IOException("response head longer than " + MAX_HEAD + " bytes");
      }
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("not a header field: " + line);
      }
      headers.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).trim()));
    }
    return new RawResponse(statusLine, Integer.parseInt(parts[1]), headers, new byte[0]);
  }

  /**
   * Reads one line ending in CRLF (or a bare LF) and returns it without the line end.
   *
   * @throws EOFException when the connection ends first
   */
  public String readLine() throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b == -1) {
        throw new EOFException("connection closed after " + line.size() + " bytes of a line");
      }
      if (line.size() == MAX_HEAD) {
        throw new IOException("line longer than " + MAX_HEAD + " bytes");
      }
      line.write(b);
    }
    String text = line.toString(ISO_8859_1);
    return text.endsWith("\r") ? text.substring(0, text.length() - 1) : text;
  }

  /**
   * Reads exactly {@code n} bytes.
   *
   * @throws EOFException when the connection ends first, saying how many bytes came
   */
  public byte[] readExactly(int n) throws IOException {
    byte[] bytes = in.readNBytes(n);
    if (bytes.length < n) {
      throw new EOFException("connection closed after " + bytes.length + " of " + n + " bytes");
    }
    return bytes;
  }

  /**
   * The body of a response whose head {@link #readResponseHead()} returned, decoded as its fields
   * frame it and streamed as it arrives: for bodies too large to hold in memory, and to see where a
   * cut-off body ends. Chunked bodies are de-chunked (trailer fields skipped), a Content-Length is
   * read exactly, anything else until the connection closes. At the end of a chunked or
   * Content-Length body the stream returns -1 and the connection is left at the next response; a
   * connection that ends before the framing's end throws {@link EOFException}. Closing the stream
   * does not close the connection. Not for bodiless responses (to HEAD, 1xx, 204, 304).
   */
  public InputStream openBody(RawResponse head) {
    String transferEncoding = head.header("Transfer-Encoding");
    if (transferEncoding != null && transferEncoding.toLowerCase(Locale.ROOT).contains("chunked")) {
      return new ChunkedBody();
    }
    String contentLength = head.header("Content-Length");
    if (contentLength != null) {
      return new LengthBody(Long.parseLong(contentLength.trim()));
    }
    return new BodyStream() {
      @Override
      public int read(byte[] b, int off, int len) throws IOException {
        return in.read(b, off, len);
      }
    };
  }

  /** A view of the connection's input that reads one body; closing it keeps the connection. */
  private abstract static class BodyStream extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      return read(one, 0, 1) == -1 ? -1 : one[0] & 0xff;
    }
  }

  private final class LengthBody extends BodyStream {
    private long remaining;

    LengthBody(long length) {
      this.remaining = length;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (remaining == 0) {
        return -1;
      }
      int read = in.read(b, off, (int) Math.min(len, remaining));
      if (read == -1) {
        throw new EOFException("connection closed with " + remaining + " body bytes missing");
      }
      remaining -= read;
      return read;
    }
  }

  private final class ChunkedBody extends BodyStream {
    private long chunkRemaining;
    private boolean inChunk;
    private boolean done;

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      if (done) {
        return -1;
      }
      if (chunkRemaining == 0) {
        if (inChunk) {
          String end = readLine();
          if (!end.isEmpty()) {
            throw new IOException("chunk not followed by CRLF but: " + end);
          }
        }
        String sizeLine = readLine();
        int semicolon = sizeLine.indexOf(';');
        String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
        try {
          chunkRemaining = Long.parseLong(hex, 16);
        } catch (NumberFormatException e) {
          throw new IOException("not a chunk size line: " + sizeLine, e);
        }
        inChunk = true;
        if (chunkRemaining == 0) {
          for (String trailer = readLine(); !trailer.isEmpty(); trailer = readLine()) {
            // Trailer fields are not kept.
          }
          done = true;
          return -1;
        }
      }
      int read = in.read(b, off, (int) Math.min(len, chunkRemaining));
      if (read == -1) {
        throw new EOFException("connection closed inside a chunk");
      }
      chunkRemaining -= read;
      return read;
    }
  }

  /** Reads until the peer closes the connection and returns everything read. */
  public byte[] readToEnd() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    byte[] block = new byte[8192];
    for (int read; (read = in.read(block)) != -1; ) {
      if (body.size() + read > MAX_BODY) {
        throw new IllegalStateException("more than " + MAX_BODY + " bytes before the end");
      }
      body.write(block, 0, read);
    }
    return body.toByteArray();
  }

  /**
   * Discards whatever still arrives and returns how the connection ended.
   *
   * @throws SocketTimeoutException when it is still open after the read timeout
   */
  public End awaitEnd() throws IOException {
    byte[] block = new byte[8192];
    try {
      while (in.read(block) != -1) {
        // Discard: only the way the connection ends matters here.
      }
      return End.CLOSED;
    } catch (SocketException e) {
      if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("reset")) {
        return End.RESET;
      }
      throw e;
    }
  }

  /**
   * Whether nothing arrives for {@code quiet}: for checking that a peer stays silent (a proxy that
   * must not answer yet). Waits the whole duration when it holds, so keep it short.
   */
  public boolean staysSilentFor(Duration quiet) throws IOException {
    int timeout = socket.getSoTimeout();
    socket.setSoTimeout(Math.toIntExact(Math.max(1, quiet.toMillis())));
    try {
      // Either a byte or the end of the stream breaks the silence; keep the byte for later reads.
      in.mark(1);
      in.read();
      in.reset();
      return false;
    } catch (SocketTimeoutException e) {
      return true;
    } finally {
      socket.setSoTimeout(timeout);
    }
  }

  private byte[] readChunkedBody() throws IOException {
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    while (true) {
      String sizeLine = readLine();
      int semicolon = sizeLine.indexOf(';');
      String hex = (semicolon >= 0 ? sizeLine.substring(0, semicolon) : sizeLine).trim();
      long size;
      try {
        size = Long.parseLong(hex, 16);
      } catch (NumberFormatException e) {
        throw new IOException("not a chunk size line: " + sizeLine, e);
      }
      if (size == 0) {
        // Trailer fields until the blank line; not kept.
        for (String trailer = readLine(); !trailer.isEmpty(); trailer = readLine()) {
          // Discard.
        }
        return body.toByteArray();
      }
      if (body.size() + size > MAX_BODY) {
        throw new IllegalStateException("chunked body larger than " + MAX_BODY + " bytes");
      }
      body.write(readExactly((int) size));
      String end = readLine();
      if (!end.isEmpty()) {
        throw new IOException("chunk not followed by CRLF but: " + end);
      }
    }
  }

  /** The underlying TCP socket (also after {@link #startTls}), for socket options. */
  public Socket socket() {
    return plain;
  }

  @Override
  public void close() throws IOException {
    try {
      socket.close();
    } finally {
      plain.close();
    }
  }
}
