package org.exitfilter.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import org.exitfilter.testing.ProxyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The built-in block page without {@code notice:}, as a German-speaking user of the proxy sees it
 * in Chromium: in German, loading nothing, without links. The screenshot goes to {@code
 * target/notice-screenshots/}. Skipped where Chromium or its driver is not installed.
 */
class BlockPageWithoutNoticeBrowserTest {
  static ProxyFixture proxy;
  static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        Files.isExecutable(NoticeBrowserTest.CHROMIUM)
            && Files.isExecutable(NoticeBrowserTest.DRIVER),
        "chromium and chromium-driver are not installed");
    proxy =
        ProxyFixture.builder()
            .blocklist(
                """
                bans:
                  - domain: blocked.test
                    reason: "Der Betreiber möchte keine anonymen Beiträge"
                """)
            .builtInBlockPage()
            .start();
    browser = NoticeBrowserTest.chromium("http://127.0.0.1:" + proxy.port(), "de-DE,de,en");
    Files.createDirectories(NoticeBrowserTest.SCREENSHOTS);
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (proxy != null) {
      proxy.close();
    }
  }

  @Test
  void aBannedSiteShowsTheGermanBlockPageWithoutANotice() throws Exception {
    browser.get("http://www.blocked.test/forum/post?id=7");

    String text = browser.findElement(By.tagName("body")).getText();
    Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(
        png,
        NoticeBrowserTest.SCREENSHOTS.resolve("blocked-de-without-notice.png"),
        StandardCopyOption.REPLACE_EXISTING);
    assertThat(text)
        .contains("www.blocked.test ist über diesen Dienst nicht erreichbar")
        .contains("der Betreiber des Exits ist dieser Bitte nachgekommen")
        .contains("Der Betreiber möchte keine anonymen Beiträge")
        .contains("Mit Ihrer Verbindung ist alles in Ordnung.");
    assertThat(browser.findElements(By.tagName("a"))).as("no notice to link to").isEmpty();
    assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("de");
    assertThat(NoticeBrowserTest.requestedUrls(browser))
        .as("the block page loads nothing but itself")
        .isNotEmpty()
        .allMatch(url -> url.startsWith("http://www.blocked.test/"));
  }
}
