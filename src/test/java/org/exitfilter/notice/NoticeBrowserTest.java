package org.exitfilter.notice;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Level;
import org.exitfilter.testing.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.logging.LogEntry;
import org.openqa.selenium.logging.LogType;
import org.openqa.selenium.logging.LoggingPreferences;

/**
 * The notice as a person sees it: Debian's headless Chromium, driven through Selenium, loads the
 * pages in English and German, reads the visible text, and checks from the browser's own logs that
 * the page broke no rule of its Content-Security-Policy and requested nothing but the notice.
 * Screenshots go to {@code target/notice-screenshots/}. Skipped where Chromium or its driver is not
 * installed ({@code .ci/run} installs both).
 */
class NoticeBrowserTest {
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path DRIVER = Path.of("/usr/bin/chromedriver");
  static final Path SCREENSHOTS = Path.of("target/notice-screenshots");
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir static Path dir;
  static NoticeFixture notice;
  static ChromeDriver browser;

  @BeforeAll
  static void start() throws Exception {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(DRIVER),
        "chromium and chromium-driver are not installed");
    NoticeFixture.write(dir, "shared/optout.txt", "forum.example.com", "board.example.net");
    Path blocklist =
        NoticeFixture.write(
            dir,
            "blocklist.yaml",
            "bans:",
            "  - domain: secret-site.example",
            "    reason: \"Owner asked to block anonymous posting\"",
            "    requested-on: 2026-11-20",
            "    expires: 2027-11-20",
            "    reference: 2026-11-21-x2doam",
            "  - network: 203.0.113.0/24",
            "    ports: [80, 443]",
            "    reason: \"Documentation range\"",
            "lists:",
            "  - file: shared/optout.txt",
            "    kind: domain",
            "    reason: \"Shared opt-out list\"");
    Path key = NoticeFixture.write(dir, "operator.asc", "-----BEGIN PGP PUBLIC KEY BLOCK-----");
    notice = NoticeFixture.start(dir, blocklist, NoticeFixture.config(dir, false, null, key));

    browser = chromium("http://127.0.0.1:9", "en-US,en");
    Files.createDirectories(SCREENSHOTS);
  }

  /**
   * Headless Chromium whose every request off loopback goes to {@code proxy}, with the given {@code
   * Accept-Language}; names other than the proxy's never resolve on this machine.
   */
  static ChromeDriver chromium(String proxy, String acceptLanguages) {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-features=Translate,OptimizationHints,MediaRouter",
        // Nothing leaves loopback, whatever the browser would fetch on its own: names do not
        // resolve, and any request off loopback goes to the proxy on loopback.
        "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1",
        "--proxy-server=" + proxy,
        "--lang=" + acceptLanguages.split(",")[0]);
    options.setExperimentalOption("prefs", Map.of("intl.accept_languages", acceptLanguages));
    LoggingPreferences logs = new LoggingPreferences();
    logs.enable(LogType.BROWSER, Level.ALL);
    logs.enable(LogType.PERFORMANCE, Level.ALL);
    options.setCapability("goog:loggingPrefs", logs);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File(DRIVER.toString()))
            .usingAnyFreePort()
            .build();
    ChromeDriver chrome = new ChromeDriver(service, options);
    chrome.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
    chrome.manage().window().setSize(new Dimension(1100, 900));
    return chrome;
  }

  @AfterAll
  static void stop() {
    if (browser != null) {
      browser.quit();
    }
    if (notice != null) {
      notice.close();
    }
  }

  /** Loads a page, saves its screenshot, and checks the browser's logs for what it did. */
  String load(String pathAndQuery, String screenshot) throws Exception {
    return load(notice, pathAndQuery, screenshot);
  }

  static String load(NoticeFixture notice, String pathAndQuery, String screenshot)
      throws Exception {
    browser.manage().logs().get(LogType.BROWSER);
    browser.manage().logs().get(LogType.PERFORMANCE);
    browser.get(notice.uri(pathAndQuery).toString());
    String text = browser.findElement(By.tagName("body")).getText();
    Path png = browser.getScreenshotAs(OutputType.FILE).toPath();
    Files.copy(png, SCREENSHOTS.resolve(screenshot), StandardCopyOption.REPLACE_EXISTING);

    List<String> console = new ArrayList<>();
    for (LogEntry entry : browser.manage().logs().get(LogType.BROWSER)) {
      console.add(entry.getMessage());
    }
    assertThat(console)
        .as("the browser's console on %s", pathAndQuery)
        .noneMatch(m -> m.contains("Content Security Policy") || m.contains("Refused"));
    String origin = notice.uri("/").toString();
    for (String url : requestedUrls()) {
      assertThat(url).as("every request of %s", pathAndQuery).startsWith(origin);
    }
    return text;
  }

  static List<String> requestedUrls() throws Exception {
    return requestedUrls(browser);
  }

  /** The URLs {@code chrome} requested since its performance log was last read. */
  static List<String> requestedUrls(ChromeDriver chrome) throws Exception {
    List<String> urls = new ArrayList<>();
    for (LogEntry entry : chrome.manage().logs().get(LogType.PERFORMANCE)) {
      JsonNode message = JSON.readTree(entry.getMessage()).path("message");
      if (message.path("method").asText().equals("Network.requestWillBeSent")) {
        urls.add(message.path("params").path("request").path("url").asText());
      }
    }
    return urls;
  }

  @Test
  void aTemplateThatBreaksThePolicyIsCaughtByTheseChecks() throws Exception {
    Path templates = dir.resolve("rogue");
    NoticeFixture.write(
        dir,
        "rogue/index.en.mustache",
        "<!DOCTYPE html><html><body><p style=\"color: red\">inline style</p>",
        "<img src=\"http://127.0.0.2:9/pixel.png\" alt=\"\"></body></html>");
    try (NoticeFixture rogue =
        NoticeFixture.start(
            dir,
            dir.resolve("blocklist.yaml"),
            NoticeFixture.config(dir, false, templates, null))) {
      assertThatThrownBy(() -> load(rogue, "/?lang=en", "rogue.png"))
          .as("the CSP refuses the inline style and the foreign image, and the checks see it")
          .isInstanceOf(AssertionError.class)
          .hasMessageContaining("Content Security Policy");
    }
  }

  @Test
  void theNoticeReadsInEnglishAndGerman() throws Exception {
    assertThat(load("/?lang=en", "notice-en.png"))
        .contains(
            "This is an exit of an anonymization network",
            "keeps no record of who sent what",
            "Not the operator",
            "abuse@exit.example",
            "Ask for a ban",
            "203.0.113.10",
            "2001:db8::10");
    assertThat(load("/?lang=de", "notice-de.png"))
        .contains(
            "Dies ist ein Exit eines Anonymisierungsnetzes",
            "speichert nicht, wer was gesendet hat",
            "Nicht der Betreiber",
            "Beantragen Sie eine Sperre");
  }

  @Test
  void aClickOnTheOtherLanguageSwitchesThePage() throws Exception {
    load("/bans?lang=en", "bans-en.png");
    browser.findElement(By.linkText("Deutsch")).click();
    assertThat(browser.findElement(By.tagName("h1")).getText())
        .isEqualTo("Veröffentlichte Sperren");
    assertThat(browser.findElement(By.tagName("html")).getDomAttribute("lang")).isEqualTo("de");
  }

  @Test
  void theBansTableShowsEachBanInForce() throws Exception {
    String text = load("/bans?lang=en", "bans-en.png");
    assertThat(text).contains("Published bans", "Entries 1 to 4 of 4");
    List<WebElement> rows = browser.findElements(By.cssSelector("tbody tr"));
    assertThat(rows).hasSize(4);
    assertThat(rows.get(0).getText())
        .contains(
            "domain",
            "secret-site.example",
            "Owner asked to block anonymous posting",
            "2026-11-20",
            "2027-11-20",
            "2026-11-21-x2doam",
            "blocklist.yaml");
    assertThat(rows.get(1).getText()).contains("203.0.113.0/24", "80, 443");
    assertThat(rows.get(2).getText()).contains("forum.example.com", "optout.txt");

    String german = load("/bans?lang=de", "bans-de.png");
    assertThat(german).contains("Veröffentlichte Sperren", "Einträge 1 bis 4 von 4");
  }

  @Test
  void theSearchFormFindsABanByName() throws Exception {
    load("/bans?lang=en", "bans-en.png");
    WebElement search = browser.findElement(By.id("q"));
    search.sendKeys("forum");
    search.submit();
    // submit() returns once the form is sent, not once the result page has replaced this one.
    Await.until(
        "the search's result page is shown",
        () ->
            browser.getCurrentUrl().contains("q=forum")
                && "complete".equals(browser.executeScript("return document.readyState")));
    assertThat(browser.findElements(By.cssSelector("tbody tr")))
        .singleElement()
        .extracting(WebElement::getText)
        .asString()
        .contains("forum.example.com");
  }

  @Test
  void theRequestPageExplainsTheProofsInBothLanguages() throws Exception {
    assertThat(load("/request-a-ban?lang=en", "request-a-ban-en.png"))
        .contains("Ask for a ban", "_exitfilter-ban.", "/.well-known/exitfilter-ban.txt");
    assertThat(browser.findElement(By.linkText("this prefilled message")).getDomAttribute("href"))
        .startsWith("mailto:abuse@exit.example?subject=Ban%20request&body=");
    assertThat(load("/request-a-ban?lang=de", "request-a-ban-de.png"))
        .contains("Sperre beantragen", "_exitfilter-ban.", "TXT-Eintrag");
  }
}
