package org.exitfilter.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Approve and lift as text edits: the entry's lines come and go, every other byte stays. */
class BlocklistEditTest {
  @TempDir Path dir;

  static final BlocklistWriter.NewBan BAN =
      new BlocklistWriter.NewBan(
          "forum.example.org",
          "Owner asked: \"no anonymous posts\"",
          "webmaster@forum.example.org",
          LocalDate.of(2026, 11, 24),
          LocalDate.of(2027, 11, 24),
          "2026-12-05-abcdef");

  /** An operator's file: comments everywhere, odd indentation, quoting, a block scalar. */
  static final String ODD =
      String.join(
          "\n",
          "# My blocklist.   Keep it tidy!",
          "",
          "exceptions:",
          "- host: status.example.org   # the status page stays",
          "",
          "bans:   # the bans",
          "",
          "    # an old one",
          "    -   domain:   'Example.ORG'",
          "        reason: >",
          "          Folded text that",
          "          # is not a comment",
          "        ports: [ 80,",
          "                 443 ]",
          "",
          "    -   host: \"login.example.net\"    # trailing comment",
          "",
          "    # a comment about the end of the bans",
          "",
          "lists: []",
          "# the end",
          "");

  Blocklist load(String text) throws Exception {
    Path file = dir.resolve("blocklist.yaml");
    Files.writeString(file, text);
    return BlocklistLoader.load(file);
  }

  @Test
  void addingToAnOddlyFormattedFileOnlyInsertsTheEntryLinesIndentedLikeTheOthers()
      throws Exception {
    String after = BlocklistEdit.add(ODD, BAN);

    String lastBan = "    -   host: \"login.example.net\"    # trailing comment\n";
    assertThat(after)
        .as("the entry goes right after the last ban, before the comment about the end of bans")
        .isEqualTo(
            ODD.replace(
                lastBan,
                lastBan
                    + "\n"
                    + "    -   domain: forum.example.org\n"
                    + "        reason: \"Owner asked: \\\"no anonymous posts\\\"\"\n"
                    + "        requested-by: \"webmaster@forum.example.org\"\n"
                    + "        requested-on: 2026-11-24\n"
                    + "        expires: 2027-11-24\n"
                    + "        reference: \"2026-12-05-abcdef\"\n"));
  }

  @Test
  void theAddedEntryLoadsWithEveryDetail() throws Exception {
    Blocklist list = load(BlocklistEdit.add(ODD, BAN));

    Rule rule = list.bans().get(list.bans().size() - 1);
    assertThat(list.bans()).hasSize(3);
    assertThat(rule.kind()).isEqualTo(RuleKind.DOMAIN);
    assertThat(rule.value()).isEqualTo("forum.example.org");
    assertThat(rule.reason()).isEqualTo("Owner asked: \"no anonymous posts\"");
    assertThat(rule.requestedBy()).isEqualTo("webmaster@forum.example.org");
    assertThat(rule.requestedOn()).isEqualTo(LocalDate.of(2026, 11, 24));
    assertThat(rule.expires()).isEqualTo(LocalDate.of(2027, 11, 24));
    assertThat(rule.reference()).isEqualTo("2026-12-05-abcdef");
    assertThat(list.bans().get(0).ports().toString())
        .as("the multi-line flow list of the entry before is untouched")
        .contains("443");
  }

  @Test
  void removingTheAddedEntryGivesBackTheSameBytes() throws Exception {
    String added = BlocklistEdit.add(ODD, BAN);

    BlocklistEdit.Removal removal =
        BlocklistEdit.remove(added, Set.of("forum.example.org"), "2026-12-05-abcdef");

    assertThat(removal.removed()).containsExactly("forum.example.org");
    assertThat(removal.text()).isEqualTo(ODD);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "bans: []\n",
        "bans: []   # none yet\nexceptions: []\n",
        "bans:\n",
        "bans:\n  - domain: a.example\n",
        "bans:\n- domain: a.example\n  reason: x\n- host: b.example\n",
        "bans:\n  - domain: a.example\n\n  - domain: b.example\n\n# end\n",
        "bans:\n  - domain: a.example\n",
        "# only a comment\n",
        "",
        "exceptions:\n  - host: a.example\n",
        "bans:\r\n  - domain: a.example\r\n  - domain: b.example\r\n",
        "bans:\n  - domain: a.example",
        "bans:\n  - domain: a.example\n    reason: |\n      two\n      lines\n\nexceptions: []\n",
        "bans:\n  -\n    domain: a.example\n",
        "\"bans\":\n  - domain: a.example  # ü, ß and 😀 in a comment\n",
        "bans:\n"
            + "  - domain: a.example\n"
            + "    reason: \"one\u2028two\u0085three\"\n"
            + "  - domain: b.example\n",
      })
  void addThenRemoveIsByteIdenticalForEveryLayout(String original) throws Exception {
    String added = BlocklistEdit.add(original, BAN);
    Blocklist list = load(added);
    assertThat(list.bans())
        .as("the new entry is a ban:\n%s", added)
        .anyMatch(r -> r.value().equals("forum.example.org"));
    if (original.contains("\r\n")) {
      assertThat(added.replace("\r\n", "")).as("CRLF stays CRLF").doesNotContain("\n");
    }

    String removed =
        BlocklistEdit.remove(added, Set.of("forum.example.org"), BAN.reference()).text();

    String expected =
        original.startsWith("bans:\n") && !original.contains("-")
            ? "bans: []\n" // an empty "bans:" comes back as the explicit "bans: []"
            : original.isEmpty() || original.startsWith("#") || original.startsWith("exceptions")
                ? null
                : original;
    if (expected != null) {
      assertThat(removed).isEqualTo(expected);
    } else {
      assertThat(load(removed).bans()).isEmpty();
    }
  }

  @Test
  void aBlankLineSeparatesTheNewEntryWhenTheEntriesAreSeparatedSo() throws Exception {
    String original = "bans:\n  - domain: a.example\n\n  - domain: b.example\n\n# end\n";

    assertThat(BlocklistEdit.add(original, BAN))
        .startsWith("bans:\n  - domain: a.example\n\n  - domain: b.example\n\n  - domain: forum");
  }

  @Test
  void removeTakesOnlyTheEntryWithTheRequestsReference() throws Exception {
    String original =
        "bans:\n"
            + "  - domain: forum.example.org\n"
            + "    reference: \"someone-else\"\n"
            + "  - domain: forum.example.org\n"
            + "    reference: \"2026-12-05-abcdef\"\n"
            + "  - domain: other.example\n"
            + "    reference: \"2026-12-05-abcdef\"\n";

    BlocklistEdit.Removal removal =
        BlocklistEdit.remove(original, Set.of("forum.example.org"), "2026-12-05-abcdef");

    assertThat(removal.text())
        .isEqualTo(
            "bans:\n"
                + "  - domain: forum.example.org\n"
                + "    reference: \"someone-else\"\n"
                + "  - domain: other.example\n"
                + "    reference: \"2026-12-05-abcdef\"\n");
  }

  @Test
  void aCommentAboveTheRemovedEntryStays() throws Exception {
    String original =
        "bans:\n  - domain: a.example\n  # approved after a phone call\n"
            + "  - domain: forum.example.org\n    reference: \"r1\"\n";

    assertThat(BlocklistEdit.remove(original, Set.of("forum.example.org"), "r1").text())
        .isEqualTo("bans:\n  - domain: a.example\n  # approved after a phone call\n");
  }

  @Test
  void aBlockScalarWhoseLastLineLooksLikeACommentGoesWithItsEntry() throws Exception {
    String original =
        "bans:\n  - domain: a.example\n"
            + "  - domain: forum.example.org\n    reference: \"r1\"\n"
            + "    reason: |\n      asked\n      # by phone\n";

    assertThat(BlocklistEdit.remove(original, Set.of("forum.example.org"), "r1").text())
        .isEqualTo("bans:\n  - domain: a.example\n");
  }

  @Test
  void aFlowStyleListWithEntriesIsRefusedRatherThanRewritten() {
    assertThatThrownBy(() -> BlocklistEdit.add("bans: [{domain: a.example}]\n", BAN))
        .isInstanceOf(BlocklistEditException.class)
        .hasMessageContaining("flow style");
  }

  @Test
  void yamlThatDoesNotParseIsRefused() {
    assertThatThrownBy(() -> BlocklistEdit.add("bans:\n  - domain: [unclosed\n", BAN))
        .isInstanceOf(BlocklistEditException.class)
        .hasMessageContaining("not valid YAML");
  }
}
