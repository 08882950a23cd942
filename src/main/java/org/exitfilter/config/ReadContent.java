package org.exitfilter.config;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * The length and CRC-32C of the bytes a load read from a list file: what tells, once the file's
 * folder is watched, whether the file still holds what was loaded when its times alone cannot say
 * (a file written within a second or two of the load). CRC-32C, not a cryptographic hash: it runs
 * at memory speed, and it guards against a missed edit, not against someone who can edit the file
 * anyway.
 */
public record ReadContent(long length, int crc32c) {
  /** Reads the whole file now. */
  public static ReadContent of(Path file) throws IOException {
    Accumulator content = new Accumulator();
    byte[] buffer = new byte[1 << 16];
    try (InputStream in = Files.newInputStream(file)) {
      for (int read; (read = in.read(buffer)) > 0; ) {
        content.update(buffer, 0, read);
      }
    }
    return content.result();
  }

  /** Whether {@code file} holds these bytes now; {@code false} when it cannot be read. */
  public boolean matches(Path file) {
    try {
      return equals(of(file));
    } catch (IOException e) {
      return false;
    }
  }

  /** Takes the bytes as a reader reads them, in order. */
  static final class Accumulator {
    private final CRC32C crc = new CRC32C();
    private long length;

    void update(byte[] bytes, int from, int count) {
      crc.update(bytes, from, count);
      length += count;
    }

    ReadContent result() {
      return new ReadContent(length, (int) crc.getValue());
    }
  }
}
