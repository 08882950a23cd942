package org.exitfilter.admin;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.exitfilter.abuse.Dnsbl;
import org.exitfilter.config.Rule;
import org.exitfilter.proxy.ProxyObserver;
import org.exitfilter.reload.ReloadResult;
import org.exitfilter.shared.UpdateResult;

/**
 * The proxy's Prometheus metrics. Aggregate counts only: by outcome, by blocklist entry (labelled
 * with the entry's {@link org.exitfilter.config.Source#label() file and line}, a shared list's as
 * {@code cascade@1a2b3c4:blocklist.yaml:12}, never with a requested name; the first {@value
 * #MAX_RULE_SERIES} entries hit, the rest together), bytes, open connections. Nothing a user sent
 * ever becomes a label.
 */
public final class Metrics implements ProxyObserver {
  /**
   * At most about this many {@code exitfilter_blocks_total} series with a file and line; blocks by
   * further entries count under {@link #OTHER_RULES}. Each series lives until the process ends, and
   * a client can ask for a different banned name on every request (a 403 costs it nothing): with a
   * million-entry list that would be a series per entry, hundreds of megabytes, until the heap ran
   * out. An operator looking for the entries that are hit finds them among the first thousand.
   */
  static final int MAX_RULE_SERIES = 1_000;

  /** The {@code rule} label of the blocks beyond {@link #MAX_RULE_SERIES}: no file, no line. */
  static final String OTHER_RULES = "other";

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  // Data points resolved once: the proxy reports on every request and every body piece.
  private final CounterDataPoint[] byOutcome = new CounterDataPoint[Outcome.values().length];
  private final CounterDataPoint bytesUp;
  private final CounterDataPoint bytesDown;
  private final Counter blocksByRule;
  // The series of blocksByRule by "kind file:line", to count them; told on every event loop.
  private final Map<String, CounterDataPoint> ruleSeries = new ConcurrentHashMap<>();
  private final Gauge connections;
  private final Gauge tunnels;
  private final Counter bytes;
  private final Counter reloads;
  private final Gauge blocklistValid;
  private final Counter sharedUpdates;
  private final Gauge dnsblListed;

  public Metrics() {
    requests =
        Counter.builder()
            .name("exitfilter_requests_total")
            .help("Requests and CONNECTs by how they ended")
            .labelNames("outcome")
            .withoutExemplars()
            .register(registry);
    for (Outcome outcome : Outcome.values()) {
      byOutcome[outcome.ordinal()] = requests.labelValues(label(outcome));
    }
    blocksByRule =
        Counter.builder()
            .name("exitfilter_blocks_total")
            .help(
                "Refusals by the blocklist entry that decided (file:line, or list@commit:file:line)")
            .labelNames("rule", "kind")
            .withoutExemplars()
            .register(registry);
    connections =
        Gauge.builder()
            .name("exitfilter_client_connections")
            .help("Client connections open")
            .withoutExemplars()
            .register(registry);
    tunnels =
        Gauge.builder()
            .name("exitfilter_tunnels")
            .help("CONNECT tunnels open")
            .withoutExemplars()
            .register(registry);
    bytes =
        Counter.builder()
            .name("exitfilter_relayed_bytes_total")
            .help("Body and tunnel bytes relayed, by direction")
            .labelNames("direction")
            .withoutExemplars()
            .register(registry);
    bytesUp = bytes.labelValues("upstream");
    bytesDown = bytes.labelValues("downstream");
    reloads =
        Counter.builder()
            .name("exitfilter_blocklist_reloads_total")
            .help("Blocklist load attempts by result")
            .labelNames("result")
            .withoutExemplars()
            .register(registry);
    reloads.labelValues("applied").inc(0);
    reloads.labelValues("refused").inc(0);
    blocklistValid =
        Gauge.builder()
            .name("exitfilter_blocklist_last_load_ok")
            .help("1 when the last blocklist load was applied, 0 while an invalid edit is refused")
            .withoutExemplars()
            .register(registry);
    blocklistValid.set(1);
    dnsblListed =
        Gauge.builder()
            .name("exitfilter_dnsbl_listed")
            .help(
                "1 when the exit's address is listed in the DNSBL zone, 0 when not, NaN when the"
                    + " zone's answer is unknown or the zone is dead")
            .labelNames("zone", "address")
            .withoutExemplars()
            .register(registry);
    sharedUpdates =
        Counter.builder()
            .name("exitfilter_shared_list_updates_total")
            .help(
                "Shared list updates by list and result (accepted, unchanged, refused, unreachable)")
            .labelNames("list", "result")
            .withoutExemplars()
            .register(registry);
  }

  /** The results of one DNSBL round; the labels are the zones and the exit's own addresses. */
  public void dnsblChecked(List<Dnsbl.Result> results) {
    for (Dnsbl.Result result : results) {
      dnsblListed
          .labelValues(result.zone(), result.address())
          .set(
              switch (result.status()) {
                case LISTED -> 1;
                case NOT_LISTED -> 0;
                case UNKNOWN, DEAD -> Double.NaN;
              });
    }
  }

  PrometheusRegistry registry() {
    return registry;
  }

  @Override
  public void outcome(Outcome outcome, Rule rule) {
    byOutcome[outcome.ordinal()].inc();
    if (rule != null) {
      blocksBy(rule).inc();
    }
  }

  private CounterDataPoint blocksBy(Rule rule) {
    String label = rule.source().label();
    String kind = rule.kind().key();
    String key = kind + ' ' + label;
    CounterDataPoint series = ruleSeries.get(key);
    if (series != null) {
      return series;
    }
    if (ruleSeries.size() >= MAX_RULE_SERIES) {
      // Event loops that race past the check add a series each: "about" the limit.
      return blocksByRule.labelValues(OTHER_RULES, kind);
    }
    return ruleSeries.computeIfAbsent(key, k -> blocksByRule.labelValues(label, kind));
  }

  @Override
  public void clientConnections(int delta) {
    connections.inc(delta);
  }

  @Override
  public void tunnels(int delta) {
    tunnels.inc(delta);
  }

  @Override
  public void bytesUpstream(long count) {
    bytesUp.inc(count);
  }

  @Override
  public void bytesDownstream(long count) {
    bytesDown.inc(count);
  }

  /**
   * Exposes the age of each shared list's accepted commit and the time since a fetch last confirmed
   * it, so that an operator can alert on a list gone stale (an unreachable remote never drops it).
   */
  public void sharedLists(
      Supplier<Map<String, Double>> acceptedCommitAge,
      Supplier<Map<String, Double>> sinceLastSuccess) {
    GaugeWithCallback.builder()
        .name("exitfilter_shared_list_accepted_commit_age_seconds")
        .help("Seconds since the accepted commit of each shared list was made")
        .labelNames("list")
        .callback(callback -> acceptedCommitAge.get().forEach((l, v) -> callback.call(v, l)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("exitfilter_shared_list_last_success_age_seconds")
        .help("Seconds since a fetch of each shared list last confirmed or accepted its commit")
        .labelNames("list")
        .callback(callback -> sinceLastSuccess.get().forEach((l, v) -> callback.call(v, l)))
        .register(registry);
  }

  /** Records a shared list update: accepted, unchanged, refused or unreachable. */
  public void sharedListUpdated(String list, UpdateResult result) {
    sharedUpdates.labelValues(list, result.outcome().label()).inc();
  }

  /** Records a blocklist load attempt. */
  public void reloaded(ReloadResult result) {
    reloads.labelValues(result.applied() ? "applied" : "refused").inc();
    blocklistValid.set(result.applied() ? 1 : 0);
  }

  private static String label(Outcome outcome) {
    return outcome.name().toLowerCase(Locale.ROOT);
  }
}
