package org.exitfilter.testing;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.CRC32;

/**
 * What the origin's {@code /upload} endpoint answers: how many bytes it received and their
 * checksums. Its {@link #toString()} is the response body, three lines:
 *
 * <pre>
 * bytes=1048576
 * crc32=1a2b3c4d
 * sha256=9f86d0...
 * </pre>
 *
 * <p>Compare {@code UploadReceipt.parse(response.body())} with {@link #of(byte[])} of what was
 * sent, or {@link #ofPattern(long)} for a {@link BodyPattern} upload.
 *
 * @param bytes the body length
 * @param crc32 the CRC-32 of the body, 8 lowercase hex digits
 * @param sha256 the SHA-256 of the body, 64 lowercase hex digits
 */
public record UploadReceipt(long bytes, String crc32, String sha256) {

  /** The receipt for a body. */
  public static UploadReceipt of(byte[] body) {
    CRC32 crc = new CRC32();
    crc.update(body);
    return new UploadReceipt(
        body.length, crc32Hex(crc), BodyPattern.hex(BodyPattern.newSha256().digest(body)));
  }

  /** The receipt for the first {@code n} bytes of {@link BodyPattern}, computed as a stream. */
  public static UploadReceipt ofPattern(long n) {
    CRC32 crc = new CRC32();
    byte[] block = new byte[8192];
    for (long offset = 0; offset < n; offset += block.length) {
      int len = (int) Math.min(block.length, n - offset);
      for (int i = 0; i < len; i++) {
        block[i] = BodyPattern.byteAt(offset + i);
      }
      crc.update(block, 0, len);
    }
    return new UploadReceipt(n, crc32Hex(crc), BodyPattern.sha256(n));
  }

  /**
   * Reads a receipt from an {@code /upload} response body.
   *
   * @throws IllegalArgumentException when the text is not a receipt
   */
  public static UploadReceipt parse(String body) {
    Map<String, String> fields = new HashMap<>();
    for (String line : body.split("\n")) {
      int eq = line.indexOf('=');
      if (eq > 0) {
        fields.put(line.substring(0, eq), line.substring(eq + 1).trim());
      }
    }
    if (!fields.keySet().containsAll(List.of("bytes", "crc32", "sha256"))) {
      throw new IllegalArgumentException("not an upload receipt: " + body);
    }
    return new UploadReceipt(
        Long.parseLong(fields.get("bytes")), fields.get("crc32"), fields.get("sha256"));
  }

  static String crc32Hex(CRC32 crc) {
    return String.format(Locale.ROOT, "%08x", crc.getValue());
  }

  @Override
  public String toString() {
    return "bytes=" + bytes + "\ncrc32=" + crc32 + "\nsha256=" + sha256 + "\n";
  }
}
