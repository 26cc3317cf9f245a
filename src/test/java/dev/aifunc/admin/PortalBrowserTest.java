package dev.aifunc.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import dev.aifunc.support.Browser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The portal in a real browser (headless Debian Chromium through ChromeDriver), the way a business developer meets
 * it: sign in, create a review-sentiment scenario from the gallery, run it in the playground and read the label from
 * the page, raise the threshold, roll back, sign out. Screenshots of each step, at 1280 and 390 pixels wide, are
 * saved to {@code target/e2e-screenshots/}.
 */
@QuarkusTest
class PortalBrowserTest {

    private static final String REVIEW = "Terrible purchase: it broke after two days and the seller never replied.";

    @TestHTTPResource("/")
    URL base;

    @jakarta.inject.Inject
    dev.aifunc.usage.UsageRecorder usage;

    @Test
    void fromTheGalleryToAWorkingScenarioAndBack() {
        Api.awaitReady();
        given().delete("/api/scenarios/e2e-reviews");
        String root = base.toString().replaceAll("/+$", "");
        try (Browser browser = Browser.start(1280, 900)) {
            WebDriver d = browser.driver();
            WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(30));

            // signed out, the portal sends the visitor to the sign-in form
            d.get(root + "/admin");
            wait.until(ExpectedConditions.urlContains("/admin/login"));
            browser.screenshot("01-sign-in");
            d.findElement(By.id("username")).sendKeys("admin");
            d.findElement(By.id("password")).sendKeys("test-admin-password");
            d.findElement(By.cssSelector("button[type=submit]")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("kind-nlp")));
            assertTrue(d.findElement(By.cssSelector("header.top")).getText().contains("Signed in as admin"));
            browser.screenshot("02-gallery");

            // the gallery card of review-sentiment leads to the form generated from its config schema
            d.findElement(By.cssSelector("a[aria-label='Use the Review sentiment template']")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("scenario-id")));
            WebElement id = d.findElement(By.id("scenario-id"));
            id.clear();
            id.sendKeys("e2e-reviews");
            WebElement name = d.findElement(By.id("scenario-name"));
            name.clear();
            name.sendKeys("Shop reviews");
            assertEquals("e2e-reviews", d.findElement(By.id("preview-id")).getText(), "the preview follows the id");
            browser.screenshot("03-create-form");
            d.findElement(By.id("save")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.notice"), "Scenario created"));
            browser.screenshot("04-scenario-created");
            given().get("/api/scenarios/e2e-reviews").then().statusCode(200).body("version", equalTo(1));

            // the playground: type a review, press Run, read the label from the page
            assertEquals("negative", runInPlayground(d, wait, browser, "05-playground"));

            // raise the threshold above the answer's score: a new version, and the label becomes "no label"
            d.findElement(By.linkText("Edit")).click();
            WebElement threshold = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("config-threshold")));
            threshold.clear();
            threshold.sendKeys("0.99");
            browser.screenshot("06-edit-threshold");
            d.findElement(By.id("save")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.notice"), "Saved as version v2"));
            given().get("/api/scenarios/e2e-reviews").then().body("version", equalTo(2))
                    .body("config.threshold", equalTo(0.99f));
            assertEquals("No label (below the threshold)", runInPlayground(d, wait, browser, "07-playground-v2"));

            // roll back to v1 from the versions table, confirming the browser's dialog
            d.findElement(By.linkText("Overview")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("versions")));
            browser.screenshot("08-versions-and-diff");
            d.findElement(By.cssSelector("button[aria-label='Activate version 1']")).click();
            wait.until(ExpectedConditions.alertIsPresent()).accept();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.cssSelector("p.notice"), "Version v1 is now active"));
            browser.screenshot("09-rolled-back");
            given().get("/api/scenarios/e2e-reviews").then().body("version", equalTo(1));
            assertEquals("negative", runInPlayground(d, wait, browser, "10-playground-after-rollback"));

            // the Datasets tab: a CSV of extra labelled examples, sent with a progress bar, then summarised
            d.findElement(By.linkText("Datasets")).click();
            WebElement file = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("file-examples")));
            java.nio.file.Path csv = java.nio.file.Path.of("target", "e2e-examples.csv").toAbsolutePath();
            try {
                java.nio.file.Files.writeString(csv, "text,label\nThe zipper broke on the first day.,negative\n"
                        + "Lovely soft fabric and a perfect fit.,positive\n");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
            file.sendKeys(csv.toString());
            d.findElement(By.id("upload-examples")).click();
            wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id("upload-report"), "2 rows stored in 'examples'"));
            browser.screenshot("11-datasets-uploaded");
            given().get("/api/scenarios/e2e-reviews/datasets/examples").then().statusCode(200).body("rows", equalTo(2));

            // the Usage tab: calls made through the API, drawn as charts
            for (int i = 0; i < 5; i++) {
                Api.invoke("e2e-reviews", java.util.Map.of("text", REVIEW)).then().statusCode(200);
            }
            Api.invoke("e2e-reviews", java.util.Map.of("text", "")).then().statusCode(422);
            try {
                usage.flush();
            } catch (java.sql.SQLException e) {
                throw new AssertionError(e);
            }
            d.findElement(By.linkText("Usage")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart-calls canvas")));
            assertEquals("6", d.findElement(By.id("total-calls")).getText());
            assertEquals("1", d.findElement(By.id("total-errors")).getText());
            browser.screenshot("11b-usage");

            // a phone-sized window: the same pages, one column
            browser.resize(390, 844);
            d.get(root + "/admin");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("kind-nlp")));
            browser.screenshot("12-gallery-390px");
            assertFitsWidth(d, 390);
            d.get(root + "/admin/scenarios/e2e-reviews/edit");
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("config-threshold")));
            browser.screenshot("13-edit-390px");
            assertFitsWidth(d, 390);
            assertEquals("negative", runInPlayground(d, wait, browser, "14-playground-390px"));
            assertFitsWidth(d, 390);
            browser.resize(1280, 900);

            // vision playgrounds with the templates' example images: boxes drawn over the image
            Api.recreate("e2e-faces", "face-anonymization", java.util.Map.of());
            Api.recreate("e2e-ocr", "ocr", java.util.Map.of());
            // the receipt reads as 3 or 4 boxes ("Coffee" and "3.20" may be one line or two), so OCR is checked by its text
            for (String[] vision : new String[][] {{"e2e-faces", "1 face found", "Faces"}, {"e2e-ocr", "lines read", "TOTAL EUR"}}) {
                d.get(root + "/admin/scenarios/" + vision[0] + "/playground");
                wait.until(ExpectedConditions.elementToBeClickable(By.id("run"))).click();
                wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector(".overlay svg polygon")));
                browser.screenshot("15-playground-" + vision[0]);
                assertTrue(d.findElement(By.id("result-headline")).getText().endsWith(vision[1]),
                        d.findElement(By.id("result-headline")).getText());
                assertTrue(d.findElement(By.id("result")).getText().contains(vision[2]), vision[0]);
            }

            // API keys: create one scoped to the scenario, shown once; it works at once; revoke it, and it stops
            d.findElement(By.linkText("API keys")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("key-name"))).sendKeys("e2e app");
            d.findElement(By.cssSelector("input[name=scenarios][value=e2e-reviews]")).click();
            d.findElement(By.id("key-rate")).sendKeys("10");
            d.findElement(By.cssSelector("#create-key button[type=submit]")).click();
            String key = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("new-key"))).getText().strip();
            browser.screenshot("16-key-created");
            assertTrue(key.startsWith("afk_"), key);
            given().header("Authorization", "Bearer " + key).contentType("application/json")
                    .body(java.util.Map.of("text", REVIEW)).post("/api/scenarios/e2e-reviews/invoke")
                    .then().statusCode(200).body("label", equalTo("negative"));
            d.get(root + "/admin/keys");
            assertTrue(!d.getPageSource().contains(key), "the key is shown only once");
            d.findElement(By.cssSelector("#keys form button.danger")).click();
            wait.until(ExpectedConditions.alertIsPresent()).accept();
            wait.until(ExpectedConditions.urlContains("revoked="));
            assertTrue(d.findElement(By.tagName("main")).getText().contains("is revoked"));
            browser.screenshot("17-key-revoked");
            given().header("Authorization", "Bearer " + key).contentType("application/json")
                    .body(java.util.Map.of("text", REVIEW)).post("/api/scenarios/e2e-reviews/invoke")
                    .then().statusCode(401);

            // sign out: back at the sign-in form, and the portal is closed again
            d.findElement(By.cssSelector("form.signout button")).click();
            wait.until(ExpectedConditions.urlContains("signed-out=true"));
            assertTrue(d.findElement(By.tagName("main")).getText().contains("You are signed out."));
            browser.screenshot("15-signed-out");
            d.get(root + "/admin/scenarios/e2e-reviews");
            wait.until(ExpectedConditions.urlContains("/admin/login"));
        }
    }

    /** The page needs no sideways scrolling at this width (wide tables scroll inside their own box). */
    private static void assertFitsWidth(WebDriver d, int width) {
        Object scrollWidth = ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                "return document.documentElement.scrollWidth");
        Object culprit = ((org.openqa.selenium.JavascriptExecutor) d).executeScript("""
                let out = [];
                for (const e of document.querySelectorAll('body *')) {
                  const r = e.getBoundingClientRect();
                  if (r.right > arguments[0] + 1 && ![...e.children].some(c => c.getBoundingClientRect().right > arguments[0] + 1))
                    out.push(e.tagName + '.' + e.className + ' right=' + Math.round(r.right) + ' "' + (e.textContent || '').trim().slice(0, 40) + '"');
                }
                return out.slice(0, 5).join('; ');""", width);
        assertTrue(((Number) scrollWidth).intValue() <= width, "page is " + scrollWidth + " px wide at " + width
                + " px: " + d.getCurrentUrl() + "; too wide: " + culprit);
    }

    /** Opens the playground tab, types the review, runs it and returns the headline the page shows. */
    private static String runInPlayground(WebDriver d, WebDriverWait wait, Browser browser, String screenshot) {
        d.findElement(By.linkText("Playground")).click();
        WebElement text = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("input-text")));
        text.clear();
        text.sendKeys(REVIEW);
        d.findElement(By.id("run")).click();
        WebElement headline = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("result-headline")));
        browser.screenshot(screenshot);
        return headline.getText();
    }
}
