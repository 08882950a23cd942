package org.exitfilter.match;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.exitfilter.config.ListEntries;

/**
 * The host and domain entries and pattern hints to index, in order of precedence, as flat arrays:
 * what {@link NameIndex#build} reads, filled from the blocklist's rules and straight from the bytes
 * of its list files, so that compiling a million entries makes no object per entry. Used once per
 * compile; not thread-safe.
 */
final class NameEntries {
  /** The template of a pattern hint, which is no entry and decides nothing. */
  static final int HINT = -1;

  private byte[] bytes = new byte[1 << 12];
  private int used;
  private int[] ends = new int[1 << 6];
  private int[] lines = new int[1 << 6];
  private int[] templates = new int[1 << 6];
  private int size;

  /** Adds one entry; its value must be normalized (see {@link NameIndex#checkNormalized}). */
  void add(String value, int line, int template) {
    int length = value.length();
    ensure(length, 1);
    for (int c = 0; c < length; c++) {
      bytes[used++] = (byte) value.charAt(c);
    }
    finish(line, template);
  }

  /** Adds every entry of a list, all of one template. */
  void addAll(ListEntries list, int template) {
    int n = list.size();
    long length = 0;
    for (int i = 0; i < n; i++) {
      length += list.valueLength(i);
    }
    ensure(length, n);
    for (int i = 0; i < n; i++) {
      list.copyValue(i, bytes, used);
      used += list.valueLength(i);
      finish(list.line(i), template);
    }
  }

  int size() {
    return size;
  }

  int start(int i) {
    return i == 0 ? 0 : ends[i - 1];
  }

  int end(int i) {
    return ends[i];
  }

  int line(int i) {
    return lines[i];
  }

  int template(int i) {
    return templates[i];
  }

  /** The value's byte at {@code at}, an index into all values. */
  byte at(int at) {
    return bytes[at];
  }

  long totalBytes() {
    return used;
  }

  String value(int i) {
    return new String(bytes, start(i), ends[i] - start(i), StandardCharsets.ISO_8859_1);
  }

  /** {@link NameHash#of} of the value, read from its bytes. */
  long hash(int i) {
    long hash = 0;
    for (int k = ends[i] - 1; k >= start(i); k--) {
      hash = NameHash.step(hash, (char) (bytes[k] & 0xFF));
    }
    return hash;
  }

  int labels(int i) {
    int labels = 1;
    for (int k = start(i); k < ends[i]; k++) {
      if (bytes[k] == '.') {
        labels++;
      }
    }
    return labels;
  }

  boolean sameValue(int a, int b) {
    return Arrays.equals(bytes, start(a), ends[a], bytes, start(b), ends[b]);
  }

  private void ensure(long length, int entries) {
    long wanted = used + length;
    if (wanted > Integer.MAX_VALUE - 16) {
      throw new IllegalArgumentException("blocklist names too long in total: " + wanted);
    }
    if (wanted > bytes.length) {
      bytes =
          Arrays.copyOf(
              bytes, (int) Math.max(wanted, Math.min(Integer.MAX_VALUE - 16, 2L * bytes.length)));
    }
    if (size + entries > ends.length) {
      int grown = Math.max(size + entries, 2 * ends.length);
      ends = Arrays.copyOf(ends, grown);
      lines = Arrays.copyOf(lines, grown);
      templates = Arrays.copyOf(templates, grown);
    }
  }

  private void finish(int line, int template) {
    ends[size] = used;
    lines[size] = line;
    templates[size] = template;
    size++;
  }
}
