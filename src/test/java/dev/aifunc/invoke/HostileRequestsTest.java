package dev.aifunc.invoke;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aifunc.support.Api;
import dev.aifunc.usage.UsageRecorder;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Requests found by a new user trying to break the service: a cross-site page posting to the API, NUL characters in
 * ids and names, the same id created four times at once. Each gets a clear 4xx, and the service keeps counting
 * usage afterwards.
 */
@QuarkusTest
class HostileRequestsTest {

    @Inject
    UsageRecorder usage;

    @Test
    void anotherSitesPageCannotChangeScenarios() {
        Api.recreate("hostile-target", "text-embedding", Map.of());
        given().contentType(ContentType.JSON).body(Map.of("name", "v2", "config", Map.of("language", "zh")))
                .put("/api/scenarios/hostile-target").then().statusCode(200);
        // a "simple" request a browser sends from any page without asking first
        given().header("Origin", "http://evil.example").contentType("text/plain").body("x")
                .post("/api/scenarios/hostile-target/versions/1/activate").then().statusCode(403);
        given().get("/api/scenarios/hostile-target").then().body("version", equalTo(2));
        // the same request from the service's own pages, or without Origin (curl, SDKs), works
        given().contentType("text/plain").body("x").post("/api/scenarios/hostile-target/versions/1/activate")
                .then().statusCode(200);
    }

    @Test
    void nulCharactersAreRefusedAndUsageKeepsCounting() throws Exception {
        Api.recreate("hostile-nul", "text-embedding", Map.of());
        given().urlEncodingEnabled(false).contentType(ContentType.JSON).body(Map.of("text", "x"))
                .post("/api/scenarios/%00/invoke")
                .then().statusCode(404).body("field", equalTo("(path)"));
        given().urlEncodingEnabled(false).get("/api/scenarios/a%00b").then().statusCode(404).body("field", equalTo("(path)"));
        given().contentType(ContentType.JSON).body("{\"id\":\"hostile-nul-2\",\"template\":\"text-embedding\",\"name\":\"bad\\u0000name\"}")
                .post("/api/scenarios").then().statusCode(422).body("field", equalTo("name"));
        given().contentType(ContentType.JSON).body("{\"events\":[{\"userId\":\"u\\u0000\",\"itemId\":\"i\"}]}")
                .post("/api/scenarios/hostile-nul/events").then().statusCode(422);
        usage.flush();
        java.time.Instant from = java.time.Instant.now().minusSeconds(1);
        Api.invoke("hostile-nul", Map.of("text", "still counted")).then().statusCode(200);
        usage.flush();
        given().queryParam("from", from.toString()).get("/api/scenarios/hostile-nul/usage").then().statusCode(200)
                .body("total.calls", equalTo(1));
    }

    @Test
    void theSameIdCreatedFourTimesAtOnceGivesOneScenarioAndThreeConflicts() throws Exception {
        given().delete("/api/scenarios/hostile-race");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit((Callable<Integer>) () -> given().contentType(ContentType.JSON)
                        .body(Map.of("id", "hostile-race", "template", "text-embedding", "name", "race"))
                        .post("/api/scenarios").statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : calls) {
                statuses.add(f.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(3, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
    }
}
