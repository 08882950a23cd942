package org.exitfilter.config;

import java.nio.file.Path;

/** Where something was written: a file, a 1-based line and a 1-based column (0 when unknown). */
public record Source(Path file, int line, int column) {

  @Override
  public String toString() {
    return column > 0 ? file + ":" + line + ":" + column : file + ":" + line;
  }
}
