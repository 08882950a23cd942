package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launcher {@code bin/exitfilter}: the JVM options it computes from the blocklist, and the
 * command line it hands to java. It runs against a stand-in java (a script printing its arguments,
 * one per line) and an empty jar, so it needs neither a build nor a JVM start.
 *
 * <p>The sizing constants are read from the script itself: the test checks the rule, and the lead
 * can tune the numbers without touching it.
 */
class LauncherTest {
  private static final Path LAUNCHER = Path.of("bin", "exitfilter").toAbsolutePath();

  @TempDir Path dir;
  private Path javaHome;
  private Path jar;
  private Path config;

  @BeforeEach
  void standInJavaAndConfig() throws IOException {
    Assumptions.assumeTrue(Files.isExecutable(Path.of("/bin/bash")), "bash is not installed");
    javaHome = dir.resolve("jdk");
    Path java = javaHome.resolve("bin/java");
    Files.createDirectories(java.getParent());
    // Without a release file the launcher asks 'java -version'; this one says 17.
    Files.writeString(
        java,
        """
        #!/bin/sh
        if [ "$1" = -version ]; then echo 'openjdk version "17.0.15" 2025-04-15' >&2; exit 0; fi
        printf '%s\\n' "$@"
        """);
    Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwxr-xr-x"));
    jar = Files.createFile(dir.resolve("exitfilter.jar"));
    config = dir.resolve("conf/exitfilter.yaml");
    Files.createDirectories(config.getParent().resolve("lists"));
    Files.writeString(config, "listen: 127.0.0.1:3128\nblocklist: \"my blocklist.yaml\"  # c\n");
  }

  /** Writes the blocklist with one list file of {@code n} names and returns its entry estimate. */
  private long blocklistWithAListOf(int n) throws IOException {
    String blocklist =
        """
        # A comment, and a blank line, count for nothing.

        bans:
          - domain: example.org
            reason: "test"
        lists:
          - file: lists/names.txt
            kind: domain
        """;
    Files.writeString(config.resolveSibling("my blocklist.yaml"), blocklist);
    String names =
        "# comment\n\n"
            + IntStream.range(0, n)
                .mapToObj(i -> "n" + i + ".example\n")
                .collect(Collectors.joining());
    Files.writeString(config.resolveSibling("lists/names.txt"), names);
    return 6 + n; // bans, domain, reason, lists, file, kind: 6 lines of the YAML, then n names
  }

  @ParameterizedTest
  @ValueSource(ints = {1_000, 100_000})
  void theHeapIsSizedFromTheBlocklistsEntries(int names) throws Exception {
    long entries = blocklistWithAListOf(names);

    Launch launch = launch(Map.of(), "run", "--config", config.toString());

    long heap = constant("BASE_HEAP_MIB") + ceilMib(entries * constant("BYTES_PER_ENTRY"));
    assertThat(launch.err()).contains("blocklist entries (estimate): " + entries + "\n");
    assertThat(launch.jvmOptions())
        .as("the rule: base + ceil(entries * bytes per entry / 2^20) MiB")
        .contains("-Xmx" + heap + "m")
        .contains("-Xms" + Math.min(heap, constant("INITIAL_HEAP_CAP_MIB")) + "m");
  }

  @Test
  void aConfigWithANoticeAddsThePublishedListToTheHeapOfRunOnly() throws Exception {
    long entries = blocklistWithAListOf(100_000);
    Files.writeString(
        config,
        "notice:\n  listen: [\"127.0.0.1:8080\"]\n  operator: x\n  contact: a@b.example\n",
        StandardOpenOption.APPEND);

    Launch run = launch(Map.of(), "run", "--config", config.toString());
    Launch check = launch(Map.of(), "check", "--config", config.toString(), "example.org");

    long perEntry = constant("BYTES_PER_ENTRY") + constant("NOTICE_BYTES_PER_ENTRY");
    assertThat(run.option("-Xmx"))
        .as("run serves the notice, which keeps the published list")
        .isEqualTo("-Xmx" + (constant("BASE_HEAP_MIB") + ceilMib(entries * perEntry)) + "m");
    assertThat(check.option("-Xmx"))
        .as("check starts no notice")
        .isEqualTo(
            "-Xmx"
                + (constant("BASE_HEAP_MIB") + ceilMib(entries * constant("BYTES_PER_ENTRY")))
                + "m");
  }

  @Test
  void theOptionsBoundEveryMemoryPoolAndExitOnOutOfMemory() throws Exception {
    blocklistWithAListOf(10);

    Launch launch = launch(Map.of(), "check", "--config=" + config, "example.org");

    assertThat(launch.jvmOptions())
        .contains(
            "-XX:+UseSerialGC",
            "-Xmn" + constant("YOUNG_MIB") + "m",
            "-XX:MaxHeapFreeRatio=" + constant("MAX_HEAP_FREE_PERCENT"),
            "-XX:MaxMetaspaceSize=" + constant("METASPACE_MIB") + "m",
            "-XX:ReservedCodeCacheSize=" + constant("CODE_CACHE_MIB") + "m",
            "-XX:MaxDirectMemorySize=" + constant("DIRECT_MIB") + "m",
            "-XX:+ExitOnOutOfMemoryError")
        .anyMatch(o -> o.startsWith("-Xss"));
    assertThat(launch.afterJar())
        .as("the arguments reach the jar unchanged")
        .containsExactly("check", "--config=" + config, "example.org");
  }

  @Test
  void aBiggerListGetsABiggerHeap() throws Exception {
    blocklistWithAListOf(10);
    String small = launch(Map.of(), "run", "-c", config.toString()).option("-Xmx");
    blocklistWithAListOf(200_000);
    String big = launch(Map.of(), "run", "-c", config.toString()).option("-Xmx");

    assertThat(mib(big)).isGreaterThan(mib(small));
  }

  /** Follows one shared list, {@code cascade}, with state-dir {@code state} beside the config. */
  private void followingASharedList() throws IOException {
    Files.writeString(
        config,
        "shared-lists:\n"
            + "  - name: cascade   # the network's list\n"
            + "    git: https://bans.example.net/cascade.git\n"
            + "    allowed-signers: cascade.allowed_signers\n"
            + "state-dir: state\n",
        StandardOpenOption.APPEND);
  }

  @Test
  void aSharedListIsCountedFromItsAcceptedCheckoutInStateDir() throws Exception {
    long local = blocklistWithAListOf(10);
    followingASharedList();
    Path tree = config.resolveSibling("state/cascade/tree-0123abc");
    Files.createDirectories(tree);
    Files.writeString(tree.resolve("blocklist.yaml"), "# shared\nbans:\n  - domain: a.example\n");
    Files.writeString(
        tree.resolve("names.txt"),
        IntStream.range(0, 50_000)
            .mapToObj(i -> "s" + i + ".example\n")
            .collect(Collectors.joining()));

    for (String[] command :
        List.of(
            new String[] {"run", "--config", config.toString()},
            new String[] {"shared", "update", "--config", config.toString()})) {
      Launch launch = launch(Map.of(), command);

      assertThat(launch.err())
          .as("%s: the local list's entries plus the shared checkout's lines", command[0])
          .contains("blocklist entries (estimate): " + (local + 2 + 50_000) + "\n");
    }
  }

  @Test
  void aSharedListNeverFetchedIsGivenRoomForItsFirstFetch() throws Exception {
    long local = blocklistWithAListOf(10);
    followingASharedList();

    Launch launch = launch(Map.of(), "run", "--config", config.toString());

    assertThat(launch.err())
        .as("without a checkout in state-dir its size is unknown until the fetch")
        .contains(
            "blocklist entries (estimate): "
                + (local + constant("SHARED_FIRST_FETCH_ENTRIES"))
                + "\n");
  }

  @Test
  void anUpdateTheJvmDidNotSurviveSizesTheRestartForTheListThatNeededMore() throws Exception {
    long local = blocklistWithAListOf(10);
    followingASharedList();
    Path accepted = config.resolveSibling("state/cascade/tree-0123abc");
    Path unfinished = config.resolveSibling("state/cascade/candidate-4567def");
    Files.createDirectories(accepted);
    Files.createDirectories(unfinished);
    Files.writeString(accepted.resolve("blocklist.yaml"), "bans: []\n");
    Files.writeString(
        unfinished.resolve("blocklist.yaml"),
        IntStream.range(0, 3_000)
            .mapToObj(i -> "- s" + i + ".example\n")
            .collect(Collectors.joining()));

    Launch launch = launch(Map.of(), "run", "--config", config.toString());

    assertThat(launch.err())
        .contains("blocklist entries (estimate): " + (local + 1 + 3_000) + "\n");
  }

  @Test
  void theOperatorsOptionsComeLastSoTheyWin() throws Exception {
    blocklistWithAListOf(10);

    Launch launch =
        launch(
            Map.of("EXITFILTER_JAVA_OPTS", "-Xmx2g -Dfoo=bar"),
            "run",
            "--config",
            config.toString());

    List<String> options = launch.jvmOptions();
    assertThat(options.subList(options.size() - 2, options.size()))
        .containsExactly("-Xmx2g", "-Dfoo=bar");
  }

  @Test
  void onJava17NoClassDataSharingArchiveIsAsked() throws Exception {
    blocklistWithAListOf(10);

    Launch launch =
        launch(
            Map.of("EXITFILTER_CACHE_DIR", dir.toString()), "run", "--config", config.toString());

    assertThat(launch.jvmOptions())
        .noneMatch(o -> o.contains("SharedArchive"))
        .contains("-XX:+UseSerialGC");
  }

  @Test
  void onJava19OrNewerTheArchiveGoesToTheCacheFolder() throws Exception {
    blocklistWithAListOf(10);
    Files.writeString(javaHome.resolve("release"), "JAVA_VERSION=\"21.0.5\"\n");
    Path cache = Files.createDirectory(dir.resolve("cache"));

    Launch launch =
        launch(Map.of("EXITFILTER_CACHE_DIR", cache.toString()), "run", "--config", "" + config);

    assertThat(launch.jvmOptions())
        .contains(
            "-XX:+AutoCreateSharedArchive",
            "-XX:SharedArchiveFile=" + cache.resolve("exitfilter.jsa"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"17.0.15", "17.0.9", "21.0.1", "25"})
  void aJavaThatCanTrimTheNativeHeapIsAskedTo(String version) throws Exception {
    blocklistWithAListOf(10);
    Files.writeString(javaHome.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");

    Launch launch = launch(Map.of(), "run", "--config", config.toString());

    assertThat(launch.jvmOptions())
        .contains("-XX:TrimNativeHeapInterval=" + constant("TRIM_NATIVE_HEAP_MS"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"17.0.8", "17", "19.0.2", "21"})
  void aJavaThatCannotTrimTheNativeHeapIsNotGivenTheOptionItWouldRefuse(String version)
      throws Exception {
    blocklistWithAListOf(10);
    Files.writeString(javaHome.resolve("release"), "JAVA_VERSION=\"" + version + "\"\n");

    Launch launch = launch(Map.of(), "run", "--config", config.toString());

    assertThat(launch.jvmOptions())
        .as("Java %s starts with these options", version)
        .noneMatch(o -> o.startsWith("-XX:TrimNativeHeapInterval"))
        .contains("-XX:+UseSerialGC");
  }

  @Test
  void aMissingJarIsAClearErrorWithExitCode2() throws Exception {
    Files.delete(jar);

    Launch launch = launch(Map.of(), "--version");

    assertThat(launch.exitCode()).isEqualTo(2);
    assertThat(launch.err()).contains("no jar at " + jar);
  }

  @Test
  void aJavaHomeWithoutJavaIsAClearErrorWithExitCode2() throws Exception {
    Launch launch = launch(Map.of("JAVA_HOME", dir.resolve("nojdk").toString()), "--version");

    assertThat(launch.exitCode()).isEqualTo(2);
    assertThat(launch.err()).contains("is not an executable file");
  }

  // ---- helpers ----

  /** What the stand-in java received, and what the launcher printed to stderr. */
  record Launch(int exitCode, List<String> javaArgs, String err) {
    List<String> jvmOptions() {
      int jarAt = javaArgs.indexOf("-jar");
      assertThat(jarAt).as("java was started with -jar: %s %s", javaArgs, err).isNotNegative();
      return javaArgs.subList(0, jarAt);
    }

    List<String> afterJar() {
      return javaArgs.subList(javaArgs.indexOf("-jar") + 2, javaArgs.size());
    }

    String option(String prefix) {
      return jvmOptions().stream().filter(o -> o.startsWith(prefix)).findFirst().orElseThrow();
    }
  }

  private Launch launch(Map<String, String> env, String... args) throws Exception {
    List<String> command = new ArrayList<>(List.of(LAUNCHER.toString()));
    command.addAll(Arrays.asList(args));
    ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("EXITFILTER_"));
    builder.environment().put("JAVA_HOME", javaHome.toString());
    builder.environment().put("EXITFILTER_JAR", jar.toString());
    builder.environment().put("EXITFILTER_PRINT_JVM_OPTS", "1");
    builder.environment().putAll(env);
    Path err = dir.resolve("stderr.txt");
    Process process = builder.redirectError(err.toFile()).start();
    String out = new String(process.getInputStream().readAllBytes(), UTF_8);
    if (!process.waitFor(20, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new AssertionError("the launcher did not end: " + command);
    }
    List<String> javaArgs = out.isEmpty() ? List.of() : List.of(out.split("\n"));
    return new Launch(process.exitValue(), javaArgs, Files.readString(err));
  }

  /** A NAME=value constant of the launcher, a whole number of MiB or bytes. */
  private static long constant(String name) throws IOException {
    Matcher m =
        Pattern.compile("(?m)^" + name + "=(\\d+)").matcher(Files.readString(LAUNCHER, UTF_8));
    assertThat(m.find()).as("the launcher sets %s", name).isTrue();
    return Long.parseLong(m.group(1));
  }

  private static long ceilMib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  private static long mib(String xmx) {
    return Long.parseLong(xmx.substring("-Xmx".length(), xmx.length() - 1));
  }
}
