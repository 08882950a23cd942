package org.exitfilter.e2e;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.Limits;
import org.exitfilter.shared.SharedLists;
import org.exitfilter.shared.UpdateResult;
import org.exitfilter.testing.GitServer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The launcher {@code bin/exitfilter}: the JVM options it computes from the blocklist and the
 * shared lists' accepted commits, and the command line it hands to java. It runs against a stand-in
 * java (a script printing its arguments, one per line) and an empty jar, so it needs neither a
 * build nor a JVM start.
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
        echo "java saw MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX-unset}" >&2
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

    assertThat(launch.err()).contains("blocklist entries (estimate): " + entries + "\n");
    assertThat(launch.jvmOptions())
        .as("the rule: base + ceil(entries * B/entry / 2^20) + ceil(connections * B/conn / 2^20)")
        .contains(xmx(entries, constant("DEFAULT_MAX_CONNECTIONS")))
        .as("starts at the list's part, at most the cap: the floor it shrinks back to")
        .contains(
            "-XX:InitialHeapSize="
                + Math.min(runHeapMib(entries, 0), constant("INITIAL_HEAP_CAP_MIB"))
                + "m")
        .noneMatch(o -> o.startsWith("-Xms"));
  }

  @Test
  void aConfigWithANoticeIsSizedLikeOneWithout() throws Exception {
    long entries = blocklistWithAListOf(100_000);
    Launch without = launch(Map.of(), "run", "--config", config.toString());
    Files.writeString(
        config,
        "notice:\n  listen: [\"127.0.0.1:8080\"]\n  operator: x\n  contact: a@b.example\n",
        StandardOpenOption.APPEND);

    Launch with = launch(Map.of(), "run", "--config", config.toString());

    assertThat(with.option("-Xmx"))
        .as("the notice publishes from the arrays the index keeps anyway: no heap per entry")
        .isEqualTo(without.option("-Xmx"))
        .isEqualTo(xmx(entries, constant("DEFAULT_MAX_CONNECTIONS")));
  }

  @Test
  void theProxysHeapHasRoomForEveryConnectionItMayHold() throws Exception {
    long entries = blocklistWithAListOf(1_000);
    Launch byDefault = launch(Map.of(), "run", "--config", config.toString());
    Files.writeString(
        config,
        "limits:\n  # max-connections: 5\n  max-connections: 2000  # a small exit\n",
        StandardOpenOption.APPEND);

    Launch fewer = launch(Map.of(), "run", "--config", config.toString());
    Launch check = launch(Map.of(), "check", "--config", config.toString(), "example.org");

    assertThat(constant("DEFAULT_MAX_CONNECTIONS"))
        .as("the launcher's default is the proxy's")
        .isEqualTo(Limits.DEFAULTS.maxConnections());
    assertThat(byDefault.option("-Xmx"))
        .as("no limits: in the config: max-connections' default")
        .isEqualTo(xmx(entries, constant("DEFAULT_MAX_CONNECTIONS")));
    assertThat(fewer.err()).contains("client connections at most: 2000\n");
    assertThat(fewer.option("-Xmx")).isEqualTo(xmx(entries, 2000));
    assertThat(check.option("-Xmx"))
        .as("a command that holds no client connections")
        .isEqualTo(xmx(entries, 0));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "limits:\n  idle-timeout: 60s\n  max-connections: 3000\n",
        "limits: {max-connections: 3000}  # a small exit\n",
        "limits: {idle-timeout: 60s, max-connections: 3000}\n",
        "limits: {\n  idle-timeout: 60s,\n  max-connections: \"3000\"\n}\n",
        "# max-connections: 5\nlimits:\n  # max-connections: 6\n  max-connections: '3000'  # not 7\n"
      })
  void theLauncherReadsMaxConnectionsAsTheJarDoesInBlockOrFlowStyle(String limits)
      throws Exception {
    long entries = blocklistWithAListOf(10);
    Files.writeString(config, limits, StandardOpenOption.APPEND);

    Launch run = launch(Map.of(), "run", "--config", config.toString());

    assertThat(ConfigLoader.load(config).limits().maxConnections())
        .as("what the jar reads")
        .isEqualTo(3000);
    assertThat(run.err()).contains("client connections at most: 3000\n");
    assertThat(run.option("-Xmx")).isEqualTo(xmx(entries, 3000));
  }

  @Test
  void theEntriesOfASharedListsAcceptedCommitCountWithTheLocalOnes() throws Exception {
    long local = blocklistWithAListOf(1_000);
    try (GitServer git = GitServer.start(dir.resolve("git"))) {
      GitServer.Key ops = git.newKey("ops@example.net");
      Files.writeString(
          config.resolveSibling("cascade.allowed_signers"), ops.allowedSignersLine() + "\n");
      Files.writeString(
          config,
          "allow-private-destinations: true\n"
              + "shared-lists:\n"
              + "  - name: cascade\n"
              + "    git: "
              + git.url()
              + "\n"
              + "    path: blocklist.yaml\n"
              + "    allowed-signers: cascade.allowed_signers\n"
              + "state-dir: ../var/state\n",
          StandardOpenOption.APPEND);
      git.commitLocally(null, "lists/optout.txt", "a.test\nb.test\nc.test\n");
      git.commit(
          ops,
          "blocklist.yaml",
          """
          bans:
            - domain: banned.test
            - host: www.other.test
          exceptions:
            - host: kept.banned.test
          lists:
            - file: lists/optout.txt
              kind: domain
          """);
      try (SharedLists shared = SharedLists.open(ConfigLoader.load(config), Clock.systemUTC())) {
        assertThat(shared.update("cascade", false).outcome())
            .isEqualTo(UpdateResult.Outcome.ACCEPTED);
      }
    }
    long sharedEntries = 2 + 1 + 3; // two bans, an exception and the list file's three names

    Launch launch = launch(Map.of(), "run", "--config", config.toString());

    assertThat(launch.err())
        .as("the count the Java side recorded on acceptance, read without git")
        .contains("of which shared lists: " + sharedEntries + "\n")
        .contains("blocklist entries (estimate): " + (local + sharedEntries) + "\n");
    assertThat(launch.option("-Xmx"))
        .isEqualTo(xmx(local + sharedEntries, constant("DEFAULT_MAX_CONNECTIONS")));
  }

  @Test
  void onlyTheSharedListsTheConfigNamesCountAndOneNeverAcceptedCountsAsABigList() throws Exception {
    long local = blocklistWithAListOf(10);
    Files.writeString(
        config,
        """
        shared-lists:
          - name: cascade   # the network's list
            git: https://bans.example.net/cascade.git
            allowed-signers: cascade.allowed_signers
          - git: https://bans.example.net/new.git
            name: "fresh"
        """,
        StandardOpenOption.APPEND);
    Path state = config.resolveSibling("state");
    Files.createDirectories(state.resolve("cascade"));
    Files.writeString(state.resolve("cascade/accepted-entries"), "250000 1a2b3c4d\n");
    Files.createDirectories(state.resolve("fresh"));
    Files.createDirectories(state.resolve("dropped"));
    Files.writeString(state.resolve("dropped/accepted-entries"), "900000 5e6f7a8b\n");

    Launch launch = launch(Map.of(), "check", "--config", config.toString(), "example.org");

    long unknown = constant("SHARED_UNKNOWN_ENTRIES");
    assertThat(unknown)
        .as("room for a list of a million entries")
        .isGreaterThanOrEqualTo(1_000_000);
    assertThat(launch.err())
        .as(
            "state beside the config by default; a list never accepted (fresh) has room for its"
                + " first fetch; a folder of a list no longer configured ignored")
        .contains("of which shared lists: " + (250_000 + unknown) + "\n")
        .contains("blocklist entries (estimate): " + (local + 250_000 + unknown) + "\n");
  }

  @Test
  void aListWhoseUpdateTheJvmDidNotSurviveIsSizedForWhatItWasLoading() throws Exception {
    long local = blocklistWithAListOf(10);
    Files.writeString(
        config,
        """
        shared-lists:
          - name: cascade
            git: https://bans.example.net/cascade.git
            allowed-signers: cascade.allowed_signers
        state-dir: /nonexistent/elsewhere
        """
            .replace("/nonexistent/elsewhere", dir.resolve("var").toString()),
        StandardOpenOption.APPEND);
    Path list = dir.resolve("var/cascade");
    Files.createDirectories(list.resolve("candidate-5e6f7a8b/lists"));
    Files.writeString(list.resolve("accepted-entries"), "1000 1a2b3c4d\n");
    // What an update that ran out of heap leaves: the checkout it was loading.
    Files.writeString(
        list.resolve("candidate-5e6f7a8b/blocklist.yaml"),
        "# grown\nlists:\n  - file: lists/big.txt\n    kind: domain\n");
    Files.writeString(
        list.resolve("candidate-5e6f7a8b/lists/big.txt"),
        IntStream.range(0, 300_000)
            .mapToObj(i -> "n" + i + ".test\n")
            .collect(Collectors.joining()));

    Launch launch = launch(Map.of(), "run", "--config", config.toString());

    long candidate = 3 + 300_000; // lists, file, kind, then the names
    assertThat(launch.err())
        .as("the restart after the update died has room for the list it was loading")
        .contains("of which shared lists: " + candidate + "\n")
        .contains("blocklist entries (estimate): " + (local + candidate) + "\n");
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
  void onlyTheLongRunningProxyGivesUpTheQuickCompiler() throws Exception {
    blocklistWithAListOf(10);

    Launch run = launch(Map.of(), "run", "--config", config.toString());
    Launch validate = launch(Map.of(), "validate", "--config", config.toString());

    assertThat(run.jvmOptions())
        .as("run: the optimizing compiler only, for less resident code")
        .contains(constantText("RUN_COMPILER"), "-Dio.netty.jfr.enabled=false");
    assertThat(validate.jvmOptions())
        .as("a command that ends within seconds keeps the quick first tier")
        .doesNotContain(constantText("RUN_COMPILER"));
  }

  @Test
  void aSmallListsHeapKeepsSmallPages() throws Exception {
    blocklistWithAListOf(10);

    Launch launch = launch(Map.of(), "run", "--config", config.toString());

    assertThat(launch.jvmOptions())
        .as("a small list: a huge page would be resident whole, for little gain at its start")
        .doesNotContain(constantText("HUGE_PAGES"));
  }

  @Test
  void aBigListsHeapTakesTransparentHugePagesExactlyWhenTheKernelOffersThem() throws Exception {
    blocklistWithAListOf((int) constant("HUGE_PAGES_FROM_ENTRIES"));
    Path setting = Path.of(constantText("THP_SETTING"));
    String mode = Files.isReadable(setting) ? Files.readString(setting) : "";
    boolean offered = mode.contains("[always]") || mode.contains("[madvise]");

    Launch launch = launch(Map.of(), "run", "--config", config.toString());

    if (offered) {
      assertThat(launch.jvmOptions())
          .as("the kernel says %s", mode.strip())
          .contains(constantText("HUGE_PAGES"));
    } else {
      assertThat(launch.jvmOptions())
          .as("the kernel says '%s': the JVM would warn and go on without", mode.strip())
          .doesNotContain(constantText("HUGE_PAGES"));
    }
  }

  @Test
  void aBiggerListGetsABiggerHeap() throws Exception {
    blocklistWithAListOf(10);
    String small = launch(Map.of(), "run", "-c", config.toString()).option("-Xmx");
    blocklistWithAListOf(200_000);
    String big = launch(Map.of(), "run", "-c", config.toString()).option("-Xmx");

    assertThat(mib(big)).isGreaterThan(mib(small));
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
  void onJava17RunMakesItsArchiveAtItsStopAndTheNextStartReadsIt() throws Exception {
    blocklistWithAListOf(10);
    Path cache = Files.createDirectory(dir.resolve("cache"));
    Path stale = Files.writeString(cache.resolve("exitfilter-run-1-2-3-4.jsa"), "another jar's");
    Map<String, String> env = Map.of("EXITFILTER_CACHE_DIR", cache.toString());

    String made =
        launch(env, "run", "--config", config.toString()).option("-XX:ArchiveClassesAtExit=");
    Path archive = Path.of(made.substring("-XX:ArchiveClassesAtExit=".length()));
    assertThat(archive.getParent()).isEqualTo(cache);
    assertThat(stale).as("an archive of another jar or JVM leaves").doesNotExist();

    Files.writeString(archive, "what the JVM wrote at the stop");
    assertThat(launch(env, "run", "--config", config.toString()).jvmOptions())
        .contains("-XX:SharedArchiveFile=" + archive)
        .noneMatch(o -> o.startsWith("-XX:ArchiveClassesAtExit"));
    assertThat(launch(env, "check", "--config", config.toString(), "example.org").jvmOptions())
        .as("only the service's start is waited for")
        .noneMatch(o -> o.contains("Archive"));
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
  void theCLibraryKeepsFewPoolsOfMemoryUnlessTheOperatorSetsHowMany() throws Exception {
    blocklistWithAListOf(10);

    Launch byDefault = launch(Map.of(), "run", "--config", config.toString());
    Launch operators = launch(Map.of("MALLOC_ARENA_MAX", "4"), "run", "--config", "" + config);

    assertThat(byDefault.err())
        .contains("java saw MALLOC_ARENA_MAX=" + constant("MALLOC_ARENAS") + "\n");
    assertThat(operators.err()).contains("java saw MALLOC_ARENA_MAX=4\n");
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
    builder
        .environment()
        .keySet()
        .removeIf(k -> k.startsWith("EXITFILTER_") || k.equals("MALLOC_ARENA_MAX"));
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

  private static String constantText(String name) throws IOException {
    Matcher m =
        Pattern.compile("(?m)^" + name + "=(\\S+)").matcher(Files.readString(LAUNCHER, UTF_8));
    assertThat(m.find()).as("the launcher sets %s", name).isTrue();
    return m.group(1);
  }

  /** The {@code -Xmx} option {@link #runHeapMib} gives. */
  private static String xmx(long entries, long connections) throws IOException {
    return "-Xmx" + runHeapMib(entries, connections) + "m";
  }

  /** The launcher's rule for the heap, in MiB, as its comment states it. */
  private static long runHeapMib(long entries, long connections) throws IOException {
    return constant("BASE_HEAP_MIB")
        + ceilMib(entries * constant("BYTES_PER_ENTRY"))
        + ceilMib(connections * constant("BYTES_PER_CONNECTION"));
  }

  private static long ceilMib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  private static long mib(String xmx) {
    return Long.parseLong(xmx.substring("-Xmx".length(), xmx.length() - 1));
  }
}
