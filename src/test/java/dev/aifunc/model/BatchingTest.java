package dev.aifunc.model;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Dynamic batching with the real model over HTTP: 16 callers at once are served by fewer, larger model calls
 * (seen in {@code aifunc_batch_size}), and each caller still gets exactly the embedding of its own text, the same
 * as when it calls alone.
 */
@QuarkusTest
class BatchingTest {

    private static final String ID = "batched-embedding";

    @SuppressWarnings("unchecked")
    private static List<Float> embed(String text) {
        return Api.invoke(ID, Map.of("text", text)).then().statusCode(200).extract().jsonPath().getList("embedding", Float.class);
    }

    private static double[] batchStats() {
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        double count = metric(metrics, "aifunc_batch_size_count");
        double sum = metric(metrics, "aifunc_batch_size_sum");
        return new double[] {count, sum};
    }

    private static double metric(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + name + "\\{[^}]*model=\"minilm-l6-v2\"[^}]*\\} ([0-9.eE+-]+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    @Test
    void concurrentCallsShareModelCallsAndKeepTheirOwnAnswers() throws Exception {
        Api.awaitReady();
        Api.recreate(ID, "text-embedding", Map.of("language", "en"));
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            texts.add("Order " + i + " arrived " + "late ".repeat(i % 7) + "and the box was damaged.");
        }
        List<List<Float>> alone = texts.stream().map(BatchingTest::embed).toList();
        double[] before = batchStats();

        ExecutorService callers = Executors.newFixedThreadPool(16);
        List<Future<List<Float>>> together = new ArrayList<>();
        for (String text : texts) {
            together.add(callers.submit(() -> embed(text)));
        }
        for (int i = 0; i < texts.size(); i++) {
            List<Float> a = alone.get(i);
            List<Float> b = together.get(i).get();
            assertEquals(a.size(), b.size());
            double dot = 0;
            for (int d = 0; d < a.size(); d++) {
                dot += a.get(d) * b.get(d);
            }
            assertTrue(dot > 0.9999, "text " + i + ": batched embedding differs from the one alone (cosine " + dot + ")");
        }
        callers.shutdown();

        double[] after = batchStats();
        double calls = after[0] - before[0];
        double batched = after[1] - before[1];
        assertEquals(64, batched, 0.5, "every text went through the batcher");
        assertTrue(calls < 64, "16 callers at once need fewer than 64 model calls; got " + calls);
    }

    @Test
    void aScenarioMayKeepItsCallsOutOfBatches() throws Exception {
        Api.awaitReady();
        String id = "unbatched-embedding";
        given().delete("/api/scenarios/" + id);
        given().contentType("application/json").body(Map.of("id", id, "template", "text-embedding", "name", id,
                "config", Map.of("language", "en", "batching", Map.of("maxBatchSize", 0))))
                .post("/api/scenarios").then().statusCode(422)
                .body("field", org.hamcrest.Matchers.containsString("maxBatchSize"));
        Api.recreate(id, "text-embedding", Map.of("language", "en", "batching", Map.of("maxBatchSize", 1)));
        Api.invoke(id, Map.of("text", "warm")).then().statusCode(200);
        double[] before = batchStats();
        ExecutorService callers = Executors.newFixedThreadPool(16);
        List<Future<Integer>> answers = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            String text = "Unbatched call number " + i;
            answers.add(callers.submit(() -> Api.invoke(id, Map.of("text", text)).statusCode()));
        }
        for (Future<Integer> answer : answers) {
            assertEquals(200, answer.get());
        }
        callers.shutdown();
        double[] after = batchStats();
        assertEquals(48, after[1] - before[1], 0.5, "48 texts went through the batcher");
        assertEquals(48, after[0] - before[0], 0.5, "maxBatchSize 1: each in its own model call");
    }
}
