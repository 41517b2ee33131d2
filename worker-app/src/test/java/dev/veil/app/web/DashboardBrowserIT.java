package dev.veil.app.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.veil.activities.cloud.RecentLogs;
import dev.veil.activities.scrub.Scrubber;
import dev.veil.app.core.PipelineControl;
import dev.veil.app.core.PipelineReconciler;
import dev.veil.app.core.RunCanceller;
import dev.veil.app.core.RunStatusReader;
import dev.veil.app.resources.ApiTokenFilter;
import dev.veil.app.resources.DashboardPageResource;
import dev.veil.app.resources.PipelineControlResource;
import dev.veil.app.resources.RunHistoryResource;
import dev.veil.app.resources.RunsResource;
import dev.veil.app.testing.FakePipelineSource;
import dev.veil.app.testing.InProcessTemporal;
import io.dropwizard.testing.junit5.DropwizardClientExtension;
import io.dropwizard.testing.junit5.DropwizardExtensionsSupport;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web dashboard in headless Chromium (Debian's {@code chromium} + {@code chromium-driver}),
 * over the real pipeline and run workflows with fake activities: a run started with the button
 * fills its bars to 100 %, another is cancelled with the button (after a confirmation on the
 * button) and ends CANCELLED; a failed run shows red bars, its error once, and its column in the
 * runs × tables history grid, with nothing overflowing at 1024 px. Screenshots go to {@code
 * target/dashboard-*.png}. Skipped when Chromium or chromedriver is missing.
 */
@ExtendWith(DropwizardExtensionsSupport.class)
class DashboardBrowserIT {

  private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  private static final String TOKEN = "browser-test-token";
  private static final Duration WAIT = Duration.ofSeconds(40);

  private static final InProcessTemporal temporal =
      new InProcessTemporal(new FakePipelineSource().with("shop").with("crm").with("billing"));
  private static final RunStatusReader reader = new RunStatusReader(temporal.clients);
  private static final PipelineReconciler reconciler =
      new PipelineReconciler(
          temporal.clients.client(), temporal.pipelines, (id, p) -> {}, Duration.ofMinutes(1));

  static final DropwizardClientExtension app =
      new DropwizardClientExtension(
          new ApiTokenFilter(TOKEN),
          new DashboardPageResource(),
          new RunHistoryResource(
              new PipelineControl(temporal.clients.client(), temporal.pipelines), reader),
          new RunsResource(reader, new RunCanceller(temporal.clients.client(), reader)),
          new PipelineControlResource(
              new PipelineControl(temporal.clients.client(), temporal.pipelines),
              reconciler,
              new RecentLogs(100),
              new Scrubber().secrets(List.of(TOKEN))));

  private WebDriver browser;

  @BeforeAll
  static void reconcile() {
    reconciler.reconcile();
  }

  @AfterAll
  static void stopTemporal() {
    temporal.close();
  }

  @BeforeEach
  void startBrowser() {
    assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "headless Chromium test skipped: needs " + CHROMIUM + " and " + CHROMEDRIVER
            + " (apt-get install -y chromium chromium-driver)");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run", "--window-size=1400,900");
    ChromeDriverService service =
        new ChromeDriverService.Builder().usingDriverExecutable(CHROMEDRIVER.toFile()).build();
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void stopBrowser() {
    if (browser != null) {
      browser.quit();
    }
  }

  private WebDriverWait waiting() {
    return new WebDriverWait(browser, WAIT, Duration.ofMillis(200));
  }

  private void screenshot(String name) throws Exception {
    File shot = ((ChromeDriver) browser).getScreenshotAs(OutputType.FILE);
    Path target = Path.of("target", "dashboard-" + name + ".png");
    Files.createDirectories(target.getParent());
    Files.copy(shot.toPath(), target, StandardCopyOption.REPLACE_EXISTING);
  }

  /**
   * Clicks a pipeline's button in one step inside the page: the rows are redrawn every second, so
   * a button found first and clicked after can be gone by then.
   */
  private void click(String pipeline, String action) {
    String selector = "tr[data-pipeline='" + pipeline + "'] button[data-action='" + action + "']";
    waiting()
        .until(
            d ->
                Boolean.TRUE.equals(
                    ((org.openqa.selenium.JavascriptExecutor) d)
                        .executeScript(
                            "const b = document.querySelector(arguments[0]);"
                                + " if (!b || b.disabled) return false; b.click(); return true;",
                            selector)));
  }

  @Test
  void runStartedFromThePageFillsItsBarsAndAnotherIsCancelledWithTheButton() throws Exception {
    browser.get(app.baseUri() + "/");
    browser.findElement(By.id("token")).sendKeys(TOKEN);
    browser.findElement(By.cssSelector("#token-form button")).click();
    waiting().until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("tr[data-pipeline='crm']")));

    // tasks hold after half their rows: the crm run stays in flight until cancelled
    temporal.activities.holdTasks();
    click("crm", "run-now");
    String crmRun = "div.run[data-pipeline='crm']";
    waiting()
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(crmRun + " [data-run-state='RUNNING']")));
    waiting()
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(crmRun + " .bar[data-table='public.customers'] progress")));
    screenshot("running");
    click("crm", "cancel-run");
    // the first click asks for confirmation on the button itself; nothing is sent yet
    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(
                By.cssSelector("tr[data-pipeline='crm'] button[data-action='cancel-run']"),
                "Confirm cancel"));
    assertEquals(
        "RUNNING",
        browser.findElement(By.cssSelector(crmRun + " [data-run-state]")).getAttribute("data-run-state"));
    click("crm", "cancel-run");
    waiting()
        .until(
            ExpectedConditions.textToBePresentInElementLocated(By.id("status"), "cancel"));
    waiting()
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(crmRun + " [data-run-state='CANCELLED']")));

    temporal.activities.releaseTasks();
    click("shop", "run-now");
    String shopRun = "div.run[data-pipeline='shop']";
    waiting()
        .until(
            ExpectedConditions.presenceOfElementLocated(
                By.cssSelector(shopRun + " [data-run-state='SUCCEEDED']")));
    for (String table : List.of("public.customers", "public.orders")) {
      String percent =
          waiting()
              .until(
                  ExpectedConditions.presenceOfElementLocated(
                      By.cssSelector(shopRun + " .bar[data-table='" + table + "'] progress")))
              .getAttribute("data-percent");
      assertEquals("100", percent, table);
    }
    screenshot("done");
  }

  @Test
  void aFailedRunLooksFailedAndTheHistoryGridShowsEveryRunUsableAt1024Pixels() throws Exception {
    temporal.activities.releaseTasks();
    temporal.activities.failTable("public.orders");
    try {
      browser.get(app.baseUri() + "/");
      browser.findElement(By.id("token")).sendKeys(TOKEN);
      browser.findElement(By.cssSelector("#token-form button")).click();
      waiting()
          .until(
              ExpectedConditions.presenceOfElementLocated(
                  By.cssSelector("tr[data-pipeline='billing']")));
      click("billing", "run-now");
      String run = "div.run[data-pipeline='billing']";
      waiting()
          .until(
              ExpectedConditions.presenceOfElementLocated(
                  By.cssSelector(run + " [data-run-state='FAILED']")));
      waiting()
          .until(
              ExpectedConditions.presenceOfElementLocated(
                  By.cssSelector(run + " .bar[data-table='public.orders'] progress.failed")));
      String error =
          browser.findElement(By.cssSelector(run + " p[data-field='error']")).getText();
      long shown =
          browser.findElements(By.cssSelector(run + " p, " + run + " h4")).stream()
              .filter(e -> e.getText().contains(error))
              .count();
      assertEquals(1, shown, "the run's error is shown once: " + error);

      String grid = "table.grid[data-pipeline='billing']";
      waiting()
          .until(
              ExpectedConditions.presenceOfElementLocated(
                  By.cssSelector(grid + " tr[data-table='public.orders'] td.cell.FAILED")));
      waiting()
          .until(
              ExpectedConditions.presenceOfElementLocated(
                  By.cssSelector(grid + " th .swatch[data-outcome='FAILED']")));

      browser.manage().window().setSize(new org.openqa.selenium.Dimension(1024, 800));
      waiting()
          .until(
              d ->
                  ((org.openqa.selenium.JavascriptExecutor) d)
                      .executeScript(
                          "return document.documentElement.scrollWidth"
                              + " <= document.documentElement.clientWidth")
                      .equals(Boolean.TRUE));
      screenshot("failed-1024");
    } finally {
      temporal.activities.healTable("public.orders");
    }
  }
}
