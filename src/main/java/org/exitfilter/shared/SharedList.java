package org.exitfilter.shared;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.api.errors.TransportException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.Constants;
import org.eclipse.jgit.lib.FileMode;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.lib.ObjectId;
import org.eclipse.jgit.lib.ObjectLoader;
import org.eclipse.jgit.lib.Ref;
import org.eclipse.jgit.lib.RefUpdate;
import org.eclipse.jgit.lib.Repository;
import org.eclipse.jgit.lib.SignatureVerifier.SignatureVerification;
import org.eclipse.jgit.lib.SignatureVerifiers;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.revwalk.RevTree;
import org.eclipse.jgit.revwalk.RevWalk;
import org.eclipse.jgit.storage.file.FileRepositoryBuilder;
import org.eclipse.jgit.transport.FetchResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.TagOpt;
import org.eclipse.jgit.transport.URIish;
import org.eclipse.jgit.treewalk.TreeWalk;
import org.exitfilter.config.Blocklist;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.config.ConfigException;
import org.exitfilter.config.ListEntries;
import org.exitfilter.config.Problem;
import org.exitfilter.config.Rule;
import org.exitfilter.config.SharedFile;
import org.exitfilter.config.SharedListConfig;
import org.exitfilter.config.Source;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One shared list: fetches its branch into a mirror in {@code state-dir}, judges the tip, and keeps
 * the last accepted commit. A tip is accepted only if its commit carries an SSH signature by a key
 * in the list's allowed signers (checked as {@code git verify-commit} does with {@code
 * gpg.format=ssh}, namespace {@code git}), is a fast-forward of the accepted commit (unless a
 * rewrite is allowed once), and its list loads without errors. Anything else refuses the update
 * whole; the accepted commit keeps serving.
 *
 * <p>Not thread-safe by itself: every method that touches the folder holds {@link StateStore#lock}.
 *
 * <p>Over 400 lines on purpose: fetch, judge and check out are the three steps of one update, and
 * each reads the mirror the others write; split apart, each would need the repository, the state
 * and the lock handed around. What can stand alone already does ({@link StateStore}, {@link
 * GitNetwork}, {@link UpdateResult}).
 */
final class SharedList {
  private static final Logger log = LoggerFactory.getLogger(SharedList.class);

  /** Keeps the accepted commit's objects in the mirror whatever the remote does to the branch. */
  static final String ACCEPTED_REF = "refs/exitfilter/accepted";

  private static final int FETCH_TIMEOUT_SECONDS = 30;

  /** Bytes per write when a blob is checked out; see {@link #writeBlob}. */
  static final int WRITE_SLICE = 64 * 1024;

  private final SharedListConfig config;
  private final StateStore store;
  private final GitNetwork network;
  private final Clock clock;

  SharedList(SharedListConfig config, Path stateDir, GitNetwork network, Clock clock) {
    this.config = config;
    this.store = new StateStore(stateDir, config.name());
    this.network = network;
    this.clock = clock;
  }

  String name() {
    return config.name();
  }

  SharedListConfig config() {
    return config;
  }

  /** The state kept on disk (a list never fetched has an initial one). */
  SharedListState state() throws IOException {
    return store.read(initialState());
  }

  private SharedListState initialState() {
    return SharedListState.initial(config.name(), config.git(), config.branch());
  }

  /**
   * Fetches the branch and accepts its tip if it passes every check; records the outcome in {@code
   * state.json}.
   *
   * @param allowRewrite accept a tip that is not a fast-forward of the accepted commit (still
   *     signed, still a valid list)
   */
  UpdateResult update(boolean allowRewrite) throws IOException {
    try (StateStore.Held held = store.lock()) {
      SharedListState state = store.read(initialState());
      UpdateResult result;
      try {
        result = fetchAndJudge(state, allowRewrite);
      } catch (IOException | RuntimeException e) {
        log.error("shared list {}: update failed", config.name(), e);
        result = new UpdateResult(UpdateResult.Outcome.UNREACHABLE, null, "update failed: " + e);
      }
      String now = clock.instant().toString();
      if (result.outcome() == UpdateResult.Outcome.ACCEPTED) {
        state = state.accepted(result.commit(), now, commitTime(result.commit()));
      }
      state = state.from(config.git(), config.branch()).fetched(now, result);
      store.write(state);
      if (result.outcome() == UpdateResult.Outcome.ACCEPTED) {
        store.removeTreesBut(result.commit());
      }
      switch (result.outcome()) {
        case ACCEPTED -> log.info("shared list {}", result.message());
        case UNCHANGED -> log.debug("shared list {}: unchanged", config.name());
        case REFUSED ->
            log.error(
                "shared list update refused, the accepted list keeps serving: {}",
                result.message());
        case UNREACHABLE ->
            log.warn(
                "shared list {} unreachable, the accepted list keeps serving: {}",
                config.name(),
                result.message());
      }
      return result;
    }
  }

  private UpdateResult fetchAndJudge(SharedListState state, boolean allowRewrite)
      throws IOException {
    URIish url;
    try {
      url = new URIish(config.git());
    } catch (URISyntaxException e) {
      return new UpdateResult(
          UpdateResult.Outcome.UNREACHABLE, null, "invalid git URL: " + e.getMessage());
    }
    try (Repository repo = openMirror();
        Git git = new Git(repo)) {
      String branchRef = Constants.R_HEADS + config.branch();
      FetchResult fetched;
      try {
        fetched =
            network.call(
                git.fetch()
                    .setRemote(config.git())
                    .setRefSpecs(
                        new RefSpec(
                            "+"
                                + branchRef
                                + ":"
                                + Constants.R_REMOTES
                                + "origin/"
                                + config.branch()))
                    .setTagOpt(TagOpt.NO_TAGS)
                    .setTimeout(FETCH_TIMEOUT_SECONDS),
                url);
      } catch (GitNetwork.DestinationRefused e) {
        return new UpdateResult(UpdateResult.Outcome.UNREACHABLE, null, e.getMessage());
      } catch (TransportException e) {
        String message = String.valueOf(e.getMessage());
        if (message.contains("Remote does not have")) {
          return new UpdateResult(
              UpdateResult.Outcome.REFUSED,
              null,
              config.name() + ": branch " + config.branch() + " not found at " + config.git());
        }
        return new UpdateResult(
            UpdateResult.Outcome.UNREACHABLE,
            null,
            "cannot fetch " + config.git() + ": " + message);
      } catch (GitAPIException e) {
        return new UpdateResult(
            UpdateResult.Outcome.UNREACHABLE,
            null,
            "cannot fetch " + config.git() + ": " + e.getMessage());
      }
      Ref advertised = fetched.getAdvertisedRef(branchRef);
      if (advertised == null || advertised.getObjectId() == null) {
        return new UpdateResult(
            UpdateResult.Outcome.REFUSED,
            null,
            config.name() + ": branch " + config.branch() + " not found at " + config.git());
      }
      ObjectId tip = advertised.getObjectId();
      if (tip.name().equals(state.acceptedCommit())) {
        return new UpdateResult(
            UpdateResult.Outcome.UNCHANGED, tip.name(), label(tip) + ": unchanged");
      }
      return judge(repo, tip, state.acceptedCommit(), allowRewrite);
    }
  }

  private UpdateResult judge(Repository repo, ObjectId tip, String accepted, boolean allowRewrite)
      throws IOException {
    String label = label(tip);
    try (RevWalk walk = new RevWalk(repo)) {
      RevCommit commit = walk.parseCommit(tip);
      String signedBy;
      // 1. The signature: the signed tip vouches for the tree it points at.
      byte[] signature = commit.getRawGpgSignature();
      if (signature == null) {
        return refused(
            tip, label + ": not signed; an SSH signature by an allowed signer is needed");
      }
      if (SignatureVerifiers.getFormat(signature) != GpgConfig.GpgFormat.SSH) {
        return refused(tip, label + ": not signed by an allowed signer (not an SSH signature)");
      }
      SignatureVerification verification = SignatureVerifiers.verify(repo, verifyConfig(), commit);
      if (verification == null || !verification.verified()) {
        String why = verification == null ? null : verification.message();
        return refused(
            tip,
            label
                + ": not signed by an allowed signer"
                + (why == null || why.isBlank() ? "" : " (" + why + ")"));
      }
      signedBy = verification.keyUser();
      // 2. A fast-forward of the accepted commit, unless the operator allows a rewrite once.
      if (accepted != null) {
        ObjectId acceptedId = ObjectId.fromString(accepted);
        boolean fastForward =
            repo.getObjectDatabase().has(acceptedId)
                && walk.isMergedInto(walk.parseCommit(acceptedId), walk.parseCommit(tip));
        if (!fastForward && !allowRewrite) {
          return refused(
              tip,
              label
                  + ": not a fast-forward of the accepted commit "
                  + accepted.substring(0, 7)
                  + " (history rewritten); accept it once with"
                  + " exitfilter shared update --allow-rewrite "
                  + config.name());
        }
      }
      // 3. The list at that commit loads without errors.
      Path candidate = store.folder().resolve("candidate-" + tip.name());
      StateStore.deleteRecursively(candidate);
      checkout(repo, commit.getTree(), candidate);
      Checked checked = check(candidate, label);
      if (checked.problem() != null) {
        StateStore.deleteRecursively(candidate);
        return refused(tip, checked.problem());
      }
      Path tree = store.tree(tip.name());
      StateStore.deleteRecursively(tree);
      Files.move(candidate, tree);
      store.writeEntryCount(tip.name(), checked.entries());
      RefUpdate ref = repo.updateRef(ACCEPTED_REF);
      ref.setNewObjectId(tip);
      ref.setForceUpdate(true);
      ref.update();
      return new UpdateResult(
          UpdateResult.Outcome.ACCEPTED,
          tip.name(),
          label + ": accepted, signed by " + (signedBy == null ? "an allowed signer" : signedBy));
    }
  }

  private static UpdateResult refused(ObjectId tip, String reason) {
    return new UpdateResult(UpdateResult.Outcome.REFUSED, tip.name(), reason);
  }

  /**
   * What loading a candidate's list found: why it cannot serve, as the operator should read it
   * ({@code null} when it can), and else how many entries it has.
   */
  private record Checked(String problem, int entries) {
    static Checked refused(String problem) {
      return new Checked(problem, 0);
    }
  }

  /** Loads the list in {@code root} to see whether it can serve. */
  private Checked check(Path root, String label) throws IOException {
    Path file = root.resolve(config.path());
    if (!Files.isRegularFile(file)) {
      return Checked.refused(label + ": " + config.path() + " not found in the commit");
    }
    try {
      Blocklist list = BlocklistLoader.load(file, BlocklistLoader.Analysis.PER_ENTRY);
      for (Path listFile : list.listFiles()) {
        if (!listFile.toAbsolutePath().normalize().startsWith(root)) {
          return Checked.refused(
              label
                  + ": "
                  + config.path()
                  + ": lists: names "
                  + listFile
                  + ", outside the repository");
        }
      }
      return new Checked(null, entries(list));
    } catch (ConfigException e) {
      return Checked.refused(
          label
              + ": "
              + e.problems().stream()
                  .map(p -> relative(root, p))
                  .collect(Collectors.joining("; ")));
    }
  }

  /** The entries the launcher sizes the heap by: every ban and every exception. */
  private static int entries(Blocklist list) {
    return list.banCount() + list.exceptions().size();
  }

  private static String relative(Path root, Problem problem) {
    Source where = problem.where();
    Path file = where.file().toAbsolutePath().normalize();
    String name = file.startsWith(root) ? root.relativize(file).toString() : file.toString();
    return new Problem(new Source(Path.of(name), where.line(), where.column()), problem.message())
        .toString();
  }

  /**
   * The accepted commit's list, its entries naming where they came from as {@code
   * NAME@COMMIT:FILE:LINE}; {@code null} before the first accepted commit. Works offline: the tree
   * is checked out again from the mirror when its folder is gone.
   */
  Blocklist loadAccepted() throws IOException, ConfigException {
    try (StateStore.Held held = store.lock()) {
      SharedListState state = store.read(initialState());
      if (state.acceptedCommit() == null) {
        return null;
      }
      ObjectId commit = ObjectId.fromString(state.acceptedCommit());
      Path tree = store.tree(commit.name());
      if (!Files.isDirectory(tree)) {
        try (Repository repo = openMirror();
            RevWalk walk = new RevWalk(repo)) {
          Path candidate = store.folder().resolve("candidate-" + commit.name());
          StateStore.deleteRecursively(candidate);
          checkout(repo, walk.parseCommit(commit).getTree(), candidate);
          Files.move(candidate, tree);
        }
      }
      Blocklist list =
          BlocklistLoader.load(tree.resolve(config.path()), BlocklistLoader.Analysis.PER_ENTRY);
      // A state-dir from before the count was kept gets it at the start that loads the list.
      store.writeEntryCount(commit.name(), entries(list));
      return relabel(list, tree, commit.name());
    }
  }

  /** The list with every entry's file named as {@link SharedFile}: {@code LIST@COMMIT:PATH}. */
  private Blocklist relabel(Blocklist list, Path root, String commit) {
    UnaryOperator<Path> name =
        file ->
            SharedFile.of(
                    config.name(),
                    commit,
                    root.relativize(file.toAbsolutePath().normalize()).toString())
                .asPath();
    UnaryOperator<Rule> rule =
        r ->
            r.withSource(
                new Source(name.apply(r.source().file()), r.source().line(), r.source().column()));
    List<ListEntries> lists = new ArrayList<>();
    for (ListEntries entries : list.lists()) {
      lists.add(entries.withFile(name.apply(entries.file())));
    }
    return new Blocklist(
        name.apply(list.file()),
        list.sha256(),
        list.writtenBans().stream().map(rule).toList(),
        list.exceptions().stream().map(rule).toList(),
        lists,
        List.of());
  }

  private String label(ObjectId commit) {
    return SharedFile.label(config.name(), commit.name());
  }

  /** What JGit's SSH verifier reads: the format and the list's allowed signers file. */
  private GpgConfig verifyConfig() {
    Config c = new Config();
    c.setString("gpg", null, "format", "ssh");
    c.setString("gpg", "ssh", "allowedSignersFile", config.allowedSigners().toString());
    return new GpgConfig(c);
  }

  private Repository openMirror() throws IOException {
    Path mirror = store.mirror();
    Repository repo = new FileRepositoryBuilder().setGitDir(mirror.toFile()).setBare().build();
    if (!Files.exists(mirror.resolve("objects"))) {
      repo.create(true);
    }
    return repo;
  }

  private String commitTime(String commit) {
    try (Repository repo = openMirror();
        RevWalk walk = new RevWalk(repo)) {
      return walk.parseCommit(ObjectId.fromString(commit))
          .getCommitterIdent()
          .getWhenAsInstant()
          .toString();
    } catch (IOException e) {
      return Instant.EPOCH.toString();
    }
  }

  /**
   * Writes the regular files of {@code tree} under {@code into}. Symbolic links and submodules are
   * left out, so that nothing in the repository can point the loader outside its folder.
   */
  private static void checkout(Repository repo, RevTree tree, Path into) throws IOException {
    Files.createDirectories(into);
    try (TreeWalk walk = new TreeWalk(repo)) {
      walk.addTree(tree);
      walk.setRecursive(true);
      while (walk.next()) {
        FileMode mode = walk.getFileMode(0);
        if (mode != FileMode.REGULAR_FILE && mode != FileMode.EXECUTABLE_FILE) {
          continue;
        }
        Path target = into.resolve(walk.getPathString()).normalize();
        if (!target.startsWith(into)) {
          throw new IOException("tree entry outside the checkout: " + walk.getPathString());
        }
        Files.createDirectories(target.getParent());
        writeBlob(repo.open(walk.getObjectId(0), Constants.OBJ_BLOB), target);
      }
    }
  }

  /**
   * Writes a blob in slices of {@link #WRITE_SLICE} bytes. One write of a whole list file (JGit's
   * {@code copyTo} hands a blob it holds in memory to the stream at once) makes the JDK copy it
   * through a temporary direct buffer as large as the file, which it then keeps cached on the
   * update thread for good: 28 MB of native memory for a million-entry list (benchmarks/shared).
   */
  static void writeBlob(ObjectLoader blob, Path target) throws IOException {
    try (InputStream in = blob.openStream();
        OutputStream out = Files.newOutputStream(target)) {
      byte[] slice = new byte[WRITE_SLICE];
      for (int n; (n = in.read(slice)) > 0; ) {
        out.write(slice, 0, n);
      }
    }
  }
}
