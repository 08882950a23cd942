package org.exitfilter.shared;

import java.io.IOException;
import java.nio.file.Path;

/** Files of {@code state-dir} for tests in other packages. */
public final class TestFiles {
  private TestFiles() {}

  public static void deleteRecursively(Path root) throws IOException {
    StateStore.deleteRecursively(root);
  }
}
