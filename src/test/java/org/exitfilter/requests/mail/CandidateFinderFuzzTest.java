package org.exitfilter.requests.mail;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.exitfilter.config.RuleKind;
import org.exitfilter.net.IpNetwork;
import org.exitfilter.requests.mail.CandidateFinder.Found;
import org.exitfilter.requests.store.BanRequest.Candidate;

/**
 * Hostile mail through the candidate finder. It never fails; every candidate is a name the proxy
 * would match as it stands (normalizing it again changes nothing), with at least two labels, or an
 * IPv4 address as its /32 network, listed once, and no more than {@link
 * CandidateFinder#MAX_CANDIDATES} of them; a mail with no candidate always says so to the operator.
 * Raw mail may also be refused as unreadable ({@link IOException}), and nothing else.
 *
 * <p>In {@code mvn verify} these replay {@code CandidateFinderFuzzTestInputs/}; {@code
 * JAZZER_FUZZ=1} fuzzes them (docs/FUZZING.md).
 */
class CandidateFinderFuzzTest {

  /** The texts of the mail are the input split at NUL bytes. */
  @FuzzTest(maxDuration = "2m")
  void candidatesOfAnyTextAreNormalizedDistinctAndBounded(byte[] input) {
    List<String> texts = List.of(new String(input, StandardCharsets.UTF_8).split("\0", 8));
    check(new Mail(null, null, null, null, null, null, texts, "0"));
  }

  @FuzzTest(maxDuration = "2m")
  void anyRawMailIsReadOrRefusedAndItsCandidatesHold(byte[] input) {
    Mail mail;
    try {
      mail = MailReader.read(input);
    } catch (IOException e) {
      return;
    }
    check(mail);
  }

  private static void check(Mail mail) {
    Found found = CandidateFinder.find(mail);
    List<Candidate> candidates = found.candidates();
    assertThat(candidates).hasSizeLessThanOrEqualTo(CandidateFinder.MAX_CANDIDATES);
    Set<String> seen = new HashSet<>();
    for (Candidate candidate : candidates) {
      String name = candidate.name();
      if (candidate.kind() == RuleKind.NETWORK) {
        // An IPv4 link's site: the one address as a network, in the form the blocklist keeps.
        assertThat(IpNetwork.parse(name).toString()).as("%s parsed again", name).isEqualTo(name);
        assertThat(name).as("one address").endsWith("/32");
      } else {
        assertThat(CandidateFinder.normalize(name)).as("%s normalized again", name).isEqualTo(name);
        assertThat(name).as("labels of %s", name).contains(".");
      }
      assertThat(seen.add(name)).as("%s listed once", name).isTrue();
    }
    if (candidates.isEmpty()) {
      assertThat(found.attention()).as("what the operator is told").isNotEmpty();
    }
  }
}
