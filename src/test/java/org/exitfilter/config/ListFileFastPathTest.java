package org.exitfilter.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The list reader stores lines that are already normalized names straight from the file's bytes.
 * Every list here is read both ways, and the fast path must give exactly what the slow path (the
 * one every line can take, through the same parser as YAML entries) gives: the same entries on the
 * same lines, and the same problems.
 */
class ListFileFastPathTest {
  @TempDir Path dir;

  private static final List<String> TRICKY_LINES =
      List.of(
          "example.org",
          "example.org.",
          "example.org..",
          ".example.org",
          "a..b",
          "Example.ORG",
          "www.example.org   # comment",
          "# only a comment",
          "",
          "   ",
          "\tindented.example",
          "0.0.0.0 ads.example.com tracker.example.com",
          "127.0.0.1 localhost",
          "xn--fa-hia.de",
          "xn--bcher-kva.example",
          "ab--cd.example",
          "r3---sn-abc.googlevideo.com",
          "under_score.example",
          "faß.de",
          "bücher.example",
          "192.0.2.1",
          "1.2.3.4.5",
          "example.123",
          "example.0x1f",
          "example.0x1g",
          "example.1a",
          "x".repeat(63) + ".example",
          "x".repeat(64) + ".example",
          ("abcdefghi.".repeat(25)) + "com",
          ("abcdefghi.".repeat(26)) + "com",
          "exa mple.org",
          "exa%41mple.org",
          "a/b.example",
          "-leading.example",
          "trailing-.example",
          "example.-",
          "example._",
          "\uFEFFbom.example",
          "ｅｘａｍｐｌｅ.org",
          "last.line.without.newline");

  @Test
  void trickyLinesGiveTheSameEntriesAndProblemsBothWays() throws IOException {
    StringBuilder text = new StringBuilder();
    for (String line : TRICKY_LINES) {
      text.append(line).append('\n');
    }
    // line endings of every kind BufferedReader knows, a lone \r among them
    text.append("crlf.example\r\nlone.cr.example\rafter.cr.example\n\r\nend.example");
    assertSameBothWays(text.toString().getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void bytesThatAreNotUtf8AreReportedOnTheirLineBothWays() throws IOException {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    bytes.writeBytes("good.example\n".getBytes(StandardCharsets.US_ASCII));
    bytes.writeBytes(new byte[] {'b', 'a', 'd', (byte) 0xC3, '.', 'e', 'x', '\n'});
    bytes.writeBytes("also.good.example\n".getBytes(StandardCharsets.US_ASCII));

    Result fast = read(bytes.toByteArray(), false);

    assertThat(fast.values()).containsExactly("good.example@1", "also.good.example@3");
    assertThat(fast.problems()).singleElement().asString().contains(":2: the line is not UTF-8");
    assertSameBothWays(bytes.toByteArray());
  }

  @Test
  void linesLongerThanTheReadBufferAndSplitAcrossBuffersAreReadWhole() throws IOException {
    StringBuilder text = new StringBuilder();
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      text.append("site-").append(random.nextInt(1_000_000)).append(".example-").append(i % 97);
      text.append(i % 5 == 0 ? ".test\r\n" : ".test\n");
    }
    text.append("#".repeat(200_000)).append('\n').append("after.long.comment\n");

    Result fast = read(text.toString().getBytes(StandardCharsets.US_ASCII), false);

    assertThat(fast.values()).hasSize(20_001).last().isEqualTo("after.long.comment@20002");
    assertSameBothWays(text.toString().getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void randomLinesOfNameCharactersGiveTheSameBothWays() throws IOException {
    Random random = new Random(7);
    String alphabet = "abcxyzAZ0189-_.n \t#\r";
    StringBuilder text = new StringBuilder();
    for (int i = 0; i < 5_000; i++) {
      int length = random.nextInt(12);
      for (int c = 0; c < length; c++) {
        text.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      text.append('\n');
    }
    assertSameBothWays(text.toString().getBytes(StandardCharsets.US_ASCII));
  }

  private void assertSameBothWays(byte[] content) throws IOException {
    Result fast = read(content, false);
    Result slow = read(content, true);
    assertThat(fast.values()).isEqualTo(slow.values());
    assertThat(fast.problems()).isEqualTo(slow.problems());
  }

  private record Result(List<String> values, List<String> problems) {}

  private Result read(byte[] content, boolean slowPathOnly) throws IOException {
    Path file = dir.resolve("list.txt");
    Files.write(file, content);
    Problems problems = new Problems(file);
    EntryReader.ListSpec spec =
        new EntryReader.ListSpec(
            file,
            new Source(dir.resolve("blocklist.yaml"), 3, 5),
            RuleKind.DOMAIN,
            new EntryReader.Details(Ports.ALL, null, null, null, null, null));
    ListEntries entries = ListFileReader.read(spec, problems, slowPathOnly);
    List<String> values = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      values.add(entries.value(i) + "@" + entries.line(i));
    }
    return new Result(values, problems.inFileOrder().stream().map(Problem::toString).toList());
  }
}
