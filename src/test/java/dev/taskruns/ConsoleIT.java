package dev.taskruns;

import dev.taskruns.api.Authentication;
import dev.taskruns.chaos.Ports;
import dev.taskruns.chaos.Replica;
import dev.taskruns.support.PostgresResource;
import dev.taskruns.support.SimulatorAdmin;
import dev.taskruns.support.SimulatorSources;
import dev.taskruns.support.TestTokens;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.path.json.JsonPath;
import io.restassured.specification.RequestSpecification;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The operator console in a real browser: Debian's headless Chromium (through its own chromedriver,
 * never a downloaded one) against the packaged application (the production jar, authentication on),
 * which syncs one source per vendor from the simulators this test app serves, as the demo does. The
 * token is pasted into the page; a run the ESET simulator is told to fail must reach the failing-devices
 * list through the change feed, without a reload. Screenshots: {@code target/console*.png}.
 */
@QuarkusTest
@WithTestResource(PostgresResource.class)
class ConsoleIT {

    private static final Path OUT = Path.of("target/console");
    private static final String CHROMIUM = "/usr/bin/chromium";
    private static final String CHROMEDRIVER = "/usr/bin/chromedriver";
    private static final Duration START_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration UI_TIMEOUT = Duration.ofSeconds(20);
    private static final SimulatorAdmin ESET = new SimulatorAdmin("/simulator/eset");
    private static final SimulatorAdmin ALIBABA = new SimulatorAdmin("/simulator/alibaba");

    @ConfigProperty(name = "quarkus.datasource.jdbc.url")
    String testDatabase;

    @Test
    void showsBothVendorsAndAFailureArrivesLive() throws Exception {
        long begin = System.nanoTime();
        Files.createDirectories(OUT);
        // small worlds, every ESET task active: a new run is read at the next cycle
        RestAssured.given().queryParam("devices", 40).queryParam("tasks", 30).queryParam("active", true)
                .post("/simulator/eset/admin/reset").then().statusCode(200);
        RestAssured.given().queryParam("entities", 40).queryParam("tasks", 300)
                .post("/simulator/alibaba/admin/reset").then().statusCode(200);
        ESET.faults("{\"rateLimitPerSecond\": 0}");
        ALIBABA.faults("{\"rateLimitPerSecond\": 0}");

        int port = Ports.free();
        Replica app = new Replica("console", port, OUT, appProperties(freshDatabase("console")));
        WebDriver browser = null;
        try {
            app.start();
            app.awaitReady(START_TIMEOUT);
            long ready = System.nanoTime();
            RequestSpecification api = RestAssured.given().port(port).auth().oauth2(TestTokens.token(Authentication.READ));
            awaitFirstSyncs(api);
            long synced = System.nanoTime();
            // the page itself is public (its data is not), and compressed like the JSON
            for (String file : List.of("/", "/console.js", "/console.css")) {
                RestAssured.given().port(port).header("Accept-Encoding", "gzip").get(file).then()
                        .statusCode(200).header("Content-Encoding", "gzip");
            }

            browser = chromium();
            browser.get("http://localhost:" + port + "/");
            WebDriverWait wait = new WebDriverWait(browser, UI_TIMEOUT);
            // authentication is on: the page asks once for a token
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.id("token"))).sendKeys(TestTokens.token(Authentication.READ));
            browser.findElement(By.cssSelector("#token-form button[type=submit]")).click();

            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-source-id=esetdemo]")));
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-source-id=alidemo]")));
            assertThat(browser.findElement(By.cssSelector("[data-source-id=esetdemo] .vendor")).getText()).isEqualTo("ESET");
            assertThat(browser.findElement(By.cssSelector("[data-source-id=alidemo] .vendor")).getText()).isEqualTo("ALIBABA");
            wait.until(ExpectedConditions.attributeToBe(By.id("feed"), "data-state", "live"));
            wait.until(d -> !d.findElement(By.id("failing-count")).getText().isEmpty());
            // each source's recent cycles: a sparkline and their count (both sources synced before the page opened)
            for (String source : List.of("esetdemo", "alidemo")) {
                By cycles = By.cssSelector("[data-source-id=" + source + "] .cycles");
                wait.until(ExpectedConditions.visibilityOfElementLocated(cycles));
                assertThat(browser.findElements(By.cssSelector("[data-source-id=" + source + "] .cycles svg.spark rect")))
                        .isNotEmpty();
                assertThat(browser.findElement(cycles).findElement(By.className("count")).getText()).matches("\\d+, \\d+ failed");
            }
            screenshot(browser, "console.png");
            // the token was pasted once: a reload keeps it for the tab (session storage)
            browser.navigate().refresh();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("[data-source-id=esetdemo]")));
            assertThat(browser.findElement(By.id("token-form")).isDisplayed()).isFalse();
            wait.until(ExpectedConditions.attributeToBe(By.id("feed"), "data-state", "live"));

            String device = deviceWhoseLastRunDidNotFail(api);
            String task = ESET.groundTruth().getString("tasks[0].uuid");
            RestAssured.given().queryParam("device", device).queryParam("outcome", "FAILED")
                    .post("/simulator/eset/admin/tasks/" + task + "/runs").then().statusCode(200);
            long failed = System.nanoTime();

            By row = By.cssSelector("#failing tr[data-source=esetdemo][data-device-id='" + device + "']");
            wait.until(ExpectedConditions.visibilityOfElementLocated(row));
            long shown = System.nanoTime();
            assertNewestFirst(browser);
            screenshot(browser, "console-failure.png");
            // filtered by vendor and by source, the ESET device leaves the list and comes back
            Select vendor = new Select(browser.findElement(By.id("filter-vendor")));
            vendor.selectByValue("ALIBABA");
            wait.until(ExpectedConditions.invisibilityOfElementLocated(row));
            vendor.selectByValue("");
            wait.until(ExpectedConditions.visibilityOfElementLocated(row));
            Select source = new Select(browser.findElement(By.id("filter-source")));
            source.selectByValue("alidemo");
            wait.until(ExpectedConditions.invisibilityOfElementLocated(row));
            source.selectByValue("esetdemo");
            wait.until(ExpectedConditions.visibilityOfElementLocated(row));

            // the device's history, newest first: the forced failure on top
            browser.findElement(row).findElement(By.tagName("a")).click();
            wait.until(ExpectedConditions.visibilityOfElementLocated(By.cssSelector("#history-runs tr")));
            assertThat(browser.findElement(By.cssSelector("#history-runs tr .status")).getText()).isEqualTo("FAILED");
            browser.findElement(By.id("history-close")).click();

            browser.manage().window().setSize(new Dimension(390, 844));
            wait.until(ExpectedConditions.visibilityOfElementLocated(row));
            screenshot(browser, "console-phone.png");
            System.out.printf("CONSOLE passed in %.1f s: app ready %.1f s, both sources synced %.1f s later,"
                    + " the forced failure on the page %.1f s after the simulator had it%n",
                    seconds(System.nanoTime() - begin), seconds(ready - begin), seconds(synced - ready), seconds(shown - failed));
        } catch (Throwable failure) {
            if (browser != null) {
                try {
                    screenshot(browser, "console-failed.png");
                } catch (RuntimeException | IOException screenshotFailed) {
                    failure.addSuppressed(screenshotFailed);
                }
            }
            System.out.println("---- packaged app (last lines of " + OUT.resolve("console.log") + ")\n" + app.tail(40));
            throw failure;
        } finally {
            if (browser != null) {
                browser.quit();
            }
            app.stop(Duration.ofSeconds(10));
        }
    }

    /** The demo's two sources against this test app's simulators; authentication on, with the test key. */
    private Map<String, String> appProperties(String jdbcUrl) {
        String simulators = "http://localhost:" + RestAssured.port;
        Map<String, String> p = new LinkedHashMap<>(TestTokens.config());
        p.putAll(SimulatorSources.database(jdbcUrl));
        // the forced ESET failure is read within two seconds
        p.putAll(SimulatorSources.eset("esetdemo", simulators, Duration.ofSeconds(2)));
        p.putAll(SimulatorSources.alibaba("alidemo", simulators, Duration.ofSeconds(5)));
        p.put("taskruns.alibaba.backfill", "45d"); // the simulator's 30 days of tasks
        p.put("quarkus.shutdown.delay", "0s");
        return p;
    }

    private static double seconds(long nanos) {
        return nanos / 1e9;
    }

    /** An empty database of its own on the tests' server: the shared one holds other tests' runs. */
    private String freshDatabase(String name) throws SQLException {
        try (Connection connection = DriverManager.getConnection(testDatabase, "postgres", "postgres");
             Statement statement = connection.createStatement()) {
            statement.execute("DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
            statement.execute("CREATE DATABASE " + name);
        }
        return testDatabase.substring(0, testDatabase.lastIndexOf('/') + 1) + name;
    }

    private static void awaitFirstSyncs(RequestSpecification api) throws InterruptedException {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (true) {
            List<String> synced = api.get("/api/v1/sources").then().statusCode(200).extract().jsonPath()
                    .getList("findAll { it.lastSyncSucceededAt != null }.id");
            if (synced.containsAll(List.of("esetdemo", "alidemo"))) {
                return;
            }
            assertThat(System.nanoTime()).as("both sources synced once, so far: %s", synced).isLessThan(deadline);
            Thread.sleep(500);
        }
    }

    private static String deviceWhoseLastRunDidNotFail(RequestSpecification api) {
        JsonPath lastRuns = api.queryParam("source", "esetdemo").queryParam("limit", 1000)
                .get("/api/v1/last-runs").then().statusCode(200).extract().jsonPath();
        String device = lastRuns.getString("items.find { it.status != 'FAILED' }.deviceId");
        assertThat(device).as("an ESET device whose last run did not fail").isNotNull();
        return device;
    }

    private static void assertNewestFirst(WebDriver browser) {
        List<String> started = browser.findElements(By.cssSelector("#failing td[data-label=Started] time")).stream()
                .map(time -> time.getDomAttribute("datetime")).toList();
        assertThat(started).isNotEmpty().isSortedAccordingTo(Comparator.reverseOrder());
    }

    /** The system's Chromium and its chromedriver, named explicitly: Selenium Manager is never asked to fetch one. */
    private static WebDriver chromium() {
        assertThat(Files.isExecutable(Path.of(CHROMIUM)) && Files.isExecutable(Path.of(CHROMEDRIVER)))
                .as("%s and %s: apt-get install chromium chromium-driver (.ci/run does)", CHROMIUM, CHROMEDRIVER).isTrue();
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM);
        options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1366,900");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(CHROMEDRIVER)).usingAnyFreePort().build();
        return new ChromeDriver(service, options);
    }

    private static void screenshot(WebDriver browser, String name) throws IOException {
        File shot = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(shot.toPath(), Path.of("target").resolve(name), StandardCopyOption.REPLACE_EXISTING);
    }
}
