package dev.ferry.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.openqa.selenium.By;
import org.openqa.selenium.NoSuchFrameException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.TimeoutException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Temporal Web UI (2.42) in headless Chromium, checked for what an operator needs without
 * opening a workflow's JSON: the list names the moves, a move's history names its activities with
 * their summaries, its User Metadata tab shows the summary, details and current details. Uses
 * Debian's chromium and chromedriver (scripts/install-deps.sh); saves a screenshot of every page it
 * checks.
 */
public final class WebUiPages implements AutoCloseable {

  /** Where the browser tests' screenshots land (e2e/target/ui-screenshots). */
  public static final Path SCREENSHOTS = Path.of("target", "ui-screenshots").toAbsolutePath();

  /** The UI loads its data after the page: long enough for a loaded 2-core machine. */
  private static final Duration PAGE_DATA = Duration.ofSeconds(30);

  private final String namespaceUrl;
  private final WebDriver driver;

  /**
   * @param webUi the UI's base URL, e.g. {@code http://localhost:8711}
   */
  public WebUiPages(String webUi) {
    this.namespaceUrl = webUi + "/namespaces/default";
    this.driver = headlessChromium();
  }

  /** The workflow list names every move by its workflow id, with its workflow type. */
  public void checkWorkflowList(List<String> moveIds, List<String> types, String screenshot) {
    driver.get(namespaceUrl + "/workflows");
    List<String> expected = new ArrayList<>(types);
    moveIds.forEach(id -> expected.add("move:" + id));
    awaitBodyText(expected, screenshot);
    save(screenshot);
  }

  /**
   * A move's page: its history names each activity with its summary ("HypervisorPowerOff • power
   * off (web1 on h1)"); its User Metadata tab shows the static summary, details that name the move,
   * the events with metadata, and current details that start with {@code currentDetailsPrefix}.
   */
  public void checkMovePage(
      String moveId,
      String summary,
      List<String> activityLines,
      String currentDetailsPrefix,
      String screenshot) {
    driver.get(namespaceUrl + "/workflows/move:" + moveId);
    awaitBodyText(activityLines, screenshot + "-history");
    save(screenshot + "-history");

    driver.findElement(By.partialLinkText("User Metadata")).click();
    List<String> frames = awaitFrames(3, screenshot + "-metadata");
    save(screenshot + "-metadata");
    assertEquals(summary, frames.get(0), "the static summary");
    assertTrue(frames.get(1).contains("move id: " + moveId), () -> "details: " + frames.get(1));
    assertTrue(
        frames.get(2).startsWith(currentDetailsPrefix), () -> "current details: " + frames.get(2));
  }

  /** Waits until the page's text holds every one of {@code texts}. */
  private void awaitBodyText(List<String> texts, String screenshot) {
    try {
      new WebDriverWait(driver, PAGE_DATA)
          .until(d -> missingFrom(d.findElement(By.tagName("body")).getText(), texts).isEmpty());
    } catch (TimeoutException e) {
      save(screenshot + "-failed");
      String body = driver.findElement(By.tagName("body")).getText();
      throw new AssertionError(
          driver.getCurrentUrl() + " never showed " + missingFrom(body, texts) + ":\n" + body, e);
    }
  }

  /**
   * The texts of the User Metadata tab's rendered Markdown (each an iframe titled "output", in page
   * order: summary, details, current details), once {@code count} of them have text.
   */
  private List<String> awaitFrames(int count, String screenshot) {
    List<String> texts = new ArrayList<>();
    try {
      // The tab re-renders its frames as its data arrives: a frame may go stale mid-read.
      new WebDriverWait(driver, PAGE_DATA)
          .ignoring(StaleElementReferenceException.class)
          .ignoring(NoSuchFrameException.class)
          .until(
              d -> {
                texts.clear();
                try {
                  for (WebElement frame :
                      d.findElements(By.cssSelector("iframe[title='output']"))) {
                    d.switchTo().frame(frame);
                    texts.add(d.findElement(By.tagName("body")).getText().strip());
                    d.switchTo().defaultContent();
                  }
                } finally {
                  d.switchTo().defaultContent();
                }
                return texts.size() >= count && texts.stream().noneMatch(String::isEmpty);
              });
    } catch (TimeoutException e) {
      save(screenshot + "-failed");
      throw new AssertionError(driver.getCurrentUrl() + " showed only " + texts, e);
    }
    return List.copyOf(texts);
  }

  private static List<String> missingFrom(String text, List<String> texts) {
    return texts.stream().filter(t -> !text.contains(t)).toList();
  }

  private void save(String name) {
    try {
      Files.createDirectories(SCREENSHOTS);
      Files.write(
          SCREENSHOTS.resolve(name + ".png"),
          ((org.openqa.selenium.TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Debian's chromium through its own chromedriver (never Selenium Manager, which downloads). This
   * machine's closed network refuses Chromium's background connections: the flags turn them off.
   */
  private static WebDriver headlessChromium() {
    Path profile;
    try {
      profile = Files.createTempDirectory("ferry-ui-chromium");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    ChromeOptions options = new ChromeOptions();
    options.setBinary("/usr/bin/chromium");
    options.addArguments(
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--window-size=1600,1200",
        "--user-data-dir=" + profile);
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(new File("/usr/bin/chromedriver"))
            .build();
    return new ChromeDriver(service, options);
  }

  @Override
  public void close() {
    driver.quit();
  }
}
