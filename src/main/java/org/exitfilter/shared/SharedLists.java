package org.exitfilter.shared;

import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.config.SharedListConfig;
import org.exitfilter.match.Matcher;
import org.exitfilter.reload.CurrentBlocklist;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The shared lists an exit follows ({@code shared-lists:} in {@code exitfilter.yaml}): their
 * updates, on a timer, on SIGHUP and on demand, and their accepted commits, which {@link
 * #putInForce} hands to {@link CurrentBlocklist} to compile and layer under the operator's own list
 * (and to hand on to what publishes the list in force).
 *
 * <p>Updates run on one thread of their own ({@link #start}), never on an event loop. The commands
 * call {@link #update} on theirs; a file lock per list keeps a command and a running proxy from
 * updating the same list at once, and the proxy applies a commit a command accepted at its next
 * update of that list.
 */
public final class SharedLists implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SharedLists.class);

  /** When the memory of a replaced snapshot is given back a second time; see {@link #follow}. */
  private static final Duration LATE_RELEASE = Duration.ofSeconds(30);

  private final GitNetwork network;
  private final List<SharedList> lists;
  private final Clock clock;
  private final Map<String, SharedListState> states = new ConcurrentHashMap<>();

  /** The accepted commit of each list in the serving snapshot; update thread only. */
  private final Map<String, String> serving = new HashMap<>();

  private ScheduledExecutorService executor;
  private CurrentBlocklist current;
  private BiConsumer<String, UpdateResult> listener = (name, result) -> {};

  private SharedLists(List<SharedList> lists, GitNetwork network, Clock clock) {
    this.lists = List.copyOf(lists);
    this.network = network;
    this.clock = clock;
  }

  /** The shared lists of a configuration; reads their state, fetches nothing. */
  public static SharedLists open(ProxyConfig config, Clock clock) throws IOException {
    List<SharedList> lists = new ArrayList<>();
    GitNetwork network = new GitNetwork(config, config.sharedLists());
    for (SharedListConfig list : config.sharedLists()) {
      lists.add(new SharedList(list, config.stateDir(), network, clock));
    }
    SharedLists shared = new SharedLists(lists, network, clock);
    for (SharedList list : lists) {
      shared.states.put(list.name(), list.state());
    }
    return shared;
  }

  public boolean isEmpty() {
    return lists.isEmpty();
  }

  public List<String> names() {
    return lists.stream().map(SharedList::name).toList();
  }

  /**
   * Fetches one list now and accepts its tip if it passes every check.
   *
   * @throws IllegalArgumentException when no shared list has that name
   */
  public UpdateResult update(String name, boolean allowRewrite) throws IOException {
    SharedList list = find(name);
    UpdateResult result = list.update(allowRewrite);
    states.put(name, list.state());
    return result;
  }

  /** The facts kept of every list, read from {@code state-dir} now. */
  public List<SharedListState> states() throws IOException {
    List<SharedListState> all = new ArrayList<>();
    for (SharedList list : lists) {
      SharedListState state = list.state();
      states.put(list.name(), state);
      all.add(state);
    }
    return all;
  }

  /** The lists marked {@code required: true} that have no accepted commit. */
  public List<String> requiredWithoutAcceptedCommit() {
    return lists.stream()
        .filter(l -> l.config().required())
        .map(SharedList::name)
        .filter(n -> states.get(n).acceptedCommit() == null)
        .toList();
  }

  /**
   * The accepted commit of every list that has one, loaded, in the order of {@code shared-lists:};
   * their entries name where they came from, {@code NAME@COMMIT:FILE:LINE} ({@link
   * org.exitfilter.config.SharedFile}). A list whose accepted commit cannot be loaded is left out
   * and logged.
   */
  public List<Blocklist> loadAccepted() {
    List<Blocklist> accepted = new ArrayList<>();
    for (SharedList list : lists) {
      try {
        Blocklist loaded = list.loadAccepted();
        serving.put(list.name(), list.state().acceptedCommit());
        if (loaded == null) {
          continue;
        }
        accepted.add(loaded);
        log.info(
            "shared list {}: {} bans, {} exceptions in force",
            list.name(),
            loaded.banCount(),
            loaded.exceptions().size());
      } catch (IOException | ConfigException e) {
        log.error("shared list {}: the accepted commit cannot be loaded: {}", list.name(), e);
      }
    }
    return accepted;
  }

  /**
   * Compiles the accepted commits of every list into one matcher, or {@code null} when no list has
   * one; among the shared lists the usual precedence holds. For {@code check}, which asks without a
   * running proxy.
   */
  public Matcher compile(LocalDate day) {
    return CurrentBlocklist.compileShared(loadAccepted(), day);
  }

  /**
   * Puts the accepted commits in force in {@code current} (which hands them on to what publishes
   * them), then gives the memory loading them took back, when there was any: with no accepted
   * commit the start would pay for a second full collection right after the first.
   */
  public void putInForce(CurrentBlocklist current) {
    List<Blocklist> accepted = loadAccepted();
    current.replaceShared(accepted);
    if (!accepted.isEmpty()) {
      CurrentBlocklist.releaseBuildMemory();
    }
  }

  /**
   * Follows the lists: fetches each at once and then every {@code refresh}, and swaps what they
   * accept into {@code current}.
   *
   * @param listener told of every update (on the update thread), e.g. for metrics
   */
  public void start(CurrentBlocklist current, BiConsumer<String, UpdateResult> listener) {
    this.current = Objects.requireNonNull(current);
    this.listener = Objects.requireNonNull(listener);
    if (lists.isEmpty()) {
      return;
    }
    executor =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "exitfilter-shared");
              t.setDaemon(true);
              return t;
            });
    for (SharedList list : lists) {
      Duration refresh = list.config().refresh();
      executor.scheduleWithFixedDelay(
          () -> follow(list), 0, refresh.toMillis(), TimeUnit.MILLISECONDS);
    }
  }

  /** Fetches every list as soon as possible, e.g. on SIGHUP; returns at once. */
  public void updateAllNow() {
    if (executor != null) {
      lists.forEach(list -> executor.execute(() -> follow(list)));
    }
  }

  private void follow(SharedList list) {
    try {
      UpdateResult result = list.update(false);
      SharedListState state = list.state();
      states.put(list.name(), state);
      listener.accept(list.name(), result);
      if (!Objects.equals(serving.get(list.name()), state.acceptedCommit())) {
        // accepted now, or by `exitfilter shared update` since the last look
        putInForce(current);
        // As after a reload of the operator's list: a request that took the previous snapshot
        // just before the swap holds it while it resolves and connects, so that collection may
        // have had to keep the old list; without another full collection it would stay resident.
        executor.schedule(
            CurrentBlocklist::releaseBuildMemory, LATE_RELEASE.toSeconds(), TimeUnit.SECONDS);
      }
    } catch (IOException | RuntimeException e) {
      // the accepted list keeps serving whatever went wrong
      log.error("shared list {}: update failed", list.name(), e);
    } finally {
      network.release();
    }
  }

  /** Per list, the facts {@code /status} shows. */
  public List<Map<String, Object>> status() {
    return lists.stream().map(l -> states.get(l.name()).toStatus()).toList();
  }

  /** Per list, seconds since the accepted commit was made; lists without one are left out. */
  public Map<String, Double> acceptedCommitAges() {
    return ages(true);
  }

  /** Per list, seconds since a fetch last confirmed the accepted commit as current. */
  public Map<String, Double> secondsSinceLastSuccess() {
    return ages(false);
  }

  private Map<String, Double> ages(boolean commit) {
    Instant now = clock.instant();
    Map<String, Double> ages = new LinkedHashMap<>();
    for (SharedList list : lists) {
      SharedListState s = states.get(list.name());
      String at = commit ? s.acceptedCommitTime() : s.lastSuccessAt();
      if (s.acceptedCommit() != null && at != null) {
        ages.put(list.name(), Duration.between(Instant.parse(at), now).toMillis() / 1000.0);
      }
    }
    return ages;
  }

  private SharedList find(String name) {
    return lists.stream()
        .filter(l -> l.name().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new IllegalArgumentException(
                    "no shared list named '"
                        + name
                        + "'"
                        + (lists.isEmpty()
                            ? " (shared-lists: is empty)"
                            : "; shared lists: " + String.join(", ", names()))));
  }

  @Override
  public void close() {
    if (executor != null) {
      executor.shutdownNow();
      try {
        executor.awaitTermination(5, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    // After the update thread: an update in progress still uses the network.
    network.close();
  }
}
