package org.exitfilter.cli;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import org.exitfilter.abuse.DnsblWatch;
import org.exitfilter.admin.AdminServer;
import org.exitfilter.admin.Metrics;
import org.exitfilter.admin.StatusReport;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.notice.BuiltInBlockPage;
import org.exitfilter.notice.NoticeServer;
import org.exitfilter.notice.NoticeTemplateException;
import org.exitfilter.notice.PublishedBans;
import org.exitfilter.proxy.ProxyServer;
import org.exitfilter.reload.BlocklistReloader;
import org.exitfilter.reload.CurrentBlocklist;
import org.exitfilter.reload.HangupSignal;
import org.exitfilter.shared.SharedLists;
import org.exitfilter.shared.UpdateResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code exitfilter run}: starts the proxy and serves until stopped. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    versionProvider = Version.class,
    description = {
      "Start the proxy and serve until stopped (SIGTERM or Ctrl-C).",
      "The blocklist reloads when its files change and on SIGHUP."
    })
public final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  /** How long a stop waits for the listeners to close before the JVM exits anyway. */
  private static final long CLOSE_SECONDS = 10;

  @Mixin ConfigOption configOption;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    PrintWriter err = spec.commandLine().getErr();
    ProxyConfig proxyConfig;
    Blocklist blocklist;
    // A list file saved from here on is read again once the reloader watches it.
    Instant loadStarted = Instant.now();
    Metrics metrics;
    try {
      proxyConfig = ConfigLoader.load(configOption.config);
      FutureTask<Blocklist> loading = loadInBackground(proxyConfig.blocklist());
      // Meanwhile, on the other core, what serving needs and the list does not: at a million
      // bans the list is most of the start, and these are a tenth of a second of class loading.
      metrics = new Metrics();
      ProxyServer.loadTransport();
      blocklist = result(loading);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.println("exitfilter: not started; fix the problems above.");
      err.flush();
      return ExitCodes.INVALID_CONFIG;
    }
    blocklist.warnings().forEach(w -> log.warn("{}", w));
    Clock clock = Clock.systemUTC();
    CurrentBlocklist current = new CurrentBlocklist(blocklist, LocalDate.now(clock));
    // The notice publishes the list in force, the local list and the shared lists (put in force
    // below); it keeps the lists' compact entries, not a copy.
    PublishedBans published = proxyConfig.notice() == null ? null : PublishedBans.of(blocklist);
    if (published != null) {
      current.onReplace(published::update, published::updateShared);
    }
    log.info(
        "blocklist {}: {} bans, {} exceptions",
        blocklist.file(),
        blocklist.banCount(),
        blocklist.exceptions().size());
    // Only the compiled snapshot serves from here on; this method runs as long as the proxy, and
    // a reference kept here would hold every list entry a second time.
    blocklist = null;
    CurrentBlocklist.releaseBuildMemory();
    SharedLists shared = SharedLists.open(proxyConfig, clock);
    if (!startSharedLists(shared, current, err)) {
      return ExitCodes.FAILURE;
    }
    metrics.sharedLists(shared::acceptedCommitAges, shared::secondsSinceLastSuccess);
    CountDownLatch stopping = new CountDownLatch(1);
    CountDownLatch closed = new CountDownLatch(1);
    // The JVM halts once the shutdown hooks return, so the hook waits for the close below.
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  stopping.countDown();
                  try {
                    closed.await(CLOSE_SECONDS, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                },
                "exitfilter-shutdown"));
    DnsblWatch dnsbl =
        proxyConfig.dnsbl() == null
            ? null
            : DnsblWatch.start(
                proxyConfig.resolver(),
                proxyConfig.abuse().addresses(),
                proxyConfig.dnsbl().zones(),
                proxyConfig.dnsbl().interval(),
                clock,
                metrics::dnsblChecked);
    try (shared;
        dnsbl;
        BlocklistReloader reloader =
            new BlocklistReloader(
                proxyConfig.blocklist(), current, clock, metrics::reloaded, loadStarted);
        // The notice first: the proxy shows its pages (a request to the proxy itself, the block
        // page), which link to the notice's listener.
        NoticeServer notice =
            proxyConfig.notice() == null
                ? null
                : NoticeServer.start(proxyConfig.notice(), proxyConfig.limits(), published, clock);
        ProxyServer server =
            ProxyServer.start(proxyConfig, current, metrics, BuiltInBlockPage.forProxy(notice));
        AdminServer admin =
            proxyConfig.admin() == null
                ? null
                : AdminServer.start(
                    proxyConfig.admin(),
                    proxyConfig.clients(),
                    metrics,
                    () ->
                        StatusReport.of(
                            current.snapshot(),
                            reloader.lastResult(),
                            shared.status(),
                            dnsbl == null ? null : dnsbl.status()))) {
      reloader.start();
      shared.start(current, metrics::sharedListUpdated);
      HangupSignal.onHangup(
          () -> {
            reloader.reloadNow("SIGHUP");
            shared.updateAllNow();
            if (notice != null) {
              notice.reloadTemplates();
            }
          });
      stopping.await();
      log.info("stopping");
    } catch (NoticeTemplateException e) {
      e.problems().forEach(err::println);
      err.println("exitfilter: not started; fix the notice templates above.");
      err.flush();
      return ExitCodes.INVALID_CONFIG;
    } finally {
      closed.countDown();
    }
    return ExitCodes.OK;
  }

  /**
   * Puts the accepted commits of the shared lists in force before the proxy serves, from {@code
   * state-dir} and without the network. A required list that has no accepted commit yet is fetched
   * once; without one the proxy does not start.
   */
  /** Loads the blocklist on a thread of its own, started now. */
  private static FutureTask<Blocklist> loadInBackground(Path blocklistFile) {
    FutureTask<Blocklist> loading =
        new FutureTask<>(
            () -> BlocklistLoader.load(blocklistFile, BlocklistLoader.Analysis.PER_ENTRY));
    Thread loader = new Thread(loading, "exitfilter-load");
    loader.setDaemon(true);
    loader.start();
    return loading;
  }

  /** The loaded blocklist, or what its load threw. */
  private static Blocklist result(FutureTask<Blocklist> loading)
      throws ConfigException, IOException {
    try {
      return loading.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while loading the blocklist", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof ConfigException c) {
        throw c;
      }
      if (cause instanceof IOException io) {
        throw io;
      }
      if (cause instanceof RuntimeException r) {
        throw r;
      }
      if (cause instanceof Error error) {
        throw error;
      }
      throw new IOException(cause);
    }
  }

  private static boolean startSharedLists(
      SharedLists shared, CurrentBlocklist current, PrintWriter err) throws IOException {
    for (String name : shared.requiredWithoutAcceptedCommit()) {
      UpdateResult result = shared.update(name, false);
      if (result.outcome() != UpdateResult.Outcome.ACCEPTED) {
        err.println(
            "exitfilter: not started: shared list "
                + name
                + " is required and has no accepted commit: "
                + result.message());
        err.flush();
        return false;
      }
    }
    shared.putInForce(current);
    return true;
  }
}
