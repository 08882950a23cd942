package org.exitfilter.shared;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;

/**
 * The shared-list benchmark (issue 11): push-to-enforcement with 3 real exits and with 50 more
 * followers in this JVM, and the cost of a 1,000,000-entry shared list (first fetch, apply, a
 * one-entry change, a fetch that finds nothing new, the server's CPU per fetch, and the RSS of a
 * real exit with it, against the same list as a local list). Loopback only; every wait is bounded.
 *
 * <p>Run it through {@code benchmarks/shared/run.sh}, which builds the jars, generates the list
 * with {@code benchmarks/load/lib.sh} and passes:
 *
 * <pre>{@code
 * java -Xmx3g -XX:+ExplicitGCInvokesConcurrent -cp benchmarks/target/benchmarks.jar \
 *     org.exitfilter.shared.SharedListBench WORK LAUNCHER DOMAINS_1M BLOCKLIST_1M \
 *     REFRESH_SECONDS PUSHES FOLLOWERS REPORT jgit|git
 * }</pre>
 */
public final class SharedListBench {
  private static final String NAME_1M = "site-500007.example-7.test";

  private final Path work;
  private final Path launcher;
  private final Path domains1m;
  private final Path blocklist1m;
  private final int refreshSeconds;
  private final int pushes;
  private final int inJvmFollowers;

  /** "jgit": {@link BenchGitServer}; "git": {@code git daemon} from the git package. */
  private final String serverKind;

  private final StringBuilder report = new StringBuilder();
  private final BlockingQueue<String> uploads = new LinkedBlockingQueue<>();
  private final Random random = new Random(11);
  private final List<AutoCloseable> toClose = new ArrayList<>();

  private Process server;
  private boolean closed;
  private int serverPort;
  private NxDomainResponder dns;
  private Path allowedSigners;
  private SignedRepo bigRepo;
  private Path bigDomains;

  private SharedListBench(String[] args) {
    work = Path.of(args[0]).toAbsolutePath();
    launcher = Path.of(args[1]).toAbsolutePath();
    domains1m = Path.of(args[2]).toAbsolutePath();
    blocklist1m = Path.of(args[3]).toAbsolutePath();
    refreshSeconds = Integer.parseInt(args[4]);
    pushes = Integer.parseInt(args[5]);
    inJvmFollowers = Integer.parseInt(args[6]);
    serverKind = args[8];
  }

  public static void main(String[] args) throws Exception {
    if (args.length != 9 || !List.of("jgit", "git").contains(args[8])) {
      System.err.println(
          "usage: SharedListBench WORK LAUNCHER DOMAINS_1M BLOCKLIST_1M REFRESH_SECONDS PUSHES"
              + " FOLLOWERS REPORT jgit|git");
      System.exit(2);
    }
    SharedListBench bench = new SharedListBench(args);
    // Stopped from outside (a TERM to the run), the exits and the git server go too.
    Runtime.getRuntime().addShutdownHook(new Thread(bench::closeAll, "bench-close"));
    try {
      bench.run();
    } finally {
      bench.closeAll();
      Files.writeString(Path.of(args[7]), bench.report);
      System.out.print(bench.report);
    }
  }

  private void run() throws Exception {
    Files.createDirectories(work.resolve("served"));
    startServer();
    dns = new NxDomainResponder();
    toClose.add(dns);
    line("# Shared lists (issue 11): measured " + Instant.now());
    line("");
    line(
        "Refresh "
            + refreshSeconds
            + " s; git server: "
            + (serverKind.equals("git")
                ? "`git daemon` (git://, " + gitVersion() + ") on 127.0.0.1"
                : "JGit's daemon (git://, as the e2e tests serve) in its own JVM on 127.0.0.1")
            + "; "
            + inJvmFollowers
            + " in-JVM followers; "
            + pushes
            + " pushes per case.");
    line("");
    follow();
    million();
  }

  // ---------------------------------------------------------------- push to enforcement

  private void follow() throws Exception {
    SignedRepo repo = SignedRepo.create(work.resolve("served"), "cascade", work.resolve("signer"));
    toClose.add(repo);
    allowedSigners = work.resolve("allowed_signers");
    Files.writeString(allowedSigners, repo.allowedSignersLine() + "\n");
    Path list = repo.workTree().resolve("blocklist.yaml");
    Files.writeString(list, "bans:\n  - domain: seed.bench.test\n    reason: benchmark\n");
    repo.commit("seed");
    String url = "git://127.0.0.1:" + serverPort + "/cascade.git";
    repo.push(url);

    List<Follower> exits = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ExitProcess exit =
          ExitProcess.start(
              "exit-" + i,
              launcher,
              work.resolve("exit-" + i),
              exitConfig(url, "bans: []\n", work.resolve("exit-" + i)));
      toClose.add(exit);
      exits.add(exit);
    }
    for (Follower exit : exits) {
      awaitEnforced(exit, "seed.bench.test", 120, "start");
    }
    progress("3 exits enforce the seed list");
    InJvmFollower timing =
        InJvmFollower.open("timing", work.resolve("timing"), url, allowedSigners, "1h");
    toClose.add(timing);
    timing.shared.update("cascade", false);

    line("## Push to enforcement");
    line("");
    line(
        "From the moment the push returned (the branch moved on the server) until each follower"
            + " refused the newly banned name: a real exit's answer (403) through its proxy port,"
            + " or an in-JVM follower's serving snapshot. Polled every 10 ms. Between pushes a"
            + " random pause of 0 to refresh, so pushes fall at random points of the followers'"
            + " cycles. *bound*: refresh + the longest no-change fetch + the longest fetch+accept +"
            + " the longest compile+swap + 10 ms, those three measured by one more follower in"
            + " this JVM after each push, once every follower had enforced it (the worst case:"
            + " the push lands just after a fetch read the branch; the next fetch starts one"
            + " refresh after that one ended). *CPU s per push*: the CPU time of every process of"
            + " the round (this JVM, the real exits, the git server) per push, against the wall"
            + " time per push, random pause included; the machine has 2 cores.");
    line("");
    line(
        "| followers | samples | p50 s | p90 s | max s | bound s | no-change fetch p50 / max ms |"
            + " fetch+accept p50 / max ms | compile+swap p50 / max ms | CPU s per push (of"
            + " wall s) |");
    line("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    pushRound("3 real exits", exits, repo, list, url, timing, 0);

    List<Follower> all = new ArrayList<>(exits);
    for (int i = 0; i < inJvmFollowers; i++) {
      InJvmFollower f =
          InJvmFollower.open(
              "jvm-" + i, work.resolve("jvm-" + i), url, allowedSigners, refreshSeconds + "s");
      toClose.add(f);
      f.follow();
      all.add(f);
    }
    for (Follower f : all) {
      awaitEnforced(f, "pushed-" + (pushes - 1) + ".bench.test", 120, "start");
    }
    progress(all.size() + " followers enforce the list");
    pushRound(
        "3 real exits + " + inJvmFollowers + " in one JVM", all, repo, list, url, timing, pushes);
    line("");
    for (Follower f : all) {
      if (f instanceof InJvmFollower inJvm) {
        inJvm.close();
        toClose.remove(inJvm);
      }
    }
    for (Follower exit : exits) {
      ((ExitProcess) exit).close();
      toClose.remove(exit);
    }
    timing.close();
    toClose.remove(timing);
  }

  private void pushRound(
      String label,
      List<Follower> followers,
      SignedRepo repo,
      Path list,
      String url,
      InJvmFollower timing,
      int first)
      throws Exception {
    List<Double> latencies = new ArrayList<>();
    List<Double> fetch = new ArrayList<>();
    List<Double> compile = new ArrayList<>();
    List<Double> unchanged = new ArrayList<>();
    double cpu0 = benchmarkCpu(followers);
    long round0 = System.nanoTime();
    for (int k = first; k < first + pushes; k++) {
      Thread.sleep(random.nextInt(refreshSeconds * 1000));
      String name = "pushed-" + k + ".bench.test";
      SignedRepo.append(list, "  - domain: " + name);
      repo.commit("ban " + name);
      repo.push(url);
      long t0 = System.nanoTime();
      List<Follower> waiting = new ArrayList<>(followers);
      long deadline = t0 + TimeUnit.SECONDS.toNanos(refreshSeconds * 10L + 60);
      while (!waiting.isEmpty() && System.nanoTime() < deadline) {
        for (var it = waiting.iterator(); it.hasNext(); ) {
          if (it.next().enforces(name)) {
            latencies.add((System.nanoTime() - t0) / 1e9);
            it.remove();
          }
        }
        Thread.sleep(10);
      }
      if (!waiting.isEmpty()) {
        throw new IllegalStateException(
            waiting.size() + " followers did not enforce " + name + " in time");
      }
      // With every follower done: one follower's fetch and apply of the same change, timed.
      long a = System.nanoTime();
      UpdateResult result = timing.shared.update("cascade", false);
      long b = System.nanoTime();
      timing.apply();
      long c = System.nanoTime();
      if (result.outcome() != UpdateResult.Outcome.ACCEPTED || !timing.enforces(name)) {
        throw new IllegalStateException("timing follower: " + result);
      }
      long d = System.nanoTime();
      UpdateResult again = timing.shared.update("cascade", false);
      long e = System.nanoTime();
      if (again.outcome() != UpdateResult.Outcome.UNCHANGED) {
        throw new IllegalStateException("timing follower, fetch again: " + again);
      }
      fetch.add((b - a) / 1e6);
      compile.add((c - b) / 1e6);
      unchanged.add((e - d) / 1e6);
      progress(
          label
              + ": push "
              + (k - first + 1)
              + "/"
              + pushes
              + " enforced everywhere after "
              + fmt(latencies.get(latencies.size() - 1)));
    }
    double cpuPerPush = (benchmarkCpu(followers) - cpu0) / pushes;
    double secondsPerPush = (System.nanoTime() - round0) / 1e9 / pushes;
    // The worst case: the push lands just after a follower's fetch read the branch (that fetch
    // finds nothing new), the follower waits one refresh (the delay runs from the end of a
    // fetch), then fetches, accepts and applies; plus one poll interval.
    double bound = refreshSeconds + (max(unchanged) + max(fetch) + max(compile) + 10) / 1000;
    line(
        String.format(
            Locale.ROOT,
            "| %s | %d | %.2f | %.2f | %.2f | %.2f | %.0f / %.0f | %.0f / %.0f | %.0f / %.0f |"
                + " %.2f (%.2f) |",
            label,
            latencies.size(),
            percentile(latencies, 50),
            percentile(latencies, 90),
            max(latencies),
            bound,
            percentile(unchanged, 50),
            max(unchanged),
            percentile(fetch, 50),
            max(fetch),
            percentile(compile, 50),
            max(compile),
            cpuPerPush,
            secondsPerPush));
  }

  /**
   * CPU seconds so far of everything the push rounds run: this JVM (the in-JVM followers, the
   * polling, the signer), the real exits and the git server.
   */
  private double benchmarkCpu(List<Follower> followers) throws InterruptedException {
    double cpu = ExitProcess.cpuSeconds(ProcessHandle.current().pid()) + serverCpu();
    for (Follower f : followers) {
      if (f instanceof ExitProcess exit) {
        cpu += ExitProcess.cpuSeconds(exit.pid());
      }
    }
    return cpu;
  }

  private String exitConfig(String url, String localBlocklist, Path dir) throws Exception {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("blocklist.yaml"), localBlocklist);
    return "admin: off\n"
        + "allow-private-destinations: true\n"
        + "resolver: 127.0.0.1:"
        + dns.port()
        + "\n"
        + "blocklist: blocklist.yaml\n"
        + (url == null
            ? ""
            : "shared-lists:\n"
                + "  - name: cascade\n"
                + "    git: "
                + url
                + "\n"
                + "    path: blocklist.yaml\n"
                + "    allowed-signers: "
                + allowedSigners
                + "\n"
                + "    refresh: "
                + refreshSeconds
                + "s\n"
                + "state-dir: state\n");
  }

  // ---------------------------------------------------------------- a million entries

  private void million() throws Exception {
    SignedRepo repo = SignedRepo.create(work.resolve("served"), "big", work.resolve("signer-big"));
    toClose.add(repo);
    Files.writeString(allowedSigners, repo.allowedSignersLine() + "\n");
    Path domains = repo.workTree().resolve(domains1m.getFileName());
    Files.copy(domains1m, domains);
    Files.copy(blocklist1m, repo.workTree().resolve("blocklist.yaml"));
    bigRepo = repo;
    bigDomains = domains;
    long a = System.nanoTime();
    repo.commit("a million bans");
    long b = System.nanoTime();
    String direct = "git://127.0.0.1:" + serverPort + "/big.git";
    repo.push(direct);
    long c = System.nanoTime();
    line("## A shared list of 1,000,000 entries");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "`%s` (%,d bytes, %,d lines, from `benchmarks/load/lib.sh` `make_lists 1m`) and the"
                + " `blocklist.yaml` that lists it. Signer side: commit %.1f s, first push %.1f s.",
            domains1m.getFileName(),
            Files.size(domains1m),
            lines(domains1m),
            (b - a) / 1e9,
            (c - b) / 1e9));
    line("");
    CountingRelay relay = new CountingRelay(serverPort);
    toClose.add(relay);
    String url = "git://127.0.0.1:" + relay.port() + "/big.git";

    line("### First fetch (clone) and apply");
    line("");
    line(
        "Each row a fresh follower (empty state-dir) in the benchmark's JVM, through a"
            + " byte-counting relay. *fetch+accept* is `SharedList.update`: fetch into the mirror,"
            + " check the SSH signature, write the tree, load the list once to validate it. *apply*"
            + " is `SharedLists.compile` and the swap: load the accepted list again and compile it."
            + " Server CPU: the git server's user+system time over the fetch (JGit's daemon: its"
            + " JVM; git-daemon: the upload-packs it forked and reaped).");
    line("");
    line(
        "| run | raw JGit fetch s | fetch+accept s | apply s | wire bytes (to client / to"
            + " server) | pack bytes, objects | server CPU s |");
    line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    List<InJvmFollower> followers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      uploads.clear();
      double raw = rawFetch(url, work.resolve("raw-" + i));
      uploads.poll(5, TimeUnit.SECONDS); // the raw fetch's pack: the same as the next one
      System.gc();
      InJvmFollower f =
          InJvmFollower.open("big-" + i, work.resolve("big-" + i), url, allowedSigners, "1h");
      toClose.add(f);
      followers.add(f);
      CountingRelay.Totals t0 = relay.settledTotals();
      double cpu0 = serverCpu();
      long s0 = System.nanoTime();
      UpdateResult result = f.shared.update("cascade", false);
      long s1 = System.nanoTime();
      CountingRelay.Totals bytes = relay.settledTotals().minus(t0);
      double cpu = serverCpu() - cpu0;
      f.apply();
      long s2 = System.nanoTime();
      if (result.outcome() != UpdateResult.Outcome.ACCEPTED || !f.enforces(NAME_1M)) {
        throw new IllegalStateException("first fetch: " + result);
      }
      String pack = uploads.poll(5, TimeUnit.SECONDS);
      line(
          String.format(
              Locale.ROOT,
              "| %d | %.2f | %.2f | %.2f | %,d / %,d | %s | %.2f |",
              i + 1,
              raw,
              (s1 - s0) / 1e9,
              (s2 - s1) / 1e9,
              bytes.toClient(),
              bytes.toServer(),
              packSummary(pack),
              cpu));
      progress(
          "1M first fetch "
              + (i + 1)
              + ": "
              + fmt((s1 - s0) / 1e9)
              + " + apply "
              + fmt((s2 - s1) / 1e9));
    }
    line("");

    // A fetch that finds nothing new: what every exit costs the server every refresh.
    int quiet = 50;
    InJvmFollower one = followers.get(0);
    CountingRelay.Totals q0 = relay.settledTotals();
    double qcpu0 = serverCpu();
    List<Double> quietMs = new ArrayList<>();
    uploads.clear();
    for (int i = 0; i < quiet; i++) {
      long s0 = System.nanoTime();
      UpdateResult r = one.shared.update("cascade", false);
      quietMs.add((System.nanoTime() - s0) / 1e6);
      if (r.outcome() != UpdateResult.Outcome.UNCHANGED) {
        throw new IllegalStateException("no-change fetch: " + r);
      }
    }
    CountingRelay.Totals q = relay.settledTotals().minus(q0);
    double qcpu = serverCpu() - qcpu0;
    line("### A fetch that finds nothing new");
    line("");
    line(
        String.format(
            Locale.ROOT,
            "%d fetches one after another by one follower (`SharedList.update`, result"
                + " UNCHANGED): %.1f ms p50, %.1f ms max on the follower; on the wire %,d bytes to"
                + " the client and %,d to the server per fetch (%d connections, %d packs sent);"
                + " server CPU %.1f ms per fetch.",
            quiet,
            percentile(quietMs, 50),
            max(quietMs),
            q.toClient() / quiet,
            q.toServer() / quiet,
            q.connections(),
            uploads.size(),
            qcpu * 1000 / quiet));
    line("");

    // One entry more, fetched by each of the three followers: what a change costs per exit.
    line("### A one-entry change");
    line("");
    line(
        "One name appended to the 1,000,000-line file, committed and signed (JGit); pushed with"
            + " git (`git push`, as a signer at a shell does: a thin pack, the file as a delta) or"
            + " with JGit (as `exitfilter requests approve --shared` does); then each of the three"
            + " followers fetches and applies it, one after another.");
    line("");
    line(
        "| change, pushed with | follower | fetch+accept s | apply s | wire bytes (to client / to"
            + " server) | pack bytes, objects, deltas | server CPU s |");
    line("| --- | --- | ---: | ---: | ---: | ---: | ---: |");
    List<Double> changeFetch = new ArrayList<>();
    List<Double> changeApply = new ArrayList<>();
    List<Long> changeBytes = new ArrayList<>();
    List<Double> changeCpu = new ArrayList<>();
    List<Double> changeFetchJgit = new ArrayList<>();
    List<Double> changeApplyJgit = new ArrayList<>();
    List<Long> changeBytesJgit = new ArrayList<>();
    List<Double> changeCpuJgit = new ArrayList<>();
    for (int c1 = 0; c1 < 4; c1++) {
      String name = "change-" + c1 + ".bench.test";
      boolean withGit = c1 < 2;
      SignedRepo.append(domains, name);
      long p0 = System.nanoTime();
      repo.commit("ban " + name);
      long p1 = System.nanoTime();
      if (withGit) {
        repo.pushWithGit(direct);
      } else {
        repo.push(direct);
      }
      long p2 = System.nanoTime();
      progress(
          "change " + c1 + ": commit " + fmt((p1 - p0) / 1e9) + " push " + fmt((p2 - p1) / 1e9));
      for (InJvmFollower f : followers) {
        uploads.clear();
        System.gc();
        CountingRelay.Totals t0 = relay.settledTotals();
        double cpu0 = serverCpu();
        long s0 = System.nanoTime();
        UpdateResult r = f.shared.update("cascade", false);
        long s1 = System.nanoTime();
        CountingRelay.Totals bytes = relay.settledTotals().minus(t0);
        double cpu = serverCpu() - cpu0;
        f.apply();
        long s2 = System.nanoTime();
        if (r.outcome() != UpdateResult.Outcome.ACCEPTED || !f.enforces(name)) {
          throw new IllegalStateException("one-entry change: " + r);
        }
        String pack = uploads.poll(5, TimeUnit.SECONDS);
        (withGit ? changeFetch : changeFetchJgit).add((s1 - s0) / 1e9);
        (withGit ? changeApply : changeApplyJgit).add((s2 - s1) / 1e9);
        (withGit ? changeBytes : changeBytesJgit).add(bytes.toClient() + bytes.toServer());
        (withGit ? changeCpu : changeCpuJgit).add(cpu);
        line(
            String.format(
                Locale.ROOT,
                "| %d, %s | %s | %.2f | %.2f | %,d / %,d | %s | %.2f |",
                c1 + 1,
                withGit ? "git" : "JGit",
                f.label(),
                (s1 - s0) / 1e9,
                (s2 - s1) / 1e9,
                bytes.toClient(),
                bytes.toServer(),
                packSummary(pack),
                cpu));
      }
    }
    line("");
    for (boolean withGit : new boolean[] {true, false}) {
      line(
          String.format(
              Locale.ROOT,
              "Pushed with %s, per follower and change: fetch+accept p50 %.2f s, apply p50 %.2f s,"
                  + " wire bytes p50 %,d, server CPU p50 %.2f s.",
              withGit ? "git" : "JGit",
              percentile(withGit ? changeFetch : changeFetchJgit, 50),
              percentile(withGit ? changeApply : changeApplyJgit, 50),
              (long) percentileLong(withGit ? changeBytes : changeBytesJgit, 50),
              percentile(withGit ? changeCpu : changeCpuJgit, 50)));
      line("");
    }
    for (InJvmFollower f : followers) {
      f.close();
      toClose.remove(f);
    }
    followers.clear();
    System.gc();

    memory(direct);
  }

  /** RSS of a real exit with the 1M list shared, then with the same list local. */
  private void memory(String url) throws Exception {
    line("### A real exit with the 1M list: shared against local");
    line("");
    line(
        "Each started through the launcher (its JVM options), alone, with nothing else of the"
            + " benchmark running but the git server; RSS sampled every second for 40 s after the"
            + " list was first enforced (no traffic but the probes). *start to 403*: from the"
            + " process start until it refused a name of the list (for the shared list: the"
            + " first fetch and apply included).");
    line("");
    line(
        "| list | start to 403 s | RSS at enforcement MiB | RSS after 40 s MiB | VmHWM MiB |"
            + " one-entry change, push to 403 s | RSS 40 s after the change MiB |");
    line("| --- | ---: | ---: | ---: | ---: | ---: | ---: |");
    // shared
    Path sharedDir = work.resolve("exit-shared-1m");
    try (ExitProcess exit =
        ExitProcess.start(
            "shared-1m", launcher, sharedDir, exitConfig(url, "bans: []\n", sharedDir))) {
      long t0 = System.nanoTime();
      String startTo403 = awaitOrDied(exit, NAME_1M, 300, t0);
      long rssAt = exit.statusKib("VmRSS");
      long rss40 = rssAfter(exit, 40);
      long hwm = exit.statusKib("VmHWM");
      String change = "n/a";
      long rssChange = -1;
      if (exit.alive() && !startTo403.startsWith("died")) {
        String name = "exit-change.bench.test";
        SignedRepo.append(bigDomains, name);
        bigRepo.commit("ban " + name);
        bigRepo.pushWithGit(url);
        long c0 = System.nanoTime();
        change = awaitOrDied(exit, name, 120, c0);
        rssChange = rssAfter(exit, 40);
      }
      line(
          String.format(
              Locale.ROOT,
              "| shared (`shared-lists:`, local list empty) | %s | %s | %s | %s | %s | %s |",
              startTo403,
              mib(rssAt),
              mib(rss40),
              mib(hwm),
              change,
              mib(rssChange)));
    }
    // local
    Path localDir = work.resolve("exit-local-1m");
    Files.createDirectories(localDir);
    Files.copy(domains1m, localDir.resolve(domains1m.getFileName()));
    try (ExitProcess exit =
        ExitProcess.start(
            "local-1m",
            launcher,
            localDir,
            exitConfig(null, Files.readString(blocklist1m), localDir))) {
      long t0 = System.nanoTime();
      String startTo403 = awaitOrDied(exit, NAME_1M, 300, t0);
      long rssAt = exit.statusKib("VmRSS");
      long rss40 = rssAfter(exit, 40);
      long hwm = exit.statusKib("VmHWM");
      line(
          String.format(
              Locale.ROOT,
              "| local (`blocklist:` lists the same file) | %s | %s | %s | %s | – | – |",
              startTo403,
              mib(rssAt),
              mib(rss40),
              mib(hwm)));
    }
    line("");
  }

  // ---------------------------------------------------------------- helpers

  private double rawFetch(String url, Path into) throws Exception {
    try (Repository repo = new FileRepositoryBuilder().setGitDir(into.toFile()).setBare().build()) {
      repo.create(true);
      long t0 = System.nanoTime();
      try (Git git = new Git(repo)) {
        git.fetch()
            .setRemote(url)
            .setRefSpecs(new RefSpec("+refs/heads/main:refs/remotes/origin/main"))
            .setTagOpt(TagOpt.NO_TAGS)
            .call();
      }
      return (System.nanoTime() - t0) / 1e9;
    }
  }

  private String awaitOrDied(ExitProcess exit, String name, int seconds, long t0)
      throws InterruptedException {
    long deadline = t0 + TimeUnit.SECONDS.toNanos(seconds);
    while (System.nanoTime() < deadline) {
      if (!exit.alive()) {
        return "died after " + fmt((System.nanoTime() - t0) / 1e9) + " s (see its log)";
      }
      if (exit.enforces(name)) {
        return fmt((System.nanoTime() - t0) / 1e9);
      }
      Thread.sleep(20);
    }
    return "not within " + seconds + " s";
  }

  private static long rssAfter(ExitProcess exit, int seconds) throws InterruptedException {
    long last = -1;
    for (int i = 0; i < seconds && exit.alive(); i++) {
      Thread.sleep(1000);
      last = exit.statusKib("VmRSS");
    }
    return last;
  }

  private void awaitEnforced(Follower f, String name, int seconds, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    while (!f.enforces(name)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(f.label() + " did not enforce " + name + " at " + what);
      }
      Thread.sleep(20);
    }
  }

  private void startServer() throws Exception {
    if (serverKind.equals("git")) {
      startGitDaemon();
      return;
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    server =
        new ProcessBuilder(
                java,
                "-Xmx1g",
                "-cp",
                System.getProperty("java.class.path"),
                BenchGitServer.class.getName(),
                work.resolve("served").toString())
            .redirectError(work.resolve("server.log").toFile())
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8));
    String first = out.readLine();
    if (first == null || !first.startsWith("port ")) {
      throw new IllegalStateException("git server did not start: " + first);
    }
    serverPort = Integer.parseInt(first.substring(5).trim());
    Thread reader =
        new Thread(
            () -> {
              try {
                String l;
                while ((l = out.readLine()) != null) {
                  uploads.add(l);
                }
              } catch (java.io.IOException e) {
                // stopped
              }
            },
            "server-out");
    reader.setDaemon(true);
    reader.start();
    progress("git server on 127.0.0.1:" + serverPort + " (pid " + server.pid() + ")");
  }

  /**
   * {@code git daemon} serving every repository under served/, receive-pack on. It forks an
   * upload-pack per fetch and reaps it, so its CPU per fetch is its children's time ({@link
   * ExitProcess#cpuSeconds} counts reaped children). No pack statistics: the relay's bytes stand.
   */
  private void startGitDaemon() throws Exception {
    serverPort = ExitProcess.freePort();
    Path served = work.resolve("served");
    // git-daemon itself, not "git daemon": that one runs git-daemon as a child and waits, so its
    // own /proc entry would never count the upload-packs' CPU.
    String daemon = Path.of(output("git", "--exec-path").trim(), "git-daemon").toString();
    server =
        new ProcessBuilder(
                daemon,
                "--reuseaddr",
                "--listen=127.0.0.1",
                "--port=" + serverPort,
                "--base-path=" + served,
                "--export-all",
                "--enable=receive-pack",
                served.toString())
            .redirectErrorStream(true)
            .redirectOutput(work.resolve("server.log").toFile())
            .start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try (java.net.Socket s = new java.net.Socket("127.0.0.1", serverPort)) {
        break;
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline || !server.isAlive()) {
          throw new IllegalStateException("git daemon did not start; see server.log");
        }
        Thread.sleep(20);
      }
    }
    progress("git daemon on 127.0.0.1:" + serverPort + " (pid " + server.pid() + ")");
  }

  /**
   * The git server's CPU seconds so far. git-daemon counts an upload-pack's time once it has reaped
   * it, which it does as the child exits; 100 ms leaves it the time to.
   */
  private double serverCpu() throws InterruptedException {
    if (serverKind.equals("git")) {
      Thread.sleep(100);
    }
    return ExitProcess.cpuSeconds(server.pid());
  }

  private static String gitVersion() {
    try {
      return output("git", "--version").trim();
    } catch (Exception e) {
      return "git";
    }
  }

  private static String output(String... command) throws Exception {
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor(10, TimeUnit.SECONDS);
    return out;
  }

  private synchronized void closeAll() {
    if (closed) {
      return;
    }
    closed = true;
    List<AutoCloseable> reversed = new ArrayList<>(toClose);
    Collections.reverse(reversed);
    for (AutoCloseable c : reversed) {
      try {
        c.close();
      } catch (Exception e) {
        // going anyway
      }
    }
    if (server != null) {
      try {
        server.getOutputStream().close();
        if (serverKind.equals("git")) {
          server.destroy();
        }
        if (!server.waitFor(10, TimeUnit.SECONDS)) {
          server.destroyForcibly();
        }
      } catch (Exception e) {
        server.destroyForcibly();
      }
    }
  }

  private static String packSummary(String upload) {
    if (upload == null) {
      return "no pack";
    }
    // "upload bytes=B objects=O deltas=D ms=T"
    String[] f = upload.split(" ");
    return String.format(
        Locale.ROOT,
        "%,d B, %s, %s",
        Long.parseLong(f[1].substring(6)),
        f[2].replace("=", " "),
        f[3].replace("=", " "));
  }

  private static long lines(Path file) throws java.io.IOException {
    try (var s = Files.lines(file)) {
      return s.count();
    }
  }

  private static String mib(long kib) {
    return kib < 0 ? "–" : String.format(Locale.ROOT, "%.0f", kib / 1024.0);
  }

  private static String fmt(double seconds) {
    return String.format(Locale.ROOT, "%.2f", seconds);
  }

  private static double percentile(List<Double> values, int p) {
    List<Double> sorted = new ArrayList<>(values);
    Collections.sort(sorted);
    int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
    return sorted.get(Math.max(0, Math.min(sorted.size() - 1, i)));
  }

  private static double percentileLong(List<Long> values, int p) {
    return percentile(values.stream().map(Long::doubleValue).toList(), p);
  }

  private static double max(List<Double> values) {
    return Collections.max(values);
  }

  private void line(String text) {
    report.append(text).append('\n');
  }

  private static void progress(String text) {
    System.err.printf("[%tT] %s%n", java.util.Date.from(Instant.now()), text);
  }
}
