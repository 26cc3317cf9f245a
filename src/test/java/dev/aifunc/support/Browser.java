package dev.aifunc.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.Map;
import java.util.UUID;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Debian Chromium driven through Debian's ChromeDriver, for end-to-end tests.
 *
 * <p>Both binaries are named explicitly, so Selenium Manager never runs and nothing is downloaded; the browser gets a
 * fresh profile under {@code target/} and has its background networking switched off. It resolves no host name but
 * {@code localhost} (and loopback addresses): anything else fails with {@code net::ERR_NAME_NOT_RESOLVED}, so a page
 * that needs the internet shows up as broken. Use with try-with-resources:
 *
 * <pre>{@code
 * Browser.requireAvailable();
 * try (Browser browser = Browser.start(1280, 900)) {
 *     browser.driver().get(url);
 *     browser.screenshot("portal-home");
 * }
 * }</pre>
 */
public final class Browser implements AutoCloseable {

    /** Debian's {@code chromium} package. */
    public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    /** Debian's {@code chromium-driver} package. */
    public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
    /** Where {@link #screenshot(String)} writes its PNG files. */
    public static final Path SCREENSHOTS = Path.of("target", "e2e-screenshots");

    // No selenium-devtools-vNNN module is on the classpath (the tests use WebDriver, not CDP), so every start would
    // warn twice "Unable to find CDP implementation matching NNN". Held in a field: JUL keeps loggers weakly.
    private static final Logger CDP_VERSION_FINDER = Logger.getLogger("org.openqa.selenium.devtools.CdpVersionFinder");

    private final ChromeDriverService service;
    private final ChromeDriver driver;
    private final Path profile;

    private Browser(ChromeDriverService service, ChromeDriver driver, Path profile) {
        this.service = service;
        this.driver = driver;
        this.profile = profile;
    }

    /** Whether Debian's {@code /usr/bin/chromium} and {@code /usr/bin/chromedriver} are installed. */
    public static boolean available() {
        return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
    }

    /**
     * Fails (rather than skips) when the browser is missing.
     *
     * @throws AssertionError naming the Debian packages to install
     */
    public static void requireAvailable() {
        if (!available()) {
            throw new AssertionError("End-to-end browser tests need " + CHROMIUM + " and " + CHROMEDRIVER
                    + " (missing: " + (Files.isExecutable(CHROMIUM) ? "" : CHROMIUM + " ")
                    + (Files.isExecutable(CHROMEDRIVER) ? "" : CHROMEDRIVER.toString())
                    + "); install them with: apt-get install -y chromium chromium-driver (.ci/run does this)");
        }
    }

    /**
     * Starts headless Chromium with a fresh profile and the given window size in CSS pixels. The viewport is as wide
     * as the window; in {@code --headless=new} it is about 143 px shorter (1280x900 gives a 1280x757 viewport).
     *
     * @throws AssertionError if Chromium or ChromeDriver is not installed
     */
    public static Browser start(int width, int height) {
        requireAvailable();
        CDP_VERSION_FINDER.setLevel(Level.SEVERE);
        // Both paths are explicit: Selenium's DriverFinder then skips Selenium Manager entirely. SE_* system
        // properties are handed to Selenium Manager as environment variables, so should it ever run, it stays offline.
        System.setProperty(ChromeDriverService.CHROME_DRIVER_EXE_PROPERTY, CHROMEDRIVER.toString());
        System.setProperty("SE_OFFLINE", "true");
        String id = UUID.randomUUID().toString().substring(0, 8);
        Path target = Path.of("target").toAbsolutePath();
        Path profile = target.resolve("chromium-profile-" + id);
        try {
            Files.createDirectories(profile);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toString());
        options.addArguments(
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=" + width + "," + height, "--user-data-dir=" + profile,
                // Even so, Chromium looks up start.duckduckgo.com, update.googleapis.com, clients2.google.com and
                // accounts.google.com at start: let it resolve nothing but the loopback the application listens on.
                "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE localhost, EXCLUDE 127.0.0.1, EXCLUDE [::1]");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .withLogFile(target.resolve("chromedriver-" + id + ".log").toFile())
                // Chromium keeps its crash-report database in $XDG_CONFIG_HOME/chromium, not in the user data dir
                .withEnvironment(Map.of("XDG_CONFIG_HOME", profile.resolve("xdg-config").toString()))
                .build();
        try {
            return new Browser(service, new ChromeDriver(service, options), profile);
        } catch (RuntimeException e) {
            service.stop();
            throw e;
        }
    }

    /** The Selenium driver of this browser. */
    public WebDriver driver() {
        return driver;
    }

    /**
     * Saves a PNG of the current viewport to {@code target/e2e-screenshots/<name>.png}.
     *
     * @param name file name without extension; no path separators
     * @return the written file
     */
    public Path screenshot(String name) {
        if (name.isBlank() || name.contains("/") || name.contains(File.separator) || name.contains("..")) {
            throw new IllegalArgumentException("screenshot name must be a plain file name: " + name);
        }
        try {
            Files.createDirectories(SCREENSHOTS);
            Path png = SCREENSHOTS.resolve(name + ".png");
            return Files.write(png, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Resizes the browser window to the given size in CSS pixels (the viewport is shorter, see {@link #start}). */
    public void resize(int width, int height) {
        driver.manage().window().setSize(new Dimension(width, height));
    }

    /** Quits the browser and its driver, then deletes the profile directory (best effort). */
    @Override
    public void close() {
        try {
            driver.quit();
        } finally {
            service.stop();
            deleteQuietly(profile);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // leftovers stay under target/ and go with mvn clean
        }
    }
}
