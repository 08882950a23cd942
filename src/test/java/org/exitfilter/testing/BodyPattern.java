package org.exitfilter.testing;

import io.netty.buffer.ByteBuf;
import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The deterministic bytes the origins send and tests send as uploads: byte {@code i} of a body is
 * {@code (i * 31) & 0xff}. A test can check a body of any size as it streams, without keeping a
 * copy, and a byte lost, duplicated or reordered anywhere shows up as a mismatch.
 */
public final class BodyPattern {
  private static final int BLOCK = 8192;

  private BodyPattern() {}

  /** Byte {@code index} of a pattern body. */
  public static byte byteAt(long index) {
    return (byte) ((index * 31) & 0xff);
  }

  /** The first {@code n} bytes of the pattern, for bodies small enough to hold in memory. */
  public static byte[] bytes(int n) {
    byte[] body = new byte[n];
    for (int i = 0; i < n; i++) {
      body[i] = byteAt(i);
    }
    return body;
  }

  /** Whether {@code body} is exactly the first {@code body.length} bytes of the pattern. */
  public static boolean matches(byte[] body) {
    for (int i = 0; i < body.length; i++) {
      if (body[i] != byteAt(i)) {
        return false;
      }
    }
    return true;
  }

  /**
   * Reads {@code in} to its end, checking every byte against the pattern, and returns how many
   * bytes it held. Does not close {@code in}.
   *
   * @throws AssertionError at the first byte that differs
   */
  public static long verify(InputStream in) throws IOException {
    byte[] block = new byte[BLOCK];
    long offset = 0;
    for (int read; (read = in.read(block)) != -1; ) {
      for (int i = 0; i < read; i++) {
        if (block[i] != byteAt(offset + i)) {
          throw new AssertionError(
              "body differs from the pattern at byte "
                  + (offset + i)
                  + ": got "
                  + block[i]
                  + ", expected "
                  + byteAt(offset + i));
        }
      }
      offset += read;
    }
    return offset;
  }

  /** An input stream of the first {@code n} pattern bytes, generated as it is read. */
  public static InputStream stream(long n) {
    return new InputStream() {
      private long position;

      @Override
      public int read() {
        return position < n ? byteAt(position++) & 0xff : -1;
      }

      @Override
      public int read(byte[] b, int off, int len) {
        if (len == 0) {
          return 0;
        }
        if (position >= n) {
          return -1;
        }
        int count = (int) Math.min(len, n - position);
        for (int i = 0; i < count; i++) {
          b[off + i] = byteAt(position + i);
        }
        position += count;
        return count;
      }
    };
  }

  /** Hex SHA-256 of the first {@code n} pattern bytes, computed block by block. */
  public static String sha256(long n) {
    MessageDigest digest = newSha256();
    byte[] block = new byte[BLOCK];
    for (long offset = 0; offset < n; offset += BLOCK) {
      int len = (int) Math.min(BLOCK, n - offset);
      for (int i = 0; i < len; i++) {
        block[i] = byteAt(offset + i);
      }
      digest.update(block, 0, len);
    }
    return hex(digest.digest());
  }

  /**
   * Appends pattern bytes {@code offset} to {@code offset + length} to {@code buffer}, through
   * {@code scratch} (at least {@code length} long): one bulk write, because at PARANOID every
   * single-byte access to a tracked buffer records a stack trace.
   */
  static void write(ByteBuf buffer, long offset, int length, byte[] scratch) {
    for (int i = 0; i < length; i++) {
      scratch[i] = byteAt(offset + i);
    }
    buffer.writeBytes(scratch, 0, length);
  }

  static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JDK has SHA-256", e);
    }
  }

  static String hex(byte[] bytes) {
    StringBuilder text = new StringBuilder(bytes.length * 2);
    for (byte b : bytes) {
      text.append(Character.forDigit((b >> 4) & 0xf, 16)).append(Character.forDigit(b & 0xf, 16));
    }
    return text.toString();
  }
}
