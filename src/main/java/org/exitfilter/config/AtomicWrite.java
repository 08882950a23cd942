package org.exitfilter.config;

import java.io.IOException;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * Replaces a file whole or not at all: the new content goes to a temporary file in the same folder,
 * which is then renamed over the target. A reader (the proxy's reload, {@code git}) sees the old
 * file or the new one, never half of one.
 */
public final class AtomicWrite {
  private AtomicWrite() {}

  /** A temporary file next to {@code target}, hidden, holding {@code content}. */
  static Path stage(Path target, byte[] content) throws IOException {
    Path temp =
        Files.createTempFile(
            target.toAbsolutePath().getParent(), "." + target.getFileName() + ".", ".tmp");
    try {
      Files.write(temp, content);
      copyPermissions(target, temp);
      return temp;
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(temp);
      throw e;
    }
  }

  /** Renames a staged file over {@code target}. */
  static void commit(Path staged, Path target) throws IOException {
    try {
      Files.move(
          staged, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.deleteIfExists(staged);
      throw new IOException("cannot replace " + target + " atomically: " + e.getMessage(), e);
    }
  }

  /** Stages and commits in one step. */
  public static void replace(Path target, byte[] content) throws IOException {
    commit(stage(target, content), target);
  }

  /**
   * The temporary file is created readable by its owner only; the file it replaces keeps the
   * permissions the operator gave it (a proxy running as another user must still read it).
   */
  private static void copyPermissions(Path from, Path to) throws IOException {
    if (!Files.exists(from)) {
      Set<PosixFilePermission> readable =
          Set.of(
              PosixFilePermission.OWNER_READ,
              PosixFilePermission.OWNER_WRITE,
              PosixFilePermission.GROUP_READ,
              PosixFilePermission.OTHERS_READ);
      PosixFileAttributeView view = Files.getFileAttributeView(to, PosixFileAttributeView.class);
      if (view != null) {
        view.setPermissions(readable);
      }
      return;
    }
    PosixFileAttributeView source = Files.getFileAttributeView(from, PosixFileAttributeView.class);
    PosixFileAttributeView target = Files.getFileAttributeView(to, PosixFileAttributeView.class);
    if (source != null && target != null) {
      target.setPermissions(source.readAttributes().permissions());
    }
  }
}
