package org.exitfilter.reload;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LoadedFilesTest {
  @TempDir Path dir;

  @Test
  void aListFileOlderThanTheLoadIsUnchanged() throws Exception {
    Path names = Files.writeString(dir.resolve("names.txt"), "a.example\n");
    // as if the load began well after the file was last touched
    Instant loadStarted = Instant.now().plus(LoadedFiles.CLOCK_SLACK).plusSeconds(5);

    assertThat(LoadedFiles.changedSince(names, loadStarted)).isFalse();
  }

  @Test
  void aListFileWrittenSinceTheLoadBeganIsChanged() throws Exception {
    Instant loadStarted = Instant.now();
    Path names = Files.writeString(dir.resolve("names.txt"), "a.example\n");

    assertThat(LoadedFiles.changedSince(names, loadStarted)).isTrue();
  }

  @Test
  void aListFileReplacedWithAnOldModificationTimeIsStillChanged() throws Exception {
    Instant loadStarted = Instant.now();
    Path names = Files.writeString(dir.resolve("names.txt"), "a.example\n");
    // what rsync -t or cp -p do; the status-change time still tells
    Files.setLastModifiedTime(names, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));

    assertThat(LoadedFiles.changedSince(names, loadStarted)).isTrue();
  }

  @Test
  void aListFileGoneSinceTheLoadIsChanged() {
    assertThat(LoadedFiles.changedSince(dir.resolve("gone.txt"), Instant.EPOCH)).isTrue();
  }

  @Test
  void theBlocklistIsComparedByContentNotByTime() throws Exception {
    Path blocklist = Files.writeString(dir.resolve("blocklist.yaml"), "bans: []\n");
    String loaded = BlocklistLoader.load(blocklist).sha256();
    Instant loadStarted = Instant.now();

    assertThat(
            LoadedFiles.changedSinceLoad(
                blocklist, loaded, List.of(blocklist), Map.of(), loadStarted))
        .as("written just now, yet the same bytes")
        .isFalse();

    Files.writeString(blocklist, "bans:\n  - host: new.example\n");

    assertThat(
            LoadedFiles.changedSinceLoad(
                blocklist, loaded, List.of(blocklist), Map.of(), loadStarted))
        .as("other bytes")
        .isTrue();
  }

  @Test
  void aListFileWrittenJustBeforeTheLoadIsComparedByWhatTheLoadRead() throws Exception {
    Path names = Files.writeString(dir.resolve("names.txt"), "a.example\nb.example\n");
    Path blocklistFile =
        Files.writeString(
            dir.resolve("blocklist.yaml"),
            "lists:\n  - file: names.txt\n    kind: domain\n    reason: test\n");
    Instant loadStarted = Instant.now();
    Blocklist loaded = BlocklistLoader.load(blocklistFile);
    List<Path> files = List.of(blocklistFile, names);

    assertThat(LoadedFiles.changedSince(names, loadStarted))
        .as("written within the clock's slack of the load: its times cannot tell")
        .isTrue();
    assertThat(
            LoadedFiles.changedSinceLoad(
                blocklistFile, loaded.sha256(), files, loaded.listContents(), loadStarted))
        .as("the bytes the load read are still there: no second load")
        .isFalse();

    Files.writeString(names, "a.example\nc.example\n");

    assertThat(
            LoadedFiles.changedSinceLoad(
                blocklistFile, loaded.sha256(), files, loaded.listContents(), loadStarted))
        .as("same length, other bytes: an edit, reloaded")
        .isTrue();
    assertThat(
            LoadedFiles.changedSinceLoad(
                blocklistFile, loaded.sha256(), files, Map.of(), loadStarted))
        .as("nothing known of what was read: changed, as a missed edit would cost more")
        .isTrue();
  }

  @Test
  void whatWasReadIsFoundUnderThePathTheReloaderWatches() throws Exception {
    Files.createDirectories(dir.resolve("lists"));
    Path names = Files.writeString(dir.resolve("lists/names.txt"), "a.example\n");
    Path blocklistFile =
        Files.writeString(
            dir.resolve("blocklist.yaml"),
            "lists:\n  - file: lists/../lists/names.txt\n    kind: domain\n    reason: t\n");
    Instant loadStarted = Instant.now();
    Blocklist loaded = BlocklistLoader.load(blocklistFile);

    assertThat(
            LoadedFiles.changedSinceLoad(
                blocklistFile,
                loaded.sha256(),
                List.of(blocklistFile, names.toAbsolutePath().normalize()),
                loaded.listContents(),
                loadStarted))
        .as("the reloader watches absolute, normalized paths; the list names it otherwise")
        .isFalse();
  }
}
