package org.exitfilter.shared;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.eclipse.jgit.api.Git;
import org.eclipse.jgit.api.ResetCommand.ResetType;
import org.eclipse.jgit.api.errors.GitAPIException;
import org.eclipse.jgit.lib.Config;
import org.eclipse.jgit.lib.GpgConfig;
import org.eclipse.jgit.revwalk.RevCommit;
import org.eclipse.jgit.transport.PushResult;
import org.eclipse.jgit.transport.RefSpec;
import org.eclipse.jgit.transport.RemoteRefUpdate;
import org.eclipse.jgit.transport.URIish;
import org.exitfilter.config.ProxyConfig;
import org.exitfilter.config.SharedListConfig;

/**
 * An operator's change to a shared list ({@code requests approve|lift --shared NAME}): a working
 * clone of the list in {@code state-dir/NAME/work}, brought to the branch's tip; the caller edits
 * {@link #blocklist()} with the same text-preserving rules as the local list; {@link #publish}
 * commits with the operator's SSH signature ({@code gpg.format=ssh}, as {@code git commit -S}) and
 * pushes. Whether other exits take the commit is their allowed signers' decision, not this one's.
 *
 * <p>A refused push leaves nothing behind: the working clone goes back to the branch's tip.
 */
public final class SharedContribution implements AutoCloseable {
  private final SharedListConfig list;
  private final Path signingKey;
  private final Git work;
  private final GitNetwork network;
  private final URIish url;

  private SharedContribution(
      SharedListConfig list, Path signingKey, Git work, GitNetwork network, URIish url) {
    this.list = list;
    this.signingKey = signingKey;
    this.work = work;
    this.network = network;
    this.url = url;
  }

  /**
   * Opens the working clone of the shared list {@code name}, cloning it on first use, and resets it
   * to the branch's tip.
   *
   * @throws IOException when {@code name} is no shared list of {@code config}, the key is missing,
   *     the remote is refused by the destination policy or cannot be reached
   */
  public static SharedContribution open(ProxyConfig config, String name, Path signingKey)
      throws IOException {
    SharedListConfig list =
        config.sharedLists().stream()
            .filter(l -> l.name().equals(name))
            .findFirst()
            .orElseThrow(
                () -> new IOException("no shared list named " + name + " in " + config.file()));
    if (!Files.isRegularFile(signingKey)) {
      throw new IOException("--sign-key " + signingKey + ": no such file");
    }
    GitNetwork network = new GitNetwork(config, List.of(list));
    Git work = null;
    try {
      URIish url = new URIish(list.git());
      Path folder = config.stateDir().resolve(name).resolve("work").toAbsolutePath().normalize();
      if (Files.isDirectory(folder.resolve(".git"))) {
        work = Git.open(folder.toFile());
        network.call(work.fetch().setRemote("origin"), url);
        work.reset().setMode(ResetType.HARD).setRef("origin/" + list.branch()).call();
        work.clean().setCleanDirectories(true).setForce(true).call();
      } else {
        work =
            network.call(
                Git.cloneRepository()
                    .setURI(list.git())
                    .setBranch(list.branch())
                    .setDirectory(folder.toFile()),
                url);
      }
      return new SharedContribution(list, signingKey, work, network, url);
    } catch (GitNetwork.DestinationRefused e) {
      closeAll(work, network);
      throw new IOException(name + ": " + e.getMessage(), e);
    } catch (GitAPIException | java.net.URISyntaxException e) {
      closeAll(work, network);
      throw new IOException(
          name + ": " + list.git() + " could not be reached: " + e.getMessage(), e);
    } catch (IOException | RuntimeException e) {
      closeAll(work, network);
      throw e;
    }
  }

  private static void closeAll(Git work, GitNetwork network) {
    if (work != null) {
      work.close();
    }
    network.close();
  }

  /** The list's blocklist file in the working clone, to edit. */
  public Path blocklist() {
    return work.getRepository().getWorkTree().toPath().resolve(list.path());
  }

  /** The shared list's name, as in {@code shared-lists:}. */
  public String name() {
    return list.name();
  }

  /**
   * Commits every change of the working clone, signed with the operator's key, and pushes it to the
   * list's branch.
   *
   * @return the commit as sources name it, e.g. {@code cascade@1a2b3c4}
   * @throws IOException when signing, committing or the push fails; the clone is reset then
   */
  public String publish(String message) throws IOException {
    try {
      work.add().addFilepattern(".").call();
      Config signing = new Config();
      signing.setString("gpg", null, "format", "ssh");
      RevCommit commit =
          work.commit()
              .setMessage(message)
              .setSign(true)
              .setSigningKey(signingKey.toString())
              .setGpgConfig(new GpgConfig(signing))
              .call();
      String ref = "refs/heads/" + list.branch();
      Iterable<PushResult> pushed;
      try {
        pushed =
            network.call(
                work.push().setRemote("origin").setRefSpecs(new RefSpec("HEAD:" + ref)), url);
      } catch (GitNetwork.DestinationRefused e) {
        throw new IOException(list.name() + ": " + e.getMessage(), e);
      }
      for (PushResult result : pushed) {
        RemoteRefUpdate update = result.getRemoteUpdate(ref);
        if (update == null || update.getStatus() != RemoteRefUpdate.Status.OK) {
          throw new IOException(
              "the push to "
                  + list.git()
                  + " was refused"
                  + (update == null ? "" : " (" + update.getStatus() + ")")
                  + "; run the command again to retry on the new tip");
        }
      }
      return list.name() + "@" + commit.name().substring(0, 7);
    } catch (GitAPIException | RuntimeException | IOException e) {
      resetToTip();
      throw e instanceof IOException io
          ? io
          : new IOException(list.name() + ": commit or push failed: " + e.getMessage(), e);
    }
  }

  private void resetToTip() {
    try {
      work.reset().setMode(ResetType.HARD).setRef("origin/" + list.branch()).call();
    } catch (GitAPIException e) {
      // The next open() resets it again.
    }
  }

  @Override
  public void close() {
    work.close();
    network.close();
  }
}
