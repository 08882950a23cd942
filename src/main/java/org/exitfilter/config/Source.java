package org.exitfilter.config;

import java.nio.file.Path;

/** Where something was written: a file, a 1-based line and a 1-based column (0 when unknown). */
public record Source(Path file, int line, int column) {

  /**
   * The entry's file as it is named beyond this machine's folders: a shared list's as {@code
   * LIST@COMMIT:PATH} ({@link SharedFile}), the operator's own by its file's name alone, since the
   * rest of its path is this machine's. The one decision every name of a source below starts from.
   */
  public String fileName() {
    return shared() ? file.toString() : file.getFileName().toString();
  }

  /**
   * {@link #fileName()} and line, e.g. {@code blocklist.yaml:12} or {@code
   * cascade@1a2b3c4:lists/optout.txt:3}: how the per-rule metrics and the logs name an entry.
   */
  public String label() {
    return fileName() + ":" + line;
  }

  /**
   * Where the entry was written, as a page beyond this machine names it: a shared list's entry by
   * its {@link #label()}, the operator's own by its {@link #fileName()} alone (the notice does not
   * publish the lines of the operator's own files).
   */
  public String published() {
    return shared() ? label() : fileName();
  }

  /** Whether the entry comes from a shared list's accepted commit. */
  public boolean shared() {
    return SharedFile.named(file) != null;
  }

  @Override
  public String toString() {
    return column > 0 ? file + ":" + line + ":" + column : file + ":" + line;
  }
}
