package org.exitfilter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every entry of a plain-text list names the line it was written on (what {@code check} and the
 * block page show), whether the list is one name per line, which keeps no array of lines, or lines
 * are skipped or hold several names.
 */
class ListEntriesLinesTest {
  @TempDir Path dir;

  @Test
  void oneNamePerLineUnderACommentKeepsEachLine() throws IOException {
    assertThat(
            entriesOf("# a shared list\n# two lines of header\na.example\nb.example\nc.example\n"))
        .containsExactly("a.example@3", "b.example@4", "c.example@5");
  }

  @Test
  void aBlankLineOrCommentBetweenNamesMovesTheLinesAfterIt() throws IOException {
    assertThat(entriesOf("a.example\nb.example\n\n# later additions\nc.example\nd.example\n"))
        .containsExactly("a.example@1", "b.example@2", "c.example@5", "d.example@6");
  }

  @Test
  void namesOfOneHostsFileLineShareItsLine() throws IOException {
    assertThat(entriesOf("a.example\n0.0.0.0 b.example c.example\nd.example\n"))
        .containsExactly("a.example@1", "b.example@2", "c.example@2", "d.example@3");
  }

  @Test
  void aBadLineIsSkippedAndTheNextEntryKeepsItsLine() throws IOException {
    assertThat(entriesOf("a.example\nnot a name\nb.example\n"))
        .containsExactly("a.example@1", "b.example@3");
  }

  @Test
  void anEntryBuiltAsARuleNamesItsLine() throws IOException {
    ListEntries entries = read("\na.example\nb.example\n", new Problems(dir.resolve("list.txt")));
    assertThat(entries.rule(1).source()).isEqualTo(new Source(dir.resolve("list.txt"), 3, 0));
  }

  private List<String> entriesOf(String text) throws IOException {
    ListEntries entries = read(text, new Problems(dir.resolve("list.txt")));
    List<String> values = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      values.add(entries.value(i) + "@" + entries.line(i));
    }
    return values;
  }

  private ListEntries read(String text, Problems problems) throws IOException {
    Path file = dir.resolve("list.txt");
    Files.writeString(file, text);
    EntryReader.ListSpec spec =
        new EntryReader.ListSpec(
            file,
            new Source(dir.resolve("blocklist.yaml"), 3, 5),
            RuleKind.DOMAIN,
            new EntryReader.Details(Ports.ALL, null, null, null, null, null));
    return ListFileReader.read(spec, problems);
  }
}
