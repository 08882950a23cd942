package org.exitfilter.config;

import java.nio.file.Path;

/** Where something was written: a file, a 1-based line and a 1-based column (0 when unknown). */
public record Source(Path file, int line, int column) {

  /**
   * Where the entry was written, as a page beyond this machine names it: a shared list's entry as
   * {@code LIST@COMMIT:PATH:LINE} ({@link SharedFile}), the operator's own by its file's name
   * alone, since the rest of its path is this machine's.
   */
  public String published() {
    return SharedFile.named(file) != null ? file + ":" + line : file.getFileName().toString();
  }

  @Override
  public String toString() {
    return column > 0 ? file + ":" + line + ":" + column : file + ":" + line;
  }
}
