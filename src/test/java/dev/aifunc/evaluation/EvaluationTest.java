package dev.aifunc.evaluation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifunc.support.Api;
import dev.aifunc.support.UciSentiment;
import dev.aifunc.vision.OcrTest;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.awt.Color;
import java.awt.Font;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Evaluations through the HTTP API with real models and PostgreSQL: review-sentiment on the held-out UCI IMDb
 * sentences, a deliberately worse version and the comparison, FAQ matching, OCR on rendered lines, cancel, and
 * refused input.
 */
@QuarkusTest
class EvaluationTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void ready() {
        Api.awaitReady();
    }

    /** JSON Lines of the UCI IMDb sentences: {"text", "label"}. */
    static String imdbLines() throws Exception {
        StringBuilder b = new StringBuilder();
        for (UciSentiment.Sentence s : UciSentiment.load("imdb")) {
            b.append(JSON.writeValueAsString(Map.of("text", s.text(), "label", s.polarity() == 1 ? "positive" : "negative")))
                    .append('\n');
        }
        return b.toString();
    }

    static JsonPath evaluate(String scenario, String query, String contentType, String body) {
        return given().contentType(contentType).header("Prefer", "wait=60").body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/api/scenarios/" + scenario + "/evaluate" + query)
                .then().log().ifValidationFails().statusCode(201).body("status", equalTo("done"))
                .extract().jsonPath();
    }

    @Test
    void reviewSentimentOnHeldOutUciSentencesMatchesTheServedAccuracyAndAWorseVersionIsCaught() throws Exception {
        Api.recreate("eval-reviews", "review-sentiment", Map.of("language", "en"));
        List<UciSentiment.Sentence> sentences = UciSentiment.load("imdb");
        // the accuracy as a caller measures it: invoke-batch, the way the foundation's test does
        int right = 0;
        for (int start = 0; start < sentences.size(); start += 64) {
            List<UciSentiment.Sentence> batch = sentences.subList(start, Math.min(sentences.size(), start + 64));
            List<String> labels = given().contentType("application/json")
                    .body(Map.of("inputs", batch.stream().map(s -> Map.of("text", s.text())).toList()))
                    .when().post("/api/scenarios/eval-reviews/invoke-batch").then().statusCode(200)
                    .extract().path("outputs.label");
            for (int i = 0; i < batch.size(); i++) {
                right += (batch.get(i).polarity() == 1 ? "positive" : "negative").equals(labels.get(i)) ? 1 : 0;
            }
        }
        double served = right / (double) sentences.size();

        JsonPath good = evaluate("eval-reviews", "", "application/x-ndjson", imdbLines());
        double accuracy = good.getDouble("metrics.accuracy");
        System.out.printf("evaluate review-sentiment on UCI imdb: accuracy %.4f (invoke-batch %.4f), macro-F1 %.4f%n",
                accuracy, served, good.getDouble("metrics.macroF1"));
        assertEquals(served, accuracy, 0.0011, "evaluate and invoke-batch measure the same accuracy (within a row)");
        assertTrue(accuracy >= 0.90, "accuracy " + accuracy);
        assertEquals(1, good.getInt("version"));
        assertEquals(sentences.size(), good.getInt("rows"));
        assertEquals("accuracy", good.getString("headline"));
        List<List<Integer>> matrix = good.getList("metrics.confusionMatrix.matrix");
        assertEquals(sentences.size(), matrix.stream().flatMap(List::stream).mapToInt(Integer::intValue).sum());
        List<String> labels = good.getList("metrics.confusionMatrix.labels");
        assertEquals(List.of("positive", "negative"), labels.subList(0, 2));
        assertEquals(matrix.get(0).get(0) + matrix.get(1).get(1), good.getInt("metrics.correct"));
        assertTrue(good.getDouble("metrics.perLabel.positive.precision") > 0.8);
        // the wrong rows come with what the scenario answered
        List<Map<String, Object>> wrong = good.getList("wrong");
        assertEquals(sentences.size() - good.getInt("metrics.correct"), good.getInt("wrongCount"));
        assertEquals(Math.min(200, good.getInt("wrongCount")), wrong.size());
        assertTrue(!wrong.isEmpty() && !wrong.get(0).get("expected").equals(wrong.get(0).get("answer")));

        // version 2: the shipped examples with their labels swapped
        assertEquals(2, dev.aifunc.support.SwappedReviews.saveAsNewVersion("eval-reviews"));
        JsonPath worse = evaluate("eval-reviews", "?version=2&sameDataAs=" + good.getLong("id"), "application/x-ndjson", "");
        System.out.printf("evaluate the swapped version: accuracy %.4f%n", worse.getDouble("metrics.accuracy"));
        assertEquals(2, worse.getInt("version"));
        assertEquals(good.getString("dataSha256"), worse.getString("dataSha256"));
        assertTrue(worse.getDouble("metrics.accuracy") < accuracy - 0.2, "swapped labels: " + worse.getDouble("metrics.accuracy"));

        JsonPath cmp = given().get("/api/scenarios/eval-reviews/evaluations/compare?base=" + good.getLong("id")
                + "&candidate=" + worse.getLong("id")).then().statusCode(200).extract().jsonPath();
        assertEquals(worse.getDouble("metrics.accuracy") - accuracy, cmp.getDouble("deltas.accuracy"), 1e-9);
        assertTrue(cmp.getInt("disagreements") > 200, "disagreements " + cmp.getInt("disagreements"));
        Map<String, Object> first = cmp.getMap("examples[0]");
        assertTrue(!first.get("base").equals(first.get("candidate")) || !first.get("baseCorrect").equals(first.get("candidateCorrect")));
        int row = (Integer) first.get("row");
        assertEquals(sentences.get(row).text().substring(0, Math.min(50, sentences.get(row).text().length())),
                ((String) first.get("input")).substring(0, Math.min(50, sentences.get(row).text().length())));

        // both are listed, newest first, and stay readable after the active version changes
        given().get("/api/scenarios/eval-reviews/evaluations").then().statusCode(200)
                .body("[0].id", equalTo(worse.getInt("id"))).body("[1].version", equalTo(1));
    }

    @Test
    void faqMatchingReportsTopOneAccuracyReciprocalRankAndNoMatches() {
        Api.recreate("eval-faq", "faq-matching", Map.of("language", "en", "faq", List.of(
                Map.of("question", "How long does delivery take?", "answer", "Delivery takes 2 to 4 working days."),
                Map.of("question", "Can I return an item?", "answer", "You can return any item within 30 days."),
                Map.of("question", "Which payment methods do you accept?", "answer", "We accept cards, PayPal and bank transfer."),
                Map.of("question", "Do you ship abroad?", "answer", "We ship to every country in the EU."))));
        String csv = "question,answer\n"
                + "When will my parcel arrive?,Delivery takes 2 to 4 working days.\n"
                + "How do I send a jacket back?,You can return any item within 30 days.\n"
                + "Can I pay with PayPal?,\"We accept cards, PayPal and bank transfer.\"\n"
                + "Do you deliver to France?,We ship to every country in the EU.\n"
                + "What is the capital of Peru?,\n";
        JsonPath e = evaluate("eval-faq", "", "text/csv", csv);
        System.out.println("evaluate faq-matching: " + e.getMap("metrics"));
        assertEquals(5, e.getInt("metrics.rows"));
        assertEquals(e.getInt("metrics.correct") / 5.0, e.getDouble("metrics.top1Accuracy"), 1e-9);
        assertTrue(e.getDouble("metrics.top1Accuracy") >= 0.6, "top-1 " + e.getDouble("metrics.top1Accuracy"));
        assertTrue(e.getDouble("metrics.meanReciprocalRank") >= 0.75, "MRR " + e.getDouble("metrics.meanReciprocalRank"));
        assertEquals(1, e.getInt("metrics.rowsExpectingNoMatch"));
        assertEquals("top1Accuracy", e.getString("headline"));
    }

    @Test
    void ocrCharacterErrorRateOnRenderedLines() throws Exception {
        Api.recreate("eval-ocr", "ocr", Map.of());
        StringBuilder lines = new StringBuilder();
        String[] texts = {"Invoice No. 2026-0412 Total: 1,249.90 EUR", "Please deliver to 42 Harbour Street"};
        for (String text : texts) {
            OcrTest.Sample s = OcrTest.line("l", text, OcrTest.font("DejaVu Sans", Font.PLAIN, 30), Color.BLACK, Color.WHITE, false);
            lines.append(JSON.writeValueAsString(Map.of("image", OcrTest.base64(s.image()), "text", text))).append('\n');
        }
        // the same image with an expected text it does not show: a high rate, listed as wrong
        OcrTest.Sample other = OcrTest.line("x", "Thank you for shopping with us", OcrTest.font("DejaVu Sans", Font.PLAIN, 30), Color.BLACK, Color.WHITE, false);
        lines.append(JSON.writeValueAsString(Map.of("image", OcrTest.base64(other.image()), "text", "Completely different words here"))).append('\n');
        JsonPath e = evaluate("eval-ocr", "", "application/x-ndjson", lines.toString());
        System.out.println("evaluate ocr: " + e.getMap("metrics"));
        List<Map<String, Object>> wrong = e.getList("wrong");
        Map<String, Object> mismatch = wrong.stream().filter(w -> ((Integer) w.get("row")) == 2).findFirst().orElseThrow();
        assertTrue(((String) mismatch.get("answer")).contains("shopping"), "the text read: " + mismatch.get("answer"));
        assertTrue(((Map<?, ?>) mismatch.get("values")).get("cer") instanceof Number n && n.doubleValue() > 0.5);
        for (Map<String, Object> w : wrong) {
            if (((Integer) w.get("row")) < 2) { // a rendered line not read exactly: still close
                assertTrue(((Number) ((Map<?, ?>) w.get("values")).get("cer")).doubleValue() <= 0.10, "row " + w);
            }
        }
        int expectedChars = 0;
        for (String t : texts) {
            expectedChars += t.length();
        }
        expectedChars += "Completely different words here".length();
        assertEquals(expectedChars, e.getInt("metrics.characters"));
        assertEquals(e.getInt("metrics.edits") / (double) expectedChars, e.getDouble("metrics.cer"), 1e-6);
        assertEquals("cer", e.getString("headline"));
    }

    @Test
    void aLargeSetRunsAsAJobThatCanBeCancelled() throws Exception {
        Api.recreate("eval-cancel", "review-sentiment", Map.of("language", "en"));
        String lines = imdbLines();
        JsonPath started = given().contentType("application/x-ndjson").body((lines + lines).getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/api/scenarios/eval-cancel/evaluate")
                .then().statusCode(202).header("Location", containsString("/api/scenarios/eval-cancel/evaluations/"))
                .body("status", org.hamcrest.Matchers.oneOf("queued", "running")).extract().jsonPath();
        long id = started.getLong("id");
        // a second one waits behind it; cancelled while it waits, it never runs and frees its place at once
        long waiting = given().contentType("application/x-ndjson").body(lines.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .when().post("/api/scenarios/eval-cancel/evaluate").then().statusCode(202)
                .body("status", equalTo("queued")).extract().jsonPath().getLong("id");
        given().post("/api/scenarios/eval-cancel/evaluations/" + waiting + "/cancel").then().statusCode(202)
                .body("status", equalTo("cancelled")).body("rowsDone", equalTo(0))
                .body("error", containsString("before it started"));
        given().post("/api/scenarios/eval-cancel/evaluations/" + id + "/cancel").then().statusCode(202);
        long deadline = System.nanoTime() + 30_000_000_000L;
        String status = "running";
        while ((status.equals("running") || status.equals("queued")) && System.nanoTime() < deadline) {
            Thread.sleep(100);
            status = given().get("/api/scenarios/eval-cancel/evaluations/" + id).then().statusCode(200).extract().path("status");
        }
        JsonPath done = given().get("/api/scenarios/eval-cancel/evaluations/" + id).then().extract().jsonPath();
        assertEquals("cancelled", done.getString("status"));
        assertTrue(done.getInt("rowsDone") < 2000, "stopped early: " + done.getInt("rowsDone"));
        given().post("/api/scenarios/eval-cancel/evaluations/" + id + "/cancel").then().statusCode(409);
        given().delete("/api/scenarios/eval-cancel/evaluations/" + id).then().statusCode(204);
        given().get("/api/scenarios/eval-cancel/evaluations/" + id).then().statusCode(404);
    }

    @Test
    void badLabelledDataGetsProblemDetailsNamingTheColumnAndLine() {
        Api.recreate("eval-bad", "review-sentiment", Map.of("language", "en"));
        given().contentType("text/csv").body("text,label\nGreat phone,positive\nAwful,\n")
                .when().post("/api/scenarios/eval-bad/evaluate")
                .then().statusCode(422).contentType("application/problem+json")
                .body("errors[0].line", equalTo(3)).body("errors[0].message", containsString("label"));
        given().contentType("text/csv").body("review,label\nGreat phone,positive\n")
                .when().post("/api/scenarios/eval-bad/evaluate")
                .then().statusCode(422).body("errors[0].message", containsString("'text'"));
        given().contentType("application/pdf").body(new byte[] {'x'}).when().post("/api/scenarios/eval-bad/evaluate")
                .then().statusCode(415).contentType("application/problem+json");
        given().contentType("text/csv").body("text,label\nGreat,positive\n")
                .when().post("/api/scenarios/eval-bad/evaluate?version=9").then().statusCode(404);
        given().contentType("text/csv").body("text,label\nGreat,positive\n")
                .when().post("/api/scenarios/no-such-scenario/evaluate").then().statusCode(404);
        Api.recreate("eval-embedding", "text-embedding", Map.of("language", "en"));
        given().contentType("text/csv").body("text\nhello\n").when().post("/api/scenarios/eval-embedding/evaluate")
                .then().statusCode(422).body("detail", containsString("cannot be evaluated"));
        given().get("/api/scenarios/eval-bad/evaluations/compare?base=1").then().statusCode(422)
                .body("field", equalTo("candidate"));
        // numbers that are not numbers name their parameter; a body next to sameDataAs is refused, not ignored
        given().contentType("text/csv").body("text,label\nGreat,positive\n")
                .when().post("/api/scenarios/eval-bad/evaluate?version=abc").then().statusCode(422)
                .contentType("application/problem+json").body("field", equalTo("version"));
        given().contentType("text/csv").body("text,label\nGreat,positive\n")
                .when().post("/api/scenarios/eval-bad/evaluate?version=-99999999999").then().statusCode(404);
        given().get("/api/scenarios/eval-bad/evaluations/compare?base=x&candidate=1").then().statusCode(422)
                .body("field", equalTo("base"));
        given().contentType("text/csv").body("text,label\nGreat,positive\n")
                .when().post("/api/scenarios/eval-bad/evaluate?sameDataAs=1").then().statusCode(422)
                .body("field", equalTo("sameDataAs"));
        Map<String, Object> before = new HashMap<>(Map.of("text", "Great phone"));
        Api.invoke("eval-bad", before).then().statusCode(200); // still serving
    }
}
