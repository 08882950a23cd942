package org.exitfilter.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * Hostile bytes as a blocklist file and as a list file. The loader either returns a blocklist or
 * throws a {@link ConfigException} whose every problem names one of the two files, a line from 1
 * and a column from 0 (0: the whole line); it never throws anything else, and every warning and
 * entry it returns points into the files in the same way.
 *
 * <p>The bytes are written to a temporary folder, as the loader reads files. In {@code mvn verify}
 * these replay {@code BlocklistLoaderFuzzTestInputs/}; {@code JAZZER_FUZZ=1} fuzzes them
 * (docs/FUZZING.md).
 */
class BlocklistLoaderFuzzTest {
  private static final LocalDate TODAY = LocalDate.of(2026, 12, 1);
  private static final String[] LIST_KINDS = {"domain", "host", "network"};
  private static final Path DIR = temporaryFolder();
  private static final Path BLOCKLIST = DIR.resolve("blocklist.yaml");
  private static final Path LIST = DIR.resolve("list.txt");

  @FuzzTest(maxDuration = "2m")
  void blocklistFileLoadsOrNamesEveryProblemByFileLineAndColumn(byte[] input) throws IOException {
    Files.write(BLOCKLIST, input);
    Files.write(LIST, "list.example\n".getBytes(StandardCharsets.US_ASCII));
    loadAndCheck();
  }

  /** The first byte chooses the list's kind; the rest is the list file. */
  @FuzzTest(maxDuration = "2m")
  void listFileLoadsOrNamesEveryProblemByFileAndLine(byte[] input) throws IOException {
    String kind = input.length == 0 ? "domain" : LIST_KINDS[(input[0] & 0xff) % LIST_KINDS.length];
    Files.writeString(
        BLOCKLIST,
        "bans:\n  - domain: written.example\nlists:\n  - file: list.txt\n    kind: " + kind + "\n");
    Files.write(LIST, input.length == 0 ? input : Arrays.copyOfRange(input, 1, input.length));
    loadAndCheck();
  }

  private static void loadAndCheck() throws IOException {
    Blocklist blocklist;
    try {
      blocklist = BlocklistLoader.load(BLOCKLIST, TODAY);
    } catch (ConfigException e) {
      assertThat(e.problems()).as("a refused list says why").isNotEmpty();
      e.problems().forEach(BlocklistLoaderFuzzTest::checkProblem);
      return;
    }
    blocklist.warnings().forEach(BlocklistLoaderFuzzTest::checkProblem);
    checkRules(blocklist.bans());
    checkRules(blocklist.exceptions());
  }

  private static void checkProblem(Problem problem) {
    assertThat(problem.message()).as("message of %s", problem).isNotBlank();
    checkSource(problem.where(), problem.toString());
  }

  private static void checkRules(List<Rule> rules) {
    for (Rule rule : rules) {
      checkSource(rule.source(), rule.toString());
    }
  }

  private static void checkSource(Source where, String what) {
    assertThat(where.file()).as("file of %s", what).isIn(Set.of(BLOCKLIST, LIST));
    assertThat(where.line()).as("line of %s", what).isPositive();
    assertThat(where.column()).as("column of %s", what).isNotNegative();
  }

  private static Path temporaryFolder() {
    try {
      Path dir = Files.createTempDirectory("blocklist-fuzz");
      // Deleted in the reverse order: the files, then the folder.
      dir.toFile().deleteOnExit();
      dir.resolve("blocklist.yaml").toFile().deleteOnExit();
      dir.resolve("list.txt").toFile().deleteOnExit();
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
