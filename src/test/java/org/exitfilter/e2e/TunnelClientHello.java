package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

/**
 * TLS ClientHello records for tunnel tests, starting from the JDK's own and then bent into the
 * shapes a client could send to slip a server name past a filter: names the JDK would refuse to
 * send, odd server_name lists, the hello cut into several records.
 *
 * <p>A record is {@code type(1) version(2) length(2)} then the handshake message, {@code type(1)
 * length(3)} then the ClientHello: version(2), random(32), session id, cipher suites, compression
 * methods, extensions.
 */
final class TunnelClientHello {
  private static final int RECORD_HEADER = 5;
  private static final int HANDSHAKE_HEADER = 4;
  private static final int SERVER_NAME = 0;

  private TunnelClientHello() {}

  /** The JDK client's first flight, one record, asking for {@code serverName} (none if null). */
  static byte[] fromJdk(String serverName) throws Exception {
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(null, null, null);
    SSLEngine engine = context.createSSLEngine();
    engine.setUseClientMode(true);
    SSLParameters parameters = engine.getSSLParameters();
    parameters.setServerNames(
        serverName == null ? List.of() : List.of(new SNIHostName(serverName)));
    engine.setSSLParameters(parameters);
    ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
    engine.beginHandshake();
    engine.wrap(ByteBuffer.allocate(0), out);
    out.flip();
    byte[] record = new byte[out.remaining()];
    out.get(record);
    if (record[0] != 22 || RECORD_HEADER + length16(record, 3) != record.length) {
      throw new IllegalStateException("the JDK's ClientHello is not a single handshake record");
    }
    return record;
  }

  /** A server_name extension body listing the given entries, as {@code type, name} pairs. */
  static byte[] nameList(Object... typesAndNames) {
    ByteArrayOutputStream entries = new ByteArrayOutputStream();
    for (int i = 0; i < typesAndNames.length; i += 2) {
      byte[] name = ((String) typesAndNames[i + 1]).getBytes(UTF_8);
      entries.write((Integer) typesAndNames[i]);
      writeLength16(entries, name.length);
      entries.writeBytes(name);
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    writeLength16(body, entries.size());
    body.writeBytes(entries.toByteArray());
    return body.toByteArray();
  }

  /**
   * The same hello with its server_name extension replaced by one extension per given body, in the
   * place of the original (so a hello built with one body equal to the original is the original).
   */
  static byte[] withServerNameExtensions(byte[] record, byte[]... bodies) {
    byte[] hello = Arrays.copyOfRange(record, RECORD_HEADER + HANDSHAKE_HEADER, record.length);
    int at = 2 + 32;
    at += 1 + (hello[at] & 0xff);
    at += 2 + length16(hello, at);
    at += 1 + (hello[at] & 0xff);
    int extensionsStart = at + 2;
    int extensionsEnd = extensionsStart + length16(hello, at);
    ByteArrayOutputStream extensions = new ByteArrayOutputStream();
    boolean replaced = false;
    for (int e = extensionsStart; e < extensionsEnd; ) {
      int type = length16(hello, e);
      int length = length16(hello, e + 2);
      if (type == SERVER_NAME) {
        for (byte[] body : bodies) {
          writeLength16(extensions, SERVER_NAME);
          writeLength16(extensions, body.length);
          extensions.writeBytes(body);
        }
        replaced = true;
      } else {
        extensions.write(hello, e, 4 + length);
      }
      e += 4 + length;
    }
    if (!replaced) {
      throw new IllegalArgumentException("the hello has no server_name extension to replace");
    }
    ByteArrayOutputStream newHello = new ByteArrayOutputStream();
    newHello.write(hello, 0, at);
    writeLength16(newHello, extensions.size());
    newHello.writeBytes(extensions.toByteArray());
    newHello.write(hello, extensionsEnd, hello.length - extensionsEnd);
    return record(handshake(1, newHello.toByteArray()));
  }

  /** The same hello with its handshake type changed, e.g. to 2 (ServerHello). */
  static byte[] withHandshakeType(byte[] record, int type) {
    byte[] copy = record.clone();
    copy[RECORD_HEADER] = (byte) type;
    return copy;
  }

  /**
   * The handshake message of a one-record hello spread over several records, cut at the given
   * offsets into the message (legal TLS: a handshake message may span records).
   */
  static byte[] fragmented(byte[] record, int... cuts) {
    byte[] message = Arrays.copyOfRange(record, RECORD_HEADER, record.length);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int from = 0;
    for (int cut : cuts) {
      out.writeBytes(record(Arrays.copyOfRange(message, from, cut)));
      from = cut;
    }
    out.writeBytes(record(Arrays.copyOfRange(message, from, message.length)));
    return out.toByteArray();
  }

  /** A TLS record of the given content type and body, version TLS 1.2. */
  static byte[] record(int contentType, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(contentType);
    out.write(3);
    out.write(3);
    writeLength16(out, body.length);
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static byte[] record(byte[] handshakeBytes) {
    return record(22, handshakeBytes);
  }

  private static byte[] handshake(int type, byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(type);
    out.write(body.length >>> 16);
    writeLength16(out, body.length & 0xffff);
    out.writeBytes(body);
    return out.toByteArray();
  }

  private static int length16(byte[] bytes, int at) {
    return ((bytes[at] & 0xff) << 8) | (bytes[at + 1] & 0xff);
  }

  private static void writeLength16(ByteArrayOutputStream out, int length) {
    out.write(length >>> 8);
    out.write(length & 0xff);
  }
}
