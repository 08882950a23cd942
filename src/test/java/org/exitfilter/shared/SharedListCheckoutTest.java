package org.exitfilter.shared;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.testing.GitServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checking out a big list file keeps no native memory behind: one write of a whole file would make
 * the JDK copy it through a temporary direct buffer as large as the file and keep that buffer
 * cached on the updating thread (28 MB with a million entries, measured by benchmarks/shared).
 */
class SharedListCheckoutTest {
  private static final int NAMES = 300_000; // about 8 MB of list file

  @TempDir Path dir;

  @Test
  void acceptingABigListLeavesNoDirectBufferAsLargeAsItsFile() throws Exception {
    try (GitServer git = GitServer.start(dir.resolve("git"))) {
      GitServer.Key ops = git.newKey("ops@example.net");
      String names =
          IntStream.range(0, NAMES)
              .mapToObj(i -> "site-" + i + ".example-" + (i % 1000) + ".test\n")
              .collect(Collectors.joining());
      git.commitLocally(ops, "names.txt", names);
      git.commit(ops, "blocklist.yaml", "lists:\n  - file: names.txt\n    kind: domain\n");
      Files.writeString(dir.resolve("allowed_signers"), ops.allowedSignersLine() + "\n");
      Path config = dir.resolve("exitfilter.yaml");
      Files.writeString(
          config,
          "listen: 127.0.0.1:0\n"
              + "allow-private-destinations: true\n"
              + "blocklist: blocklist.yaml\n"
              + "shared-lists:\n"
              + "  - name: cascade\n"
              + "    git: "
              + git.url()
              + "\n"
              + "    path: blocklist.yaml\n"
              + "    allowed-signers: allowed_signers\n"
              + "state-dir: state\n");
      Files.writeString(dir.resolve("blocklist.yaml"), "bans: []\n");
      long before = directMemoryUsed();

      try (SharedLists shared = SharedLists.open(ConfigLoader.load(config), Clock.systemUTC())) {
        UpdateResult result = shared.update("cascade", false);

        assertThat(result.outcome()).isEqualTo(UpdateResult.Outcome.ACCEPTED);
        assertThat(Files.size(dir.resolve("state/cascade/tree-" + result.commit() + "/names.txt")))
            .isEqualTo(names.length());
      }
      assertThat(directMemoryUsed() - before)
          .as(
              "direct memory still held after the update, against a file of %,d bytes",
              names.length())
          .isLessThan(1 << 20);
    }
  }

  private static long directMemoryUsed() {
    return ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream()
        .filter(pool -> pool.getName().equals("direct"))
        .mapToLong(BufferPoolMXBean::getMemoryUsed)
        .sum();
  }
}
