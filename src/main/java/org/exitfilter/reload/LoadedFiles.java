package org.exitfilter.reload;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.Map;
import org.exitfilter.config.ReadContent;

/**
 * Tells whether the files a load read may have changed since, for the files whose folders were not
 * watched yet while it read them: no watch event will ever report such a change, so the reloader
 * asks here once the folders are watched.
 *
 * <p>The blocklist is compared by content, with the SHA-256 the load recorded. A list file is
 * compared by time first: it counts as unchanged when its modification and status-change times are
 * clearly older than the start of the load. The status-change time ({@code unix:ctime}) is set by
 * the kernel on every write, rename and replacement, even when a tool such as {@code rsync -t} or
 * {@code cp -p} restores an old modification time. A file whose times cannot rule out a change (one
 * written within a second or two of the load, as a deployment that writes the list and then starts
 * the proxy does) is compared by content with what the load read ({@link ReadContent}, taken from
 * the very bytes the reader parsed, so an edit saved while the load was reading still differs).
 * That spares a second load of a million entries at such a start; a missed change would cost an
 * edit.
 */
final class LoadedFiles {
  /**
   * How much older than the load a list file must look to count as unchanged. File times come from
   * the kernel's coarse clock (a tick behind the precise one) and some file systems keep them in
   * whole or even two seconds.
   */
  static final Duration CLOCK_SLACK = Duration.ofSeconds(2);

  private LoadedFiles() {}

  /**
   * Whether any of {@code files} may differ from what the load that produced {@code sha256} for the
   * blocklist saw.
   *
   * @param blocklistFile the blocklist, compared by content with {@code sha256}
   * @param sha256 the hex SHA-256 of the blocklist as loaded
   * @param files the files to compare, the blocklist and list files among them
   * @param read what the load read from each list file, by absolute, normalized path
   * @param loadStarted when the load began, on the wall clock the file system's times follow
   */
  static boolean changedSinceLoad(
      Path blocklistFile,
      String sha256,
      Collection<Path> files,
      Map<Path, ReadContent> read,
      Instant loadStarted) {
    for (Path file : files) {
      boolean changed =
          file.equals(blocklistFile)
              ? !sha256.equals(sha256(file))
              : changedSince(file, loadStarted) && !stillAsRead(file, read.get(file));
      if (changed) {
        return true;
      }
    }
    return false;
  }

  private static boolean stillAsRead(Path file, ReadContent read) {
    return read != null && read.matches(file);
  }

  /** Whether {@code file} (or the link that names it) changed at or after {@code since}. */
  static boolean changedSince(Path file, Instant since) {
    Instant threshold = since.minus(CLOCK_SLACK);
    try {
      return !latestChange(file).isBefore(threshold)
          || !latestChange(file, LinkOption.NOFOLLOW_LINKS).isBefore(threshold);
    } catch (IOException e) {
      // gone or unreadable: the reload that follows reports it
      return true;
    }
  }

  private static Instant latestChange(Path file, LinkOption... options) throws IOException {
    Instant modified =
        Files.readAttributes(file, BasicFileAttributes.class, options)
            .lastModifiedTime()
            .toInstant();
    try {
      Instant changed = ((FileTime) Files.getAttribute(file, "unix:ctime", options)).toInstant();
      return changed.isAfter(modified) ? changed : modified;
    } catch (UnsupportedOperationException | IllegalArgumentException e) {
      // no status-change time here (Windows): the modification time is all there is
      return modified;
    }
  }

  /** The hex SHA-256 of the file's bytes, or {@code null} when it cannot be read. */
  private static String sha256(Path file) {
    try {
      return HexFormat.of()
          .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    } catch (IOException e) {
      return null;
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }
}
