package org.exitfilter.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * One entry of {@code shared-lists:}: a ban list kept in a git repository, signed by the network's
 * signers, that this exit follows.
 *
 * @param name a label, {@code [a-z0-9-]+}, unique among the shared lists; names the list in
 *     provenance ({@code cascade@1a2b3c4:blocklist.yaml:12}), commands and metrics
 * @param git the repository's URL, as JGit fetches it (https://, ssh://, git://, file://)
 * @param branch the branch followed ({@code branch:}, default main)
 * @param path the blocklist file inside the repository, relative, in the blocklist format
 * @param allowedSigners the OpenSSH allowed signers file, resolved against the config's folder
 * @param refresh how often to fetch ({@code refresh:}, default 5m)
 * @param required whether the proxy refuses to start without an accepted commit of this list
 */
public record SharedListConfig(
    String name,
    String git,
    String branch,
    String path,
    Path allowedSigners,
    Duration refresh,
    boolean required) {

  /** The default of {@code refresh:}. */
  public static final Duration DEFAULT_REFRESH = Duration.ofMinutes(5);

  public SharedListConfig {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(git, "git");
    Objects.requireNonNull(branch, "branch");
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(allowedSigners, "allowedSigners");
    Objects.requireNonNull(refresh, "refresh");
  }
}
