package dev.aifunc.admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import dev.aifunc.support.Browser;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The Evaluate tab in a real browser: upload labelled reviews, watch the run finish, read the accuracy and the
 * confusion matrix, evaluate a worse version on the same data, compare the two, then shadow mode with its agreement
 * chart and promote. Screenshots in {@code target/e2e-screenshots/}.
 */
@QuarkusTest
class EvaluationPortalTest {

    static final String LABELLED = """
            text,label
            The battery died after two days and support never answered.,negative
            Absolutely love it: works perfectly and arrived early.,positive
            Terrible quality; it broke the first time I used it.,negative
            Great value for the money and I would buy it again.,positive
            The screen is dim and the speakers crackle.,negative
            Comfortable and warm and it fits just right.,positive
            Worst purchase this year and a complete waste.,negative
            Fast delivery and the packaging was lovely.,positive
            It stopped charging after a week.,negative
            My kids play with it every day; highly recommended.,positive
            """;

    @TestHTTPResource("/")
    URL base;

    @Test
    void evaluateCompareAndShadowInTheBrowser() throws Exception {
        Api.awaitReady();
        Api.recreate("e2e-eval", "review-sentiment", Map.of("language", "en"));
        assertEquals(2, dev.aifunc.support.SwappedReviews.saveAsNewVersion("e2e-eval"));
        given().post("/api/scenarios/e2e-eval/versions/1/activate").then().statusCode(200);
        Path csv = Path.of("target", "e2e-labelled.csv").toAbsolutePath();
        Files.writeString(csv, LABELLED);
        String root = base.toString().replaceAll("/+$", "");
        try (Browser browser = Browser.start(1280, 900)) {
            WebDriver d = browser.driver();
            WebDriverWait wait = new WebDriverWait(d, Duration.ofSeconds(60));
            d.get(root + "/admin/login");
            d.findElement(By.id("username")).sendKeys("admin");
            d.findElement(By.id("password")).sendKeys("test-admin-password");
            d.findElement(By.cssSelector("button[type=submit]")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("kind-nlp")));

            // upload labelled data for the active version; the page follows the run and shows the metrics
            d.get(root + "/admin/scenarios/e2e-eval");
            d.findElement(By.linkText("Evaluate")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("eval-file"))).sendKeys(csv.toString());
            browser.screenshot("20-evaluate-tab");
            d.findElement(By.id("evaluate-button")).click();
            WebElement accuracy = wait.until(ExpectedConditions.presenceOfElementLocated(By.id("metric-accuracy")));
            String evaluationId = d.getCurrentUrl().replaceAll(".*/evaluate/(\\d+).*", "$1");
            float apiAccuracy = given().get("/api/scenarios/e2e-eval/evaluations/" + evaluationId).then().statusCode(200)
                    .extract().path("metrics.accuracy");
            assertEquals(String.format(java.util.Locale.ROOT, "%.4f", apiAccuracy), accuracy.getText());
            assertTrue(apiAccuracy >= 0.8f, "the shipped preset reads these reviews: " + apiAccuracy);
            int cells = d.findElements(By.cssSelector("#confusion-matrix tbody td")).stream()
                    .mapToInt(td -> Integer.parseInt(td.getText())).sum();
            assertEquals(10, cells, "the matrix holds every row");
            browser.screenshot("21-evaluation-done");

            // the swapped version on the same data, then the comparison
            new Select(d.findElement(By.id("rerun-version"))).selectByValue("2");
            String firstPage = d.getCurrentUrl();
            d.findElement(By.id("rerun-button")).click();
            // the new evaluation's page, once its run is done (the page reloads itself then)
            wait.until(ExpectedConditions.not(ExpectedConditions.urlToBe(firstPage)));
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("metric-accuracy")));
            assertTrue(Float.parseFloat(d.findElement(By.id("metric-accuracy")).getText()) < apiAccuracy - 0.3f,
                    "swapped labels read worse: " + d.findElement(By.id("metric-accuracy")).getText());
            d.findElement(By.cssSelector("#same-data a")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("deltas")));
            assertTrue(Integer.parseInt(d.findElement(By.id("disagreements")).getText()) >= 5);
            assertTrue(d.findElement(By.id("delta-accuracy")).getText().contains("better"),
                    "version 1 against 2 gains: " + d.findElement(By.id("delta-accuracy")).getText());
            browser.screenshot("22-compare");

            // shadow mode: version 2 answers in the background; callers still get version 1
            d.get(root + "/admin/scenarios/e2e-eval/evaluate");
            new Select(d.findElement(By.id("shadow-version"))).selectByValue("2");
            d.findElement(By.id("shadow-start")).click();
            wait.until(ExpectedConditions.presenceOfElementLocated(By.id("shadow-state")));
            for (String line : LABELLED.lines().skip(1).toList()) {
                Api.invoke("e2e-eval", Map.of("text", line.substring(0, line.lastIndexOf(',')))).then().statusCode(200)
                        .header("X-Scenario-Version", "1");
            }
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (System.nanoTime() < deadline && !"10".equals(d.findElement(By.id("shadow-calls")).getText())) {
                Thread.sleep(300);
                d.navigate().refresh();
            }
            assertEquals("10", d.findElement(By.id("shadow-calls")).getText());
            wait.until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#chart-agreement canvas")));
            assertTrue(Double.parseDouble(d.findElement(By.id("shadow-agreement")).getText()) <= 0.3);
            browser.screenshot("23-shadow");
            d.findElement(By.id("shadow-promote")).click();
            wait.until(ExpectedConditions.urlContains("activated=2"));
            given().get("/api/scenarios/e2e-eval").then().statusCode(200).body("version", org.hamcrest.Matchers.equalTo(2));
        }
    }
}
