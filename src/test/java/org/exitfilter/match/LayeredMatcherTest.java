package org.exitfilter.match;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import org.exitfilter.config.BlocklistLoader;
import org.exitfilter.net.Host;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator's list over the shared lists: the local veto, and no shared lift of a local ban. */
class LayeredMatcherTest {
  private static final LocalDate DAY = LocalDate.of(2026, 12, 5);

  @TempDir Path dir;

  private Matcher compile(String name, String yaml) throws Exception {
    Path file = dir.resolve(name);
    Files.writeString(file, yaml);
    return Matcher.compile(BlocklistLoader.load(file), DAY);
  }

  private Matcher layered(String local, String shared) throws Exception {
    return LayeredMatcher.of(compile("local.yaml", local), compile("shared.yaml", shared));
  }

  @Test
  void aLocalExceptionBeatsAMoreSpecificSharedBan() throws Exception {
    Matcher m =
        layered(
            "bans: []\nexceptions:\n  - domain: example.org\n",
            "bans:\n  - host: www.example.org\n");

    Verdict verdict = m.check(new Host.Name("www.example.org"), 443);

    assertThat(verdict.decision()).isEqualTo(Verdict.Decision.EXEMPT);
    assertThat(verdict.rule().source().file().getFileName().toString()).isEqualTo("local.yaml");
  }

  @Test
  void aSharedExceptionNeverLiftsALocalBan() throws Exception {
    Matcher m =
        layered(
            "bans:\n  - domain: example.org\n",
            "bans: []\nexceptions:\n  - host: www.example.org\n");

    assertThat(m.check(new Host.Name("www.example.org"), 443).blocked()).isTrue();
  }

  @Test
  void aNameOnlyASharedExceptionLetsThroughIsStillCheckedAgainstLocalNetworkBans()
      throws Exception {
    Matcher m =
        layered(
            "bans:\n  - network: 192.0.2.0/24\n",
            "bans:\n  - domain: example.org\nexceptions:\n  - host: www.example.org\n");

    Verdict byName = m.check(new Host.Name("www.example.org"), 443);

    assertThat(byName.decision())
        .as("not EXEMPT, which would skip the network bans")
        .isEqualTo(Verdict.Decision.NO_MATCH);
    assertThat(m.check(InetAddress.getByName("192.0.2.7"), 443).blocked()).isTrue();
    assertThat(m.check(new Host.Name("example.org"), 443).blocked()).isTrue();
  }

  @Test
  void sharedBansApplyWhereNoLocalEntryMatchesAndTheDayMovesBothLists() throws Exception {
    Matcher m =
        layered(
            "bans:\n  - host: local.test\n",
            "bans:\n  - domain: shared.test\n    expires: 2026-12-05\n");

    assertThat(m.check(new Host.Name("a.shared.test"), 80).blocked()).isTrue();
    assertThat(m.check(new Host.Name("other.test"), 80).decision())
        .isEqualTo(Verdict.Decision.NO_MATCH);
    Matcher tomorrow = m.onDay(DAY.plusDays(1));
    assertThat(tomorrow.check(new Host.Name("a.shared.test"), 80).blocked()).isFalse();
    assertThat(tomorrow.check(new Host.Name("local.test"), 80).blocked()).isTrue();
  }
}
