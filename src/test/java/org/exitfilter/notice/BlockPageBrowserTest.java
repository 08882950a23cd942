package org.exitfilter.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import org.exitfilter.testing.ProxyFixture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;

/**
 * The block page as a German-speaking user of the proxy sees it in Chromium: the page of a banned
 * site in German, loading nothing, and its link to the ban's row on the notice's {@code /bans}.
 * Screenshots go to {@code target/notice-screenshots/}. Skipped where Chromium or its driver is not
 * installed.
 */
class BlockPageBrowserTest {
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
                  - domain: unrelated.test
                """)
            .builtInBlockPage()
            .config(
                """
                notice:
                  listen: ["127.0.0.1:0"]
                  operator: "Example Exit e.V."
                  contact: abuse@exit.example
                  addresses: [203.0.113.10]
                """)
            .start();
    // The proxy sees every request but those to loopback, which Chromium sends directly.
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
  void aBannedSiteShowsTheGermanBlockPageWhoseLinkLeadsToTheBansEntry() throws Exception {
    browser.manage().logs().get(LogType.PERFORMANCE);
    browser.get("http://www.blocked.test/forum/post?id=7");

    String text = browser.findElement(By.tagName("body")).getText();
    screenshot("blocked-de.png");
    assertThat(text)
        .contains("www.blocked.test ist über diesen Dienst nicht erreichbar")
        .contains("Der Betreiber möchte keine anonymen Beiträge")
        .contains("Mit Ihrer Verbindung ist alles in Ordnung.")
        .doesNotContain("unrelated.test");
    assertThat(consoleProblems()).as("the browser's console").isEmpty();
    assertThat(NoticeBrowserTest.requestedUrls(browser))
        .as("the block page loads nothing but itself")
        .isNotEmpty()
        .allMatch(url -> url.startsWith("http://www.blocked.test/"));

    browser
        .findElement(By.linkText("ihr Eintrag in der Liste der veröffentlichten Sperren"))
        .click();

    String notice = "http://127.0.0.1:" + proxy.notice().addresses().get(0).getPort();
    assertThat(browser.getCurrentUrl())
        .isEqualTo(notice + "/bans?q=blocked.test#domain-blocked.test");
    assertThat(browser.findElement(By.id("domain-blocked.test")).getText())
        .as("the ban's row, in German, as the browser asked")
        .contains("blocked.test")
        .contains("Der Betreiber möchte keine anonymen Beiträge");
    assertThat(browser.findElement(By.tagName("html")).getAttribute("lang")).isEqualTo("de");
    screenshot("blocked-de-entry.png");
  }

  private static List<String> consoleProblems() {
    List<String> problems = new ArrayList<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
      String message = entry.getMessage();
      if (message.contains("Content Security Policy") || message.contains("Refused")) {
        problems.add(message);
      }
    }
    return problems;
  }

  private static void screenshot(String name) throws Exception {
    Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(
        png, NoticeBrowserTest.SCREENSHOTS.resolve(name), StandardCopyOption.REPLACE_EXISTING);
  }
}
