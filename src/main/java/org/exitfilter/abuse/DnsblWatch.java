package org.exitfilter.abuse;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNSBL check while the proxy runs: at start, then every {@code dnsbl: interval}, on a thread
 * of its own. Each round's results go to a listener (the metrics) and are kept for {@code /status}.
 * A change of an address's standing in a zone is logged; the addresses are the exit's own, never a
 * user's.
 */
public final class DnsblWatch implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DnsblWatch.class);

  /** One round of the check: when it ran and what it found. */
  public record Round(Instant at, List<Dnsbl.Result> results) {}

  private final Dnsbl dnsbl;
  private final List<InetAddress> addresses;
  private final List<String> zones;
  private final Clock clock;
  private final Consumer<List<Dnsbl.Result>> listener;
  private final ScheduledExecutorService executor;
  private volatile Round last;

  private DnsblWatch(
      InetSocketAddress resolver,
      List<InetAddress> addresses,
      List<String> zones,
      Clock clock,
      Consumer<List<Dnsbl.Result>> listener) {
    this.dnsbl = new Dnsbl(resolver);
    this.addresses = List.copyOf(addresses);
    this.zones = List.copyOf(zones);
    this.clock = clock;
    this.listener = listener;
    this.executor =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "dnsbl-watch");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** Starts the rounds: the first at once, then one every {@code interval}. */
  public static DnsblWatch start(
      InetSocketAddress resolver,
      List<InetAddress> addresses,
      List<String> zones,
      Duration interval,
      Clock clock,
      Consumer<List<Dnsbl.Result>> listener) {
    DnsblWatch watch = new DnsblWatch(resolver, addresses, zones, clock, listener);
    watch.executor.scheduleWithFixedDelay(
        watch::round, 0, interval.toMillis(), TimeUnit.MILLISECONDS);
    return watch;
  }

  private void round() {
    try {
      List<Dnsbl.Result> results = dnsbl.check(addresses, zones);
      logChanges(last, results);
      last = new Round(clock.instant(), results);
      listener.accept(results);
    } catch (RuntimeException e) {
      // A failed round must not end the schedule; the next one tries again.
      log.warn("DNSBL check failed; trying again at the next interval", e);
    }
  }

  private static void logChanges(Round before, List<Dnsbl.Result> now) {
    for (Dnsbl.Result result : now) {
      Dnsbl.Status was = null;
      if (before != null) {
        for (Dnsbl.Result old : before.results()) {
          if (old.zone().equals(result.zone()) && old.address().equals(result.address())) {
            was = old.status();
          }
        }
      }
      if (result.status() != was && result.status() != Dnsbl.Status.NOT_LISTED) {
        log.warn(
            "DNSBL {}: {} is {}{}",
            result.zone(),
            result.address(),
            result.status().wire(),
            result.reason() == null ? "" : " (" + result.reason() + ")");
      }
    }
  }

  /** The last round for {@code /status}: when it ran and each zone and address, or nothing yet. */
  public Map<String, Object> status() {
    Round round = last;
    Map<String, Object> status = new LinkedHashMap<>();
    status.put("checkedAt", round == null ? null : round.at().toString());
    List<Map<String, Object>> results = new ArrayList<>();
    if (round != null) {
      round.results().forEach(result -> results.add(result.json()));
    }
    status.put("results", results);
    return status;
  }

  @Override
  public void close() {
    executor.shutdownNow();
  }
}
