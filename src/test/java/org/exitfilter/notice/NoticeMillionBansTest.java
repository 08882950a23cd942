package org.exitfilter.notice;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.BufferedWriter;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import org.exitfilter.testing.Await;
import org.exitfilter.testing.RawClient;
import org.exitfilter.testing.RawResponse;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The notice with a million list entries: paged HTML, a search, and a streamed JSON. */
class NoticeMillionBansTest {
  static final int ENTRIES = 1_000_000;

  @TempDir static Path dir;
  static NoticeFixture notice;

  static String name(int i) {
    return String.format(Locale.ROOT, "site-%07d.example", i);
  }

  @BeforeAll
  static void start() throws Exception {
    Path list = dir.resolve("million.txt");
    try (BufferedWriter out = Files.newBufferedWriter(list, StandardCharsets.US_ASCII)) {
      for (int i = 0; i < ENTRIES; i++) {
        out.write(name(i));
        out.write('\n');
      }
    }
    Path blocklist =
        NoticeFixture.write(
            dir,
            "blocklist.yaml",
            "bans: []",
            "lists:",
            "  - file: million.txt",
            "    kind: domain",
            "    reason: \"A shared list\"");
    notice = NoticeFixture.start(dir, blocklist, NoticeFixture.config(dir, false, null, null));
  }

  @AfterAll
  static void stop() {
    notice.close();
  }

  @Test
  void theBansPageShowsFiveHundredEntriesAPageUpToTheLast() throws Exception {
    String first = notice.get("/bans?lang=en").body();
    assertThat(first)
        .contains("Entries 1 to 500 of 1000000", "Page 1 of 2000", name(0), name(499))
        .doesNotContain(name(500));
    assertThat(first.split("<tr id=", -1)).hasSize(501);

    String last = notice.get("/bans?lang=en&page=2000").body();
    assertThat(last)
        .contains("Entries 999501 to 1000000 of 1000000", name(999_999), "rel=\"prev\"")
        .doesNotContain("rel=\"next\"");
  }

  /** Bytes allocated so far by the notice's event-loop threads. */
  static long allocatedByTheNotice() {
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long total = 0;
    for (Thread thread : Thread.getAllStackTraces().keySet()) {
      if (thread.getName().startsWith(NoticeServer.THREAD_NAME)) {
        total += threads.getThreadAllocatedBytes(thread.getId());
      }
    }
    return total;
  }

  @Test
  void aPageOrASearchOfAMillionCostsThePageNotTheList() throws Exception {
    notice.get("/bans?lang=en&page=1000");
    notice.get("/bans?lang=en&q=site-0123456");
    long before = allocatedByTheNotice();
    assertThat(before).as("the notice thread is found").isPositive();

    notice.get("/bans?lang=en&page=1999");
    notice.get("/bans?lang=en&q=site-0654321");
    long allocated = allocatedByTheNotice() - before;

    System.out.printf(
        Locale.ROOT, "a page and a search of a million: %d bytes allocated%n", allocated);
    assertThat(allocated)
        .as("a Rule or a String per entry would allocate well over 100 MB")
        .isLessThan(32L << 20);
  }

  @Test
  void aSearchByNameFindsAnEntryAmongAMillion() throws Exception {
    String page = notice.get("/bans?lang=en&q=Site-0777777.Example").body();
    assertThat(page).contains("Entries 1 to 1 of 1", "<tr id=\"domain-site-0777777.example\">");

    assertThat(notice.get("/bans?lang=en&q=site-077777").body())
        .as("ten names contain it")
        .contains("Entries 1 to 10 of 10");
  }

  @Test
  void atMostTwoVisitorsAreSentTheWholeListAtATime() throws Exception {
    String get = "GET /bans.json HTTP/1.1\r\nHost: exit\r\n\r\n";
    // Two visitors who take the list slowly (they read nothing): 170 MB do not fit their sockets.
    try (RawClient first = RawClient.connect(notice.address());
        RawClient second = RawClient.connect(notice.address())) {
      first.send(get);
      assertThat(first.readResponseHead().status()).isEqualTo(200);
      second.send(get);
      assertThat(second.readResponseHead().status()).isEqualTo(200);

      try (RawClient third = RawClient.connect(notice.address())) {
        RawResponse busy = third.send(get).readResponseHead();
        assertThat(busy.status()).isEqualTo(503);
        assertThat(busy.header("Retry-After")).isEqualTo("60");
      }
    }
    // Both left: the next visitor is sent the list again.
    Await.untilAsserted(
        () -> {
          try (RawClient next = RawClient.connect(notice.address())) {
            assertThat(next.send(get).readResponseHead().status()).isEqualTo(200);
          }
        });
  }

  @Test
  void bansJsonStreamsAMillionEntries() throws Exception {
    long started = System.nanoTime();
    HttpResponse<InputStream> response =
        notice.client.send(
            HttpRequest.newBuilder(notice.uri("/bans.json")).timeout(Duration.ofMinutes(2)).build(),
            HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.headers().firstValue("Transfer-Encoding")).contains("chunked");
    assertThat(response.headers().firstValue("Content-Length")).isEmpty();
    int count = -1;
    int values = 0;
    String lastValue = null;
    long bytes;
    try (InputStream in = response.body();
        JsonParser json = new JsonFactory().createParser(in)) {
      JsonToken token;
      while ((token = json.nextToken()) != null) {
        if (token == JsonToken.FIELD_NAME
            && json.currentName().equals("count")
            && json.getParsingContext().getParent().inRoot()) {
          // The document's own count, not a source's (sources[].count comes after it).
          json.nextToken();
          count = json.getIntValue();
        } else if (token == JsonToken.FIELD_NAME && json.currentName().equals("value")) {
          json.nextToken();
          lastValue = json.getText();
          values++;
        }
      }
      bytes = json.currentLocation().getByteOffset();
    }
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.printf(
        Locale.ROOT, "bans.json: %d entries, %d bytes, served in %d ms%n", values, bytes, millis);

    assertThat(count).isEqualTo(ENTRIES);
    assertThat(values).isEqualTo(ENTRIES);
    assertThat(lastValue).isEqualTo(name(ENTRIES - 1));
  }
}
