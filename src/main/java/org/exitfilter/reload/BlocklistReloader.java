package org.exitfilter.reload;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.Problem;
import org.exitfilter.config.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps {@link CurrentBlocklist} in step with the files: reloads when the blocklist or a list file
 * it names changes (edited in place or renamed over), on {@link #reloadNow}, and at each midnight
 * UTC so that expired entries stop applying. An invalid edit is refused and the last good list
 * keeps serving; the errors stay visible in {@link #lastResult()} until a valid edit arrives.
 *
 * <p>No edit is lost to the moment between reading a file and watching its folder: once a folder is
 * watched, the files in it are compared with what the load read ({@link LoadedFiles}), and a
 * difference reloads. That covers the start, where the list was loaded before the reloader existed,
 * and a reload whose blocklist names a list file in a folder not watched before.
 *
 * <p>All reloads run on one thread of its own, never on an event loop.
 */
public final class BlocklistReloader implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BlocklistReloader.class);

  /** Editors write in several steps; wait for the files to settle before reading them. */
  private static final Duration SETTLE = Duration.ofMillis(200);

  private final Path blocklistFile;
  private final CurrentBlocklist current;
  private final Clock clock;
  private final Consumer<ReloadResult> listener;

  /**
   * When the memory of the replaced snapshot is given back a second time after a reload: longer
   * than a request holds the snapshot it took (its name lookup and its connect, 10 s by default).
   */
  static final Duration LATE_RELEASE = Duration.ofSeconds(30);

  private final ScheduledExecutorService executor;
  private final AtomicReference<ReloadResult> lastResult = new AtomicReference<>();
  private final WatchService watcher;

  /** Folders registered with the watcher; touched on the reload thread only. */
  private final Set<Path> watchedFolders = new HashSet<>();

  /**
   * The files whose changes trigger a reload: written on the reload thread, read on the watch
   * thread, hence an immutable set behind a volatile field.
   */
  private volatile Set<Path> watchedFiles = Set.of();

  /** The reload waiting for the files to settle; reload thread only. */
  private ScheduledFuture<?> pending;

  /** When the load of the list {@code current} held at construction began. */
  private final Instant loadStarted;

  /** Runs between each load and the watch that follows it; tests save an edit there. */
  volatile Runnable betweenLoadAndWatch = () -> {};

  /**
   * A reloader for a list loaded at some time since this process started; any list file changed
   * since then is read again by {@link #start}. Use {@link #BlocklistReloader(Path,
   * CurrentBlocklist, Clock, Consumer, Instant)} to say when the load began.
   *
   * @param listener told of every attempt (on the reload thread), e.g. for metrics
   */
  public BlocklistReloader(
      Path blocklistFile, CurrentBlocklist current, Clock clock, Consumer<ReloadResult> listener)
      throws IOException {
    this(blocklistFile, current, clock, listener, processStart());
  }

  /**
   * @param listener told of every attempt (on the reload thread), e.g. for metrics
   * @param loadStarted when the load of the list in {@code current} began, on the wall clock (not
   *     {@code clock}, which may be a test's): {@link #start} reads again a list file changed since
   *     then
   */
  public BlocklistReloader(
      Path blocklistFile,
      CurrentBlocklist current,
      Clock clock,
      Consumer<ReloadResult> listener,
      Instant loadStarted)
      throws IOException {
    this.loadStarted = loadStarted;
    this.blocklistFile = blocklistFile.toAbsolutePath().normalize();
    this.current = current;
    this.clock = clock;
    this.listener = listener;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "exitfilter-reload");
              t.setDaemon(true);
              return t;
            });
    this.watcher = FileSystems.getDefault().newWatchService();
    record(new ReloadResult(clock.instant(), true, "start", List.of()));
  }

  /**
   * Starts watching the files and the calendar; returns once the files are watched, so that any
   * change made after it returns is seen, and once a change made since the load is applied (or
   * refused).
   */
  public void start() {
    try {
      executor.submit(this::watchWhatWasLoaded).get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (ExecutionException e) {
      throw new IllegalStateException("cannot watch the blocklist's folders", e.getCause());
    }
    Thread thread = new Thread(this::pollEvents, "exitfilter-watch");
    thread.setDaemon(true);
    thread.start();
    scheduleMidnight();
  }

  /**
   * Watches the files of the list loaded before the reloader existed, then reloads if any of them
   * changed in between: no watch event reports such a change.
   */
  private void watchWhatWasLoaded() {
    betweenLoadAndWatch.run();
    Blocklist.Summary loaded = current.snapshot().blocklist();
    watch(loaded);
    if (LoadedFiles.changedSinceLoad(
        blocklistFile, loaded.sha256(), watchedFiles, loaded.listContents(), loadStarted)) {
      reload("file change");
    }
  }

  private static Instant processStart() {
    return ProcessHandle.current().info().startInstant().orElse(Instant.EPOCH);
  }

  /** Reloads as soon as possible, e.g. on SIGHUP; returns at once. */
  public void reloadNow(String trigger) {
    executor.execute(() -> reload(trigger));
  }

  /** The outcome of the most recent attempt. */
  public ReloadResult lastResult() {
    return lastResult.get();
  }

  private void pollEvents() {
    try {
      while (true) {
        WatchKey key = watcher.take();
        Path folder = (Path) key.watchable();
        boolean refused = !lastResult.get().applied();
        Set<Path> files = watchedFiles;
        boolean relevant = false;
        for (WatchEvent<?> event : key.pollEvents()) {
          Path file =
              event.kind() == StandardWatchEventKinds.OVERFLOW
                  ? null
                  : folder.resolve((Path) event.context());
          relevant |= triggersReload(event.kind(), file, files, refused);
        }
        if (!key.reset()) {
          // The folder went away; forget it so that a later reload can watch it again.
          executor.execute(() -> watchedFolders.remove(folder));
          relevant = true;
        }
        if (relevant) {
          executor.execute(this::settleThenReload);
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException | RejectedExecutionException e) {
      // closing
    }
  }

  /**
   * Whether a change in a watched folder calls for a reload: a change to a watched file, or lost
   * events. While an edit is refused, a file created in the folder counts too, since it may be the
   * list file the new blocklist names, created after the blocklist was saved. Files merely written
   * do not: a log written next to the blocklist would otherwise retry the refused edit forever,
   * each refusal logging the next write.
   *
   * @param file the file changed, or {@code null} for lost events
   */
  static boolean triggersReload(
      WatchEvent.Kind<?> kind, Path file, Set<Path> watchedFiles, boolean refused) {
    return kind == StandardWatchEventKinds.OVERFLOW
        || (file != null && watchedFiles.contains(file))
        || (refused && kind == StandardWatchEventKinds.ENTRY_CREATE);
  }

  private void settleThenReload() {
    if (pending != null) {
      pending.cancel(false);
    }
    pending =
        executor.schedule(() -> reload("file change"), SETTLE.toMillis(), TimeUnit.MILLISECONDS);
  }

  private void reload(String trigger) {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    Instant started = Instant.now();
    Blocklist blocklist;
    try {
      blocklist = BlocklistLoader.load(blocklistFile, BlocklistLoader.Analysis.PER_ENTRY);
      current.replace(blocklist, today);
    } catch (ConfigException e) {
      refused(trigger, e.problems());
      return;
    } catch (IOException e) {
      refused(trigger, List.of(problem("cannot read: " + e)));
      return;
    } catch (RuntimeException e) {
      // A bug, not the operator's edit; still, the last good list must keep serving.
      log.error("blocklist reload failed", e);
      refused(trigger, List.of(problem("internal error: " + e)));
      return;
    }
    betweenLoadAndWatch.run();
    Set<Path> newlyWatched = watch(blocklist.summary());
    if (LoadedFiles.changedSinceLoad(
        blocklistFile, blocklist.sha256(), newlyWatched, blocklist.listContents(), started)) {
      // a list file in a folder watched only now changed while this load read it
      settleThenReload();
    }
    blocklist.warnings().forEach(w -> log.warn("{}", w));
    log.info(
        "blocklist reloaded ({}): {} bans, {} exceptions",
        trigger,
        blocklist.banCount(),
        blocklist.exceptions().size());
    blocklist = null; // only the compiled snapshot serves; let the loaded entries go
    CurrentBlocklist.releaseBuildMemory();
    // A request that took the previous snapshot just before the swap holds it while it resolves
    // and connects, so that collection may have had to keep the old list; without another full
    // collection it would stay resident for good.
    executor.schedule(
        CurrentBlocklist::releaseBuildMemory, LATE_RELEASE.toSeconds(), TimeUnit.SECONDS);
    record(new ReloadResult(clock.instant(), true, trigger, List.of()));
  }

  private Problem problem(String message) {
    return new Problem(new Source(blocklistFile, 0, 0), message);
  }

  private void refused(String trigger, List<Problem> problems) {
    problems.forEach(p -> log.error("{}", p));
    log.error("blocklist reload ({}) refused; the previous list keeps serving", trigger);
    record(new ReloadResult(clock.instant(), false, trigger, problems));
  }

  private void record(ReloadResult result) {
    lastResult.set(result);
    listener.accept(result);
  }

  /**
   * Watches the folders of the blocklist and of every list file it names.
   *
   * @return the files in folders this call started to watch
   */
  private Set<Path> watch(Blocklist.Summary blocklist) {
    Set<Path> files = new HashSet<>();
    files.add(blocklistFile);
    for (Path listFile : blocklist.listFiles()) {
      files.add(listFile.toAbsolutePath().normalize());
    }
    Set<Path> newFolders = new HashSet<>();
    for (Path file : files) {
      Path folder = file.getParent();
      if (watchedFolders.add(folder)) {
        try {
          folder.register(
              watcher,
              StandardWatchEventKinds.ENTRY_CREATE,
              StandardWatchEventKinds.ENTRY_MODIFY,
              StandardWatchEventKinds.ENTRY_DELETE);
          newFolders.add(folder);
        } catch (IOException e) {
          watchedFolders.remove(folder);
          log.warn("cannot watch {}: {}", folder, e.getMessage());
        }
      }
    }
    watchedFiles = Set.copyOf(files);
    return files.stream()
        .filter(file -> newFolders.contains(file.getParent()))
        .collect(Collectors.toSet());
  }

  /**
   * Wakes just after each midnight UTC. The executor's delay runs on the monotonic clock, so a
   * wake-up a little early finds the same day and simply waits again for the rest of it.
   */
  private void scheduleMidnight() {
    long now = clock.millis();
    long next =
        LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC)
            .plusDays(1)
            .atStartOfDay(ZoneOffset.UTC)
            .toInstant()
            .toEpochMilli();
    executor.schedule(
        () -> {
          rollOverIfNewDay();
          scheduleMidnight();
        },
        Math.max(0, next - now) + 50,
        TimeUnit.MILLISECONDS);
  }

  /**
   * Recompiles the serving list for the clock's UTC day if it was compiled for another, so that
   * entries whose last day has passed stop applying. Runs on the reload thread; tests call it
   * directly with a clock they move.
   */
  void rollOverIfNewDay() {
    LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
    if (!today.equals(current.get().day())) {
      current.advanceTo(today);
      log.info("new day {}: expired entries no longer apply", today);
      // A refused edit stays the news until a valid one arrives: the file on disk is still bad.
      if (lastResult.get().applied()) {
        record(new ReloadResult(clock.instant(), true, "midnight", List.of()));
      }
    }
  }

  @Override
  public void close() throws IOException {
    watcher.close();
    executor.shutdownNow();
    try {
      // a reload under way finishes reading before the caller may remove the files
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
