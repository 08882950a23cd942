package org.exitfilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.exitfilter.testing.ConfigFiles.problems;
import static org.exitfilter.testing.ConfigFiles.write;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SharedListsConfigTest {
  @TempDir Path dir;

  @BeforeEach
  void allowedSigners() throws IOException {
    Files.writeString(dir.resolve("cascade.allowed_signers"), "# none yet\n");
  }

  @Test
  void aSharedListIsReadWithItsDefaultsAndTheStateDirBesideTheConfig() throws Exception {
    ProxyConfig config =
        ConfigLoader.load(
            write(
                dir,
                "shared-lists:",
                "  - name: cascade",
                "    git: https://bans.example.net/cascade.git",
                "    path: blocklist.yaml",
                "    allowed-signers: cascade.allowed_signers"));

    assertThat(config.sharedLists())
        .containsExactly(
            new SharedListConfig(
                "cascade",
                "https://bans.example.net/cascade.git",
                "main",
                "blocklist.yaml",
                dir.resolve("cascade.allowed_signers").toAbsolutePath().normalize(),
                Duration.ofMinutes(5),
                false));
    assertThat(config.stateDir()).isEqualTo(dir.resolve("state"));
  }

  @Test
  void everyKeyIsRead() throws Exception {
    ProxyConfig config =
        ConfigLoader.load(
            write(
                dir,
                "shared-lists:",
                "  - name: net-1",
                "    git: git@bans.example.net:cascade.git",
                "    branch: published",
                "    path: lists/blocklist.yaml",
                "    allowed-signers: cascade.allowed_signers",
                "    refresh: 30s",
                "    required: true",
                "state-dir: /var/lib/exitfilter"));

    SharedListConfig list = config.sharedLists().get(0);
    assertThat(list.branch()).isEqualTo("published");
    assertThat(list.path()).isEqualTo("lists/blocklist.yaml");
    assertThat(list.refresh()).isEqualTo(Duration.ofSeconds(30));
    assertThat(list.required()).isTrue();
    assertThat(config.stateDir()).isEqualTo(Path.of("/var/lib/exitfilter"));
  }

  @Test
  void everyMistakeIsReportedAtItsLineAndColumn() throws Exception {
    assertThat(
            problems(
                dir,
                "shared-lists:",
                "  - name: Cascade",
                "    git: ftp://bans.example.net/x.git",
                "    path: ../blocklist.yaml",
                "    allowed-signers: missing.allowed_signers",
                "    refresh: 10ms",
                "    colour: blue",
                "  - name: b",
                "    git: https://bans.example.net/b.git",
                "  - name: b",
                "    git: https://bans.example.net/b.git",
                "    path: b.yaml",
                "    allowed-signers: cascade.allowed_signers"))
        .containsExactly(
            "2:11 invalid shared list name 'Cascade': use lower-case letters, digits and '-',"
                + " such as cascade",
            "3:10 git: 'ftp://bans.example.net/x.git' is not a git URL; use https://, ssh://,"
                + " git:// or file://, such as https://bans.example.net/cascade.git",
            "4:11 invalid path '../blocklist.yaml': a file inside the repository, relative and"
                + " without '..', such as blocklist.yaml",
            "5:22 allowed-signers: "
                + dir.resolve("missing.allowed_signers")
                + " not found (an OpenSSH allowed signers file; a relative path is relative to the"
                + " configuration's folder)",
            "6:14 refresh must be at least 1s",
            "7:5 unknown key 'colour'; allowed keys: name, git, branch, path, allowed-signers,"
                + " refresh, required",
            "8:5 a shared list needs path:",
            "8:5 a shared list needs allowed-signers:",
            "10:11 shared list name 'b' is used twice");
  }
}
