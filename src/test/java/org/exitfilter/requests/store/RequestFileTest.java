package org.exitfilter.requests.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import org.exitfilter.requests.RequestException;
import org.exitfilter.requests.store.BanRequest.Candidate;
import org.exitfilter.requests.store.BanRequest.Event;
import org.exitfilter.requests.store.BanRequest.FoundIn;
import org.exitfilter.requests.store.BanRequest.Method;
import org.exitfilter.requests.store.BanRequest.Proof;
import org.exitfilter.requests.store.BanRequest.State;
import org.junit.jupiter.api.Test;

/** The YAML file of a request: readable, stable, and read back exactly. */
class RequestFileTest {
  static final Instant T = Instant.parse("2026-12-05T10:00:00Z");
  static final Path FILE = Path.of("requests", "2026-12-05-abcdef.yaml");

  static BanRequest sample(String subject) {
    return new BanRequest(
        "2026-12-05-abcdef",
        State.APPROVED,
        T,
        "webmaster@forum.example.org",
        "Jürgen \"JM\" Müller",
        "desk@news.example.org",
        Instant.parse("2026-11-24T08:12:00Z"),
        "<plain-1@forum.example.org>",
        "ab".repeat(32),
        subject,
        List.of(
            new Candidate("forum.example.org", FoundIn.LINK),
            new Candidate("xn--bcher-kva.example", FoundIn.OPERATOR)),
        List.of("something: worth a look"),
        "exitfilter-abcdefghijklmnopqrstuvwxyz",
        List.of(new Proof("forum.example.org", Method.DNS_TXT, T, "TXT _exitfilter-ban.x")),
        List.of("forum.example.org"),
        true,
        List.of(
            new Event(T, "imported", "from plain.eml: 1 name(s) found"),
            new Event(T, "approved", "banned forum.example.org")));
  }

  @Test
  void aRequestReadsBackExactlyEvenWithTextYamlWouldMisread() throws Exception {
    for (String subject :
        List.of(
            "yes",
            "null",
            "0x10",
            "2026-12-05",
            "- a: b",
            "# not a comment",
            "'quoted' \"twice\" \\ back",
            "tab\tand\u2028separator\u0085",
            "Blocage demandé 😀")) {
      BanRequest request = sample(subject);

      assertThat(RequestFile.read(FILE, RequestFile.write(request)))
          .as("subject %s", subject)
          .isEqualTo(request);
    }
  }

  @Test
  void theFileListsItsKeysInAFixedOrderOneValuePerLine() {
    String text = RequestFile.write(sample("Please block"));

    assertThat(text)
        .contains("\nid: \"2026-12-05-abcdef\"\nstate: approved\n")
        .contains("candidates:\n  - name: \"forum.example.org\"\n    found-in: link\n")
        .contains("proofs:\n  - name: \"forum.example.org\"\n    method: dns-txt\n")
        .contains("forced: true\n")
        .endsWith("    action: \"approved\"\n    note: \"banned forum.example.org\"\n");
    assertThat(text.indexOf("state:")).isLessThan(text.indexOf("candidates:"));
  }

  @Test
  void everyProblemOfAHandEditedFileIsReportedAtOnce() {
    String broken =
        "id: \"2026-12-05-abcdef\"\n"
            + "state: approvd\n"
            + "imported: yesterday\n"
            + "message-sha256: \"x\"\n"
            + "colour: blue\n"
            + "candidates:\n  - name: a.example\n";

    assertThatThrownBy(() -> RequestFile.read(FILE, broken))
        .isInstanceOf(RequestException.class)
        .satisfies(
            e ->
                assertThat(((RequestException) e).kind())
                    .isEqualTo(RequestException.Kind.INVALID_FILE))
        .hasMessageContaining("colour: unknown key")
        .hasMessageContaining("state: 'approvd' is not one of pending, verified")
        .hasMessageContaining("imported: not a UTC time")
        .hasMessageContaining("found-in: missing")
        .hasMessageContaining("token: missing");
  }

  @Test
  void aFileWhoseIdDoesNotMatchItsNameIsRefused() {
    String text = RequestFile.write(sample("x"));

    assertThatThrownBy(() -> RequestFile.read(Path.of("requests", "other.yaml"), text))
        .hasMessageContaining("does not match the file name");
  }

  @Test
  void aFileWrittenByHandBeforeJacksonWroteThemStillLoads() throws Exception {
    Path file =
        Path.of(RequestFileTest.class.getResource("/requests/2026-12-05-abcdef.yaml").toURI());

    BanRequest read = RequestFile.read(file, Files.readString(file));

    assertThat(read.subject()).isEqualTo("Blocage demandé: tab\tand\u2028separator \\ 'q' 😀");
    assertThat(read.senderName()).isEqualTo("Jürgen \"JM\" Müller");
    assertThat(read.state()).isEqualTo(State.APPROVED);
    assertThat(read.candidates())
        .extracting(Candidate::foundIn)
        .containsExactly(FoundIn.LINK, FoundIn.OPERATOR);
    assertThat(read.proofs()).singleElement().extracting(Proof::method).isEqualTo(Method.DNS_TXT);
    assertThat(read.forced()).isTrue();
    assertThat(RequestFile.read(file, RequestFile.write(read)))
        .as("and reads back the same after it is written again")
        .isEqualTo(read);
  }

  @Test
  void aMultiLineNoteWithEveryKindOfLineBreakReadsBackExactly() throws Exception {
    BanRequest sample = sample("x");
    String note = "line one\nline two\u0085three\u2028four\r\nfive\n\n  indented \n";
    BanRequest request = sample.toBuilder().event(new Event(T, "rejected", note)).build();

    String text = RequestFile.write(request);

    assertThat(RequestFile.read(FILE, text)).isEqualTo(request);
    assertThat(text).as("one value per line still").contains("    note: \"line one\\nline two");
  }
}
