package org.exitfilter.shared;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.Comparator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Stream;
import org.exitfilter.config.AtomicWrite;

/**
 * The files of one shared list in {@code state-dir/NAME/}: {@code mirror.git} (a bare repository
 * the remote is fetched into), {@code state.json} ({@link SharedListState}), {@code tree-COMMIT/}
 * (the accepted commit's files, which the list is loaded from), {@code accepted-entries} (how many
 * entries that list has, for the launcher, {@code bin/exitfilter}, to size the heap without git or
 * YAML) and {@code lock}.
 *
 * <p>The running proxy and {@code exitfilter shared update} may work on the same folder at once:
 * {@link #lock} serializes them, across processes by a file lock and within one by a lock per
 * folder (a JVM may not hold two file locks on one file).
 */
final class StateStore {
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(SerializationFeature.INDENT_OUTPUT)
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
  private static final ConcurrentHashMap<Path, ReentrantLock> IN_PROCESS =
      new ConcurrentHashMap<>();

  /** The file {@link #writeEntryCount} writes; {@code bin/exitfilter} reads it by this name. */
  static final String ENTRY_COUNT = "accepted-entries";

  private final Path folder;

  StateStore(Path stateDir, String name) {
    this.folder = stateDir.resolve(name).toAbsolutePath().normalize();
  }

  Path folder() {
    return folder;
  }

  Path mirror() {
    return folder.resolve("mirror.git");
  }

  Path tree(String commit) {
    return folder.resolve("tree-" + commit);
  }

  /** The state kept, or {@code fallback} when there is none yet. */
  SharedListState read(SharedListState fallback) throws IOException {
    Path file = folder.resolve("state.json");
    if (!Files.exists(file)) {
      return fallback;
    }
    return JSON.readValue(file.toFile(), SharedListState.class);
  }

  /** Replaces the state file whole (write aside, then rename), so a crash leaves the old or new. */
  void write(SharedListState state) throws IOException {
    Files.createDirectories(folder);
    Path file = folder.resolve("state.json");
    Path temp = folder.resolve("state.json.tmp");
    JSON.writeValue(temp.toFile(), state);
    try {
      Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (AtomicMoveNotSupportedException e) {
      Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
    }
  }

  /**
   * Records how many entries (bans and exceptions, those of its list files included) the accepted
   * commit's list has, as {@code ENTRIES COMMIT}: the launcher sums the first field of every
   * configured list's file; the commit says which list the count is of. Rewritten only when it
   * changes.
   */
  void writeEntryCount(String commit, int entries) throws IOException {
    Path file = folder.resolve(ENTRY_COUNT);
    byte[] content = (entries + " " + commit + "\n").getBytes(StandardCharsets.US_ASCII);
    if (!Files.exists(file) || !Arrays.equals(Files.readAllBytes(file), content)) {
      AtomicWrite.replace(file, content);
    }
  }

  /** Removes the checked-out trees other than {@code keep}'s. */
  void removeTreesBut(String keep) throws IOException {
    if (!Files.isDirectory(folder)) {
      return;
    }
    try (Stream<Path> entries = Files.list(folder)) {
      for (Path p : entries.toList()) {
        String n = p.getFileName().toString();
        if ((n.startsWith("tree-") || n.startsWith("candidate-")) && !p.equals(tree(keep))) {
          deleteRecursively(p);
        }
      }
    }
  }

  static void deleteRecursively(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.delete(p);
      }
    }
  }

  /** Holds this list's folder for one update; close to release. */
  Held lock() throws IOException {
    Files.createDirectories(folder);
    ReentrantLock local = IN_PROCESS.computeIfAbsent(folder, f -> new ReentrantLock());
    local.lock();
    try {
      FileChannel channel =
          FileChannel.open(
              folder.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      try {
        return new Held(local, channel, channel.lock());
      } catch (IOException | RuntimeException e) {
        channel.close();
        throw e;
      }
    } catch (IOException | RuntimeException e) {
      local.unlock();
      throw e;
    }
  }

  /** A held lock on a list's folder. */
  static final class Held implements AutoCloseable {
    private final ReentrantLock local;
    private final FileChannel channel;
    private final FileLock fileLock;

    Held(ReentrantLock local, FileChannel channel, FileLock fileLock) {
      this.local = local;
      this.channel = channel;
      this.fileLock = fileLock;
    }

    @Override
    public void close() throws IOException {
      try {
        fileLock.release();
        channel.close();
      } finally {
        local.unlock();
      }
    }
  }
}
