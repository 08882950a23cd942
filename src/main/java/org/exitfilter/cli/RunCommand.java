package org.exitfilter.cli;

import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.exitfilter.admin.AdminServer;
import org.exitfilter.admin.Metrics;
import org.exitfilter.admin.StatusReport;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ConfigLoader;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.proxy.ProxyServer;
import org.exitfilter.reload.BlocklistReloader;
import org.exitfilter.reload.CurrentBlocklist;
import org.exitfilter.reload.HangupSignal;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code exitfilter run}: starts the proxy and serves until stopped. */
@Command(
    name = "run",
    mixinStandardHelpOptions = true,
    description = {
      "Start the proxy and serve until stopped.",
      "The blocklist reloads when its files change and on SIGHUP."
    })
public final class RunCommand implements Callable<Integer> {
  private static final Logger log = LoggerFactory.getLogger(RunCommand.class);

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      defaultValue = "conf/exitfilter.yaml",
      description = "The configuration file (default: ${DEFAULT-VALUE}).")
  Path config;

  @Override
  public Integer call() throws Exception {
    ProxyConfig proxyConfig;
    Blocklist blocklist;
    try {
      proxyConfig = ConfigLoader.load(config);
      blocklist = BlocklistLoader.load(proxyConfig.blocklist());
    } catch (ConfigException e) {
      System.err.println(e.getMessage());
      System.err.println("exitfilter: not started; fix the problems above.");
      return ExitCodes.INVALID_CONFIG;
    }
    blocklist.warnings().forEach(w -> log.warn("{}", w));
    Clock clock = Clock.systemUTC();
    CurrentBlocklist current = new CurrentBlocklist(blocklist, LocalDate.now(ZoneOffset.UTC));
    log.info(
        "blocklist {}: {} bans, {} exceptions",
        blocklist.file(),
        blocklist.bans().size(),
        blocklist.exceptions().size());
    Metrics metrics = new Metrics(() -> current.get().cacheHitRatio());
    CountDownLatch stopped = new CountDownLatch(1);
    try (BlocklistReloader reloader =
            new BlocklistReloader(proxyConfig.blocklist(), current, clock, metrics::reloaded);
        ProxyServer server = ProxyServer.start(proxyConfig, current, metrics);
        AdminServer admin =
            proxyConfig.admin() == null
                ? null
                : AdminServer.start(
                    proxyConfig.admin(),
                    metrics,
                    () -> StatusReport.of(current.snapshot(), reloader.lastResult()))) {
      reloader.start();
      HangupSignal.onHangup(() -> reloader.reloadNow("SIGHUP"));
      Runtime.getRuntime()
          .addShutdownHook(new Thread(stopped::countDown, "exitfilter-shutdown"));
      stopped.await();
      log.info("stopping");
    }
    return ExitCodes.OK;
  }
}
