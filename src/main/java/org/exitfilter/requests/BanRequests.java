package org.exitfilter.requests;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistEditException;
import org.exitfilter.config.BlocklistWriter;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.config.Rule;
import org.exitfilter.net.HostParser;
import org.exitfilter.net.InvalidHostException;
import org.exitfilter.requests.store.BanRequest;
import org.exitfilter.requests.store.BanRequest.Candidate;
import org.exitfilter.requests.store.BanRequest.Event;
import org.exitfilter.requests.store.BanRequest.FoundIn;
import org.exitfilter.requests.store.BanRequest.Proof;
import org.exitfilter.requests.store.BanRequest.State;
import org.exitfilter.requests.store.RequestStore;
import org.exitfilter.requests.verify.Check;
import org.exitfilter.requests.verify.Verifier;
import org.exitfilter.shared.SharedContribution;

/**
 * The ban-request workflow: requests arrive by mail, are recorded one YAML file each in the {@code
 * requests/} folder beside the blocklist, are verified (the owner proves control of the name), and
 * are approved into the blocklist, rejected, or lifted again. Every step is recorded in the
 * request's history; approve and lift edit the blocklist as text, validated before it is replaced,
 * so the running proxy picks the change up by its normal reload.
 *
 * <p>Over 400 lines on purpose: this is the workflow's whole public surface, one method per command
 * with the record it returns, each reading top to bottom as the command's steps. Mail import lives
 * in {@link MailImport}, the terminal texts in {@link RequestText}.
 *
 * <p>Nothing here logs; mail bodies are read only to find names in them and never stored. Not
 * thread-safe: one command at a time (files are replaced atomically, so a reader never sees half of
 * one).
 */
public final class BanRequests {
  private static final String DEFAULT_REASON = "The site's owner asked by email";

  private final ProxyConfig config;
  private final RequestStore store;
  private final BlocklistWriter blocklist;
  private final Clock clock;
  private final int httpPort;

  BanRequests(ProxyConfig config, Clock clock, int httpPort) {
    this.config = config;
    this.store = new RequestStore(config.blocklist().resolveSibling("requests"));
    this.blocklist = new BlocklistWriter(config.blocklist());
    this.clock = clock;
    this.httpPort = httpPort;
  }

  /** The workflow for the blocklist and resolver of {@code config}. */
  public static BanRequests open(ProxyConfig config) {
    return new BanRequests(config, Clock.systemUTC(), 80);
  }

  /** The configuration this workflow works for. */
  public ProxyConfig config() {
    return config;
  }

  /** The {@code requests/} folder beside the blocklist. */
  public Path folder() {
    return store.folder();
  }

  // -- import -----------------------------------------------------------------------------------

  /**
   * What became of one file.
   *
   * @param file the mail file
   * @param request the new request, or the one it was already imported as; {@code null} when the
   *     file could not be read
   * @param duplicate true when the same mail had been imported before (nothing changed)
   * @param problem why the file could not be read, or {@code null}
   */
  public record Imported(Path file, BanRequest request, boolean duplicate, String problem) {}

  /**
   * Imports one mail file ({@code .eml}), or every mail of a Maildir ({@code new/} and {@code
   * cur/}), or every file of a plain folder. A mail imported before (same Message-ID, or same bytes
   * when it has none) is left alone. A mail naming no site is recorded anyway, marked as needing
   * attention.
   */
  public List<Imported> importMail(Path path) throws IOException, RequestException {
    return new MailImport(store, this::now).from(path);
  }

  // -- list and show ----------------------------------------------------------------------------

  /** Every request, oldest first. */
  public List<BanRequest> list() throws IOException, RequestException {
    return store.all();
  }

  /** One request. */
  public BanRequest get(String id) throws IOException, RequestException {
    return store.get(id);
  }

  /** One line (and a second with the next step), for {@code list}. */
  public static String summary(BanRequest request) {
    return RequestText.summary(request);
  }

  /** Everything recorded, and what to do next, for {@code show}. */
  public static String describe(BanRequest request) {
    return RequestText.describe(request);
  }

  /** The reply to send the requester, with the token and the three ways to prove control. */
  public static String reply(BanRequest request) {
    return RequestText.reply(request);
  }

  // -- verify -----------------------------------------------------------------------------------

  /**
   * The outcome of {@code verify}.
   *
   * @param request the request as saved afterwards
   * @param checks every check made, passed or not
   */
  public record Verification(BanRequest request, List<Check> checks) {
    /** Whether any check passed. */
    public boolean proved() {
      return checks.stream().anyMatch(Check::passed);
    }
  }

  /**
   * Checks the proofs for the request's names, or for {@code names} (which become candidates if
   * they were not), and records what passed. A request with any proof becomes verified.
   *
   * @throws ConfigException when the blocklist is invalid (the HTTP check needs it)
   */
  public Verification verify(String id, List<String> names)
      throws IOException, RequestException, ConfigException {
    BanRequest request = store.get(id);
    requireOpen(request, "verify");
    List<String> extra = normalizeAll(names);
    request = withOperatorNames(request, extra);
    List<Candidate> targets = new ArrayList<>();
    for (Candidate c : request.candidates()) {
      if (extra.isEmpty() || extra.contains(c.name())) {
        targets.add(c);
      }
    }
    if (targets.isEmpty()) {
      throw new RequestException(
          RequestException.Kind.INVALID_ARGUMENT,
          "request " + id + " names no site; say which with: verify " + id + " --domain NAME");
    }
    List<Check> checks = new ArrayList<>();
    try (Verifier verifier = new Verifier(config, httpPort, clock)) {
      for (Candidate candidate : targets) {
        checks.addAll(verifier.check(request, candidate));
      }
    }
    Instant now = now();
    List<Proof> proofs = new ArrayList<>(request.proofs());
    List<String> passed = new ArrayList<>();
    for (Check c : checks) {
      if (c.passed()) {
        proofs.removeIf(p -> p.name().equals(c.name()) && p.method() == c.method());
        proofs.add(new Proof(c.name(), c.method(), now, c.detail()));
        passed.add(c.method().key() + " for " + c.name());
      }
    }
    State state = proofs.isEmpty() ? State.PENDING : State.VERIFIED;
    String note =
        passed.isEmpty()
            ? "no proof found for "
                + String.join(", ", targets.stream().map(Candidate::name).toList())
            : "proved by " + String.join(", ", passed);
    request =
        request.toBuilder()
            .proofs(proofs)
            .state(state)
            .event(new Event(now, "verify", note))
            .build();
    store.save(request);
    return new Verification(request, checks);
  }

  // -- approve, reject, lift --------------------------------------------------------------------

  /**
   * The outcome of {@code approve}.
   *
   * @param request the request as saved afterwards
   * @param blocklist the blocklist file changed
   * @param line the line of the last entry added
   * @param names the names banned
   * @param unproven the names banned without a proof (with {@code --force})
   * @param warnings what loading the new list warns about the added entries, such as a broader ban
   *     already covering one
   * @param commit the signed commit pushed to a shared list, e.g. {@code cascade@1a2b3c4}, or
   *     {@code null} for the local blocklist
   */
  public record Approval(
      BanRequest request,
      Path blocklist,
      int line,
      List<String> names,
      List<String> unproven,
      List<String> warnings,
      String commit) {}

  /**
   * Bans the request's names: those given, else the proved candidates, else its only candidate.
   * Each becomes a {@code domain:} entry (a {@code network:} entry for an address) with reason,
   * requested-by, requested-on, the optional expiry and a reference to the request, appended to
   * {@code bans:} without disturbing the rest of the file.
   *
   * @param force ban names no proof covers (recorded as forced)
   * @throws RequestException when the request is not open, a name is unproven without {@code
   *     force}, a name is banned already, or the file cannot be changed cleanly
   * @throws ConfigException when the blocklist is invalid now (fix it first)
   */
  public Approval approve(
      String id, List<String> names, LocalDate expires, String reason, boolean force)
      throws IOException, RequestException, ConfigException {
    return approve(id, names, expires, reason, force, null);
  }

  /**
   * As {@link #approve(String, List, LocalDate, String, boolean)}, into the shared list that {@code
   * shared} has open ({@code --shared NAME}) instead of the local blocklist: the same edit in its
   * working clone, then a signed commit pushed to its branch. {@code null}: the local blocklist.
   */
  public Approval approve(
      String id,
      List<String> names,
      LocalDate expires,
      String reason,
      boolean force,
      SharedContribution shared)
      throws IOException, RequestException, ConfigException {
    BlocklistWriter blocklist =
        shared == null ? this.blocklist : new BlocklistWriter(shared.blocklist());
    Path file = shared == null ? config.blocklist() : shared.blocklist();
    BanRequest request = store.get(id);
    requireOpen(request, "approve");
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    if (expires != null && expires.isBefore(today)) {
      throw new RequestException(
          RequestException.Kind.INVALID_ARGUMENT, "--expires " + expires + " is in the past");
    }
    String why = reason == null ? DEFAULT_REASON : reason.strip();
    if (why.isEmpty()) {
      throw new RequestException(RequestException.Kind.INVALID_ARGUMENT, "--reason is blank");
    }
    List<String> given = normalizeAll(names);
    List<String> targets = given.isEmpty() ? defaultTargets(request) : given;
    List<String> unproven = targets.stream().filter(n -> request.proofFor(n) == null).toList();
    if (!unproven.isEmpty() && !force) {
      throw new RequestException(
          RequestException.Kind.NOT_VERIFIED,
          "no proof covers "
              + String.join(", ", unproven)
              + "; run: verify "
              + id
              + (given.isEmpty() ? "" : " --domain " + unproven.get(0))
              + ", or approve with --force to ban anyway (recorded as forced)");
    }
    Blocklist current = blocklist.current();
    for (String name : targets) {
      for (Rule rule : current.bans()) {
        if (rule.kind() == BanRequest.kindOf(name) && rule.value().equals(name)) {
          throw new RequestException(
              RequestException.Kind.INVALID_ARGUMENT,
              name + " is banned already, by " + rule.describe() + "; reject " + id + " instead");
        }
      }
    }
    List<BlocklistWriter.NewBan> bans = new ArrayList<>();
    for (String name : targets) {
      bans.add(
          new BlocklistWriter.NewBan(
              BanRequest.kindOf(name),
              name,
              why,
              request.sender(),
              request.requestedOn(),
              expires,
              request.id()));
    }
    BlocklistWriter.Change change;
    try {
      change = blocklist.add(bans);
    } catch (BlocklistEditException e) {
      throw layout(e);
    }

    StringBuilder note = new StringBuilder("banned ");
    for (int i = 0; i < targets.size(); i++) {
      String name = targets.get(i);
      Proof proof = request.proofFor(name);
      note.append(i == 0 ? "" : ", ")
          .append(name)
          .append(proof == null ? " (forced: no proof)" : " (proof: " + proof.method().key() + ")");
    }
    String where = file.getFileName() + ":" + change.line();
    String commit = null;
    if (shared != null) {
      // Committed and pushed before the request says so: a refused push leaves it open.
      commit =
          shared.publish("ban " + String.join(", ", targets) + " (request " + id + "): " + why);
      where = commit + ":" + where;
    }
    note.append(" in ").append(where);
    if (expires != null) {
      note.append("; expires after ").append(expires);
    }
    note.append("; reason: ").append(why);
    BanRequest updated =
        withOperatorNames(request, given).toBuilder()
            .banned(targets)
            .forced(request.forced() || !unproven.isEmpty())
            .state(State.APPROVED)
            .event(new Event(now(), "approved", note.toString()))
            .build();
    store.save(updated);
    return new Approval(updated, file, change.line(), targets, unproven, change.warnings(), commit);
  }

  private static List<String> defaultTargets(BanRequest request) throws RequestException {
    List<String> proven =
        request.candidates().stream()
            .map(Candidate::name)
            .filter(n -> request.proofFor(n) != null)
            .toList();
    if (!proven.isEmpty()) {
      return proven;
    }
    if (request.candidates().size() == 1) {
      return List.of(request.candidates().get(0).name());
    }
    if (request.candidates().isEmpty()) {
      throw new RequestException(
          RequestException.Kind.INVALID_ARGUMENT,
          "request " + request.id() + " names no site; say which with --domain NAME");
    }
    throw new RequestException(
        RequestException.Kind.INVALID_ARGUMENT,
        "request "
            + request.id()
            + " names several sites ("
            + String.join(", ", request.names())
            + "); say which with --domain NAME (repeat it for several)");
  }

  /**
   * Declines the request; {@code why} is recorded.
   *
   * @throws RequestException when the request is not open or {@code why} is blank
   */
  public BanRequest reject(String id, String why) throws IOException, RequestException {
    BanRequest request = store.get(id);
    requireOpen(request, "reject");
    if (why == null || why.isBlank()) {
      throw new RequestException(
          RequestException.Kind.INVALID_ARGUMENT, "say why with --why TEXT; it is recorded");
    }
    BanRequest updated =
        request.toBuilder()
            .state(State.REJECTED)
            .event(new Event(now(), "rejected", why.strip()))
            .build();
    store.save(updated);
    return updated;
  }

  /**
   * The outcome of {@code lift}.
   *
   * @param request the request as saved afterwards
   * @param blocklist the blocklist file changed
   * @param removed the names whose entries were removed
   * @param missing the names banned by the request whose entries were no longer in the file
   * @param commit the signed commit pushed to a shared list, or {@code null}
   */
  public record Lifting(
      BanRequest request,
      Path blocklist,
      List<String> removed,
      List<String> missing,
      String commit) {}

  /**
   * Removes exactly the entries the request's approval added (matched by name and {@code
   * reference}), leaving every other byte of the blocklist as it was.
   *
   * @throws RequestException when the request is not approved
   * @throws ConfigException when the blocklist is invalid now (fix it first)
   */
  public Lifting lift(String id, String note)
      throws IOException, RequestException, ConfigException {
    return lift(id, note, null);
  }

  /**
   * As {@link #lift(String, String)}, in the shared list that {@code shared} has open ({@code
   * --shared NAME}): the same removal in its working clone, then a signed commit pushed to its
   * branch. {@code null}: the local blocklist.
   */
  public Lifting lift(String id, String note, SharedContribution shared)
      throws IOException, RequestException, ConfigException {
    BlocklistWriter blocklist =
        shared == null ? this.blocklist : new BlocklistWriter(shared.blocklist());
    BanRequest request = store.get(id);
    if (request.state() != State.APPROVED) {
      throw new RequestException(
          RequestException.Kind.WRONG_STATE,
          "request "
              + id
              + " is "
              + request.state().key()
              + "; only an approved request is lifted");
    }
    BlocklistWriter.Change change;
    try {
      change = blocklist.remove(new LinkedHashSet<>(request.banned()), request.id());
    } catch (BlocklistEditException e) {
      throw layout(e);
    }
    List<String> missing =
        request.banned().stream().filter(n -> !change.removed().contains(n)).toList();
    StringBuilder text = new StringBuilder();
    text.append(
        change.removed().isEmpty()
            ? "nothing removed"
            : "removed " + String.join(", ", change.removed()));
    if (!missing.isEmpty()) {
      text.append("; no longer in the blocklist: ").append(String.join(", ", missing));
    }
    if (note != null && !note.isBlank()) {
      text.append("; ").append(note.strip());
    }
    String commit = null;
    if (shared != null && !change.removed().isEmpty()) {
      // Pushed before the request says lifted: a refused push leaves it approved.
      commit =
          shared.publish("lift " + String.join(", ", change.removed()) + " (request " + id + ")");
      text.append("; in ").append(commit);
    }
    BanRequest updated =
        request.toBuilder()
            .state(State.LIFTED)
            .event(new Event(now(), "lifted", text.toString()))
            .build();
    store.save(updated);
    return new Lifting(
        updated,
        shared == null ? config.blocklist() : shared.blocklist(),
        change.removed(),
        missing,
        commit);
  }

  // -- helpers ----------------------------------------------------------------------------------

  private static RequestException layout(BlocklistEditException e) {
    return new RequestException(RequestException.Kind.BLOCKLIST_LAYOUT, e.getMessage());
  }

  /** Whole seconds: the files are read by people, and a request takes minutes to days. */
  private Instant now() {
    return clock.instant().truncatedTo(ChronoUnit.SECONDS);
  }

  private static void requireOpen(BanRequest request, String step) throws RequestException {
    if (!request.state().open()) {
      throw new RequestException(
          RequestException.Kind.WRONG_STATE,
          "request "
              + request.id()
              + " is "
              + request.state().key()
              + "; only a pending or verified request can be given to "
              + step);
    }
  }

  /** Names as the operator typed them, normalized as the proxy normalizes them. */
  private static List<String> normalizeAll(List<String> names) throws RequestException {
    Set<String> out = new LinkedHashSet<>();
    for (String raw : names == null ? List.<String>of() : names) {
      try {
        out.add(HostParser.parseName(raw.strip()).ascii());
      } catch (InvalidHostException e) {
        throw new RequestException(
            RequestException.Kind.INVALID_ARGUMENT,
            "'" + raw + "' is not a name: " + e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  private static BanRequest withOperatorNames(BanRequest request, List<String> names) {
    List<Candidate> candidates = new ArrayList<>(request.candidates());
    for (String name : names) {
      if (candidates.stream().noneMatch(c -> c.name().equals(name))) {
        candidates.add(new Candidate(name, FoundIn.OPERATOR));
      }
    }
    return request.toBuilder().candidates(candidates).build();
  }
}
