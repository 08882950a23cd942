package org.exitfilter.reload;

import static java.nio.file.StandardWatchEventKinds.ENTRY_CREATE;
import static java.nio.file.StandardWatchEventKinds.ENTRY_MODIFY;
import static java.nio.file.StandardWatchEventKinds.OVERFLOW;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.Problem;
import org.exitfilter.net.Host;
import org.exitfilter.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlocklistReloaderTest {
  /** What the brief promises an operator: an edit is live within two seconds. */
  static final Duration WITHIN = Duration.ofSeconds(2);

  static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

  @TempDir Path dir;
  final MovableClock clock = new MovableClock(NOW);
  final List<ReloadResult> results = new CopyOnWriteArrayList<>();
  Path blocklist;
  CurrentBlocklist current;
  BlocklistReloader reloader;

  @AfterEach
  void close() throws IOException {
    if (reloader != null) {
      reloader.close();
    }
  }

  /** Writes the blocklist and serves it, as {@code exitfilter run} does at start. */
  void serve(String... lines) throws Exception {
    blocklist = write("blocklist.yaml", lines);
    Instant loadStarted = Instant.now();
    current = new CurrentBlocklist(BlocklistLoader.load(blocklist), today());
    reloader = new BlocklistReloader(blocklist, current, clock, results::add, loadStarted);
  }

  /** A step that writes files. */
  interface Edit {
    void save() throws IOException;
  }

  /** Runs {@code edit} the first time only, as a hook the reloader calls at each load. */
  static Runnable once(Edit edit) {
    AtomicBoolean done = new AtomicBoolean();
    return () -> {
      if (done.compareAndSet(false, true)) {
        try {
          edit.save();
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }
    };
  }

  LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  Path write(String name, String... lines) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  boolean blocked(String name) {
    return current.get().check(new Host.Name(name), 443).blocked();
  }

  /** Waits until a reload by {@code trigger} has been applied (it is recorded after the swap). */
  void awaitApplied(String trigger) {
    Await.until(
        "a reload on " + trigger + " is applied",
        WITHIN,
        () -> reloader.lastResult().applied() && reloader.lastResult().trigger().equals(trigger));
  }

  @Test
  void rewritingTheFileInPlaceAppliesTheNewList() throws Exception {
    serve("bans:", "  - domain: old.example");
    reloader.start();
    assertThat(blocked("old.example")).isTrue();

    write("blocklist.yaml", "bans:", "  - domain: new.example");

    awaitApplied("file change");
    assertThat(blocked("new.example")).isTrue();
    assertThat(blocked("old.example")).isFalse();
  }

  @Test
  void renamingANewFileOverTheOldOneAppliesTheNewList() throws Exception {
    serve("bans:", "  - domain: old.example");
    reloader.start();

    Path temp = write(".blocklist.yaml.tmp", "bans:", "  - domain: new.example");
    Files.move(
        temp, blocklist, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);

    awaitApplied("file change");
    assertThat(blocked("new.example")).isTrue();
    assertThat(blocked("old.example")).isFalse();
  }

  @Test
  void anInvalidEditIsRefusedAndTheLastGoodListKeepsServing() throws Exception {
    serve("bans:", "  - domain: old.example");
    reloader.start();

    write("blocklist.yaml", "bans:", "  - domain: new.example", "  - domain: exa mple.org");

    Await.until("the edit is refused", WITHIN, () -> !reloader.lastResult().applied());
    assertThat(blocked("old.example")).as("the previous list still serves").isTrue();
    assertThat(blocked("new.example")).isFalse();
    assertThat(reloader.lastResult().problems())
        .singleElement()
        .extracting(Problem::toString)
        .asString()
        .startsWith(blocklist + ":3:13: ");
    assertThat(results).last().extracting(ReloadResult::applied).isEqualTo(false);

    write("blocklist.yaml", "bans:", "  - domain: new.example", "  - domain: example.org");

    awaitApplied("file change");
    assertThat(blocked("new.example")).isTrue();
    assertThat(blocked("example.org")).isTrue();
    assertThat(reloader.lastResult().problems()).isEmpty();
  }

  @Test
  void editingAListFileTheBlocklistNamesReloads() throws Exception {
    Path names = write("names.txt", "a.example");
    serve("lists:", "  - file: names.txt", "    kind: domain");
    reloader.start();
    assertThat(blocked("a.example")).isTrue();

    Files.writeString(names, "b.example\n");

    // not awaitApplied: names.txt is so new that start() has already read it again, to be sure
    Await.until("the list file's edit is applied", WITHIN, () -> blocked("b.example"));
    assertThat(blocked("a.example")).isFalse();
  }

  @Test
  void aListFileCreatedAfterTheEditThatNamesItIsPickedUp() throws Exception {
    serve("bans:", "  - domain: old.example");
    reloader.start();
    write("blocklist.yaml", "lists:", "  - file: names.txt", "    kind: domain");
    Await.until("the edit is refused", WITHIN, () -> !reloader.lastResult().applied());
    assertThat(reloader.lastResult().problems())
        .singleElement()
        .extracting(Problem::message)
        .asString()
        .contains("not found");

    write("names.txt", "new.example");

    awaitApplied("file change");
    assertThat(blocked("new.example")).isTrue();
  }

  @Test
  void aBlocklistEditSavedBetweenTheLoadAndTheWatchIsApplied() throws Exception {
    serve("bans:", "  - domain: old.example");
    reloader.betweenLoadAndWatch =
        once(() -> write("blocklist.yaml", "bans:", "  - domain: new.example"));

    reloader.start();

    awaitApplied("file change");
    assertThat(blocked("new.example")).isTrue();
    assertThat(blocked("old.example")).isFalse();
  }

  @Test
  void aListFileInAnotherFolderEditedBetweenTheLoadAndTheWatchIsApplied() throws Exception {
    Files.createDirectory(dir.resolve("shared"));
    Path names = write("shared/names.txt", "a.example");
    serve("lists:", "  - file: shared/names.txt", "    kind: domain");
    reloader.betweenLoadAndWatch = once(() -> Files.writeString(names, "b.example\n"));

    reloader.start();

    awaitApplied("file change");
    assertThat(blocked("b.example")).isTrue();
    assertThat(blocked("a.example")).isFalse();
  }

  @Test
  void anUnchangedBlocklistIsNotReadAgainAtStart() throws Exception {
    serve("bans:", "  - domain: old.example");

    reloader.start();

    assertThat(results).extracting(ReloadResult::trigger).containsExactly("start");
  }

  @Test
  void aListFileInANewFolderEditedWhileTheReloadThatNamesItReadsIsApplied() throws Exception {
    Files.createDirectory(dir.resolve("shared"));
    Path names = write("shared/names.txt", "a.example");
    serve("bans:", "  - domain: old.example");
    reloader.start();
    // the folder shared/ is watched only once the edited blocklist below names it
    reloader.betweenLoadAndWatch = once(() -> Files.writeString(names, "b.example\n"));

    write("blocklist.yaml", "lists:", "  - file: shared/names.txt", "    kind: domain");

    Await.until("the list file's edit is applied", WITHIN, () -> blocked("b.example"));
    assertThat(blocked("a.example")).isFalse();
    assertThat(blocked("old.example")).isFalse();
  }

  @Test
  void reloadNowReloadsWithoutWatching() throws Exception {
    serve("bans:", "  - domain: old.example");
    // not started: only the signal can bring the edit in
    write("blocklist.yaml", "bans:", "  - domain: new.example");

    reloader.reloadNow("SIGHUP");

    awaitApplied("SIGHUP");
    assertThat(blocked("new.example")).isTrue();
    assertThat(results)
        .extracting(ReloadResult::trigger)
        .as("every attempt reaches the listener")
        .containsExactly("start", "SIGHUP");
  }

  @Test
  void atMidnightAnEntryWhoseLastDayWasYesterdayStopsApplying() throws Exception {
    clock.set(Instant.parse("2026-12-01T23:59:59Z"));
    serve(
        "bans:",
        "  - domain: short.example",
        "    expires: 2026-12-01",
        "  - domain: long.example",
        "    expires: 2026-12-02");

    reloader.rollOverIfNewDay();
    assertThat(blocked("short.example")).as("still its last day").isTrue();
    assertThat(reloader.lastResult().trigger()).isEqualTo("start");

    clock.set(Instant.parse("2026-12-02T00:00:00.050Z"));
    reloader.rollOverIfNewDay();

    assertThat(blocked("short.example")).as("expired yesterday").isFalse();
    assertThat(blocked("long.example")).isTrue();
    assertThat(current.get().day()).isEqualTo(LocalDate.of(2026, 12, 2));
    assertThat(reloader.lastResult().trigger()).isEqualTo("midnight");
    assertThat(reloader.lastResult().at()).isEqualTo(clock.instant());
  }

  @Test
  void aRefusedEditStaysReportedAcrossMidnight() throws Exception {
    clock.set(Instant.parse("2026-12-01T23:59:59Z"));
    serve("bans:", "  - domain: short.example", "    expires: 2026-12-01");
    write("blocklist.yaml", "bans:", "  - domain: exa mple.org");
    reloader.reloadNow("SIGHUP");
    Await.until("the edit is refused", WITHIN, () -> !reloader.lastResult().applied());

    clock.set(Instant.parse("2026-12-02T00:00:00.050Z"));
    reloader.rollOverIfNewDay();

    assertThat(blocked("short.example")).as("the roll-over still happens").isFalse();
    assertThat(reloader.lastResult().applied()).as("the file on disk is still invalid").isFalse();
    assertThat(reloader.lastResult().trigger()).isEqualTo("SIGHUP");
  }

  @Test
  void whichChangesInAWatchedFolderCallForAReload() {
    Path list = dir.resolve("blocklist.yaml");
    Path log = dir.resolve("exitfilter.log");
    Set<Path> watched = Set.of(list);

    assertThat(BlocklistReloader.triggersReload(ENTRY_MODIFY, list, watched, false)).isTrue();
    assertThat(BlocklistReloader.triggersReload(ENTRY_CREATE, list, watched, false))
        .as("renamed over")
        .isTrue();
    assertThat(BlocklistReloader.triggersReload(OVERFLOW, null, watched, false)).isTrue();
    assertThat(BlocklistReloader.triggersReload(ENTRY_CREATE, log, watched, false)).isFalse();
    assertThat(BlocklistReloader.triggersReload(ENTRY_CREATE, log, watched, true))
        .as("perhaps the list file a refused edit names")
        .isTrue();
    assertThat(BlocklistReloader.triggersReload(ENTRY_MODIFY, log, watched, true))
        .as("a log next to the list must not retry a refused edit at each line")
        .isFalse();
  }

  /** A clock the test moves by hand. */
  static final class MovableClock extends Clock {
    private volatile Instant now;

    MovableClock(Instant now) {
      this.now = now;
    }

    void set(Instant instant) {
      now = instant;
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      throw new UnsupportedOperationException("UTC only");
    }
  }
}
