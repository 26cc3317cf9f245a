package dev.aifunc.usage;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import dev.aifunc.support.Portal;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every invoke is recorded off the request path and aggregated per scenario: N calls give N records, errors are
 * counted, p50 ≤ p95, and the buckets add up to the total. The portal's Usage tab shows the same numbers.
 */
@QuarkusTest
class UsageTest {

    @Inject
    UsageRecorder recorder;

    @Test
    void callsErrorsAndLatencyAddUp() throws Exception {
        Api.awaitReady();
        Api.recreate("usage-counted", "text-embedding", Map.of());
        recorder.flush();
        Instant from = Instant.now().minusSeconds(1);
        int ok = 12;
        for (int i = 0; i < ok; i++) {
            Api.invoke("usage-counted", Map.of("text", "call number " + i)).then().statusCode(200);
        }
        Api.invoke("usage-counted", Map.of("text", "")).then().statusCode(422); // breaks minLength
        Api.invoke("usage-counted", Map.of("wrong", "field")).then().statusCode(422);
        given().contentType("application/json").body(Map.of("inputs", List.of(Map.of("text", "a"), Map.of("text", "b"))))
                .post("/api/scenarios/usage-counted/invoke-batch").then().statusCode(200);
        Api.invoke("some-other-scenario-that-does-not-exist", Map.of("text", "x")).then().statusCode(404);
        recorder.flush(); // the background flush may have written some already
        assertEquals(0, recorder.buffered(), "nothing left in memory");

        JsonPath usage = given().queryParam("from", from.toString()).queryParam("to", Instant.now().plusSeconds(1).toString())
                .queryParam("bucket", "PT1S").get("/api/scenarios/usage-counted/usage").then().statusCode(200)
                .extract().jsonPath();
        assertEquals(ok + 3, usage.getInt("total.calls"), usage.prettify());
        assertEquals(2, usage.getInt("total.errors"));
        assertEquals(0, usage.getInt("total.serverErrors"));
        double p50 = usage.getDouble("total.p50Millis");
        double p95 = usage.getDouble("total.p95Millis");
        assertTrue(p50 > 0 && p50 <= p95, "p50 " + p50 + " <= p95 " + p95);
        List<Integer> perBucket = usage.getList("buckets.calls", Integer.class);
        assertEquals(ok + 3, perBucket.stream().mapToInt(Integer::intValue).sum(), "buckets add up to the total");
        assertNotNull(usage.getString("buckets[0].start"));

        // the same calls as Prometheus metrics, per scenario, endpoint and status class
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertTrue(metrics.matches("(?s).*aifunc_invoke_seconds_count\\{[^}]*endpoint=\"invoke\"[^}]*scenario=\"usage-counted\"[^}]*status=\"2xx\"[^}]*} " + ok + "\\.0.*"),
                "12 successful invokes in /q/metrics");
        assertTrue(metrics.matches("(?s).*aifunc_invoke_seconds_count\\{[^}]*scenario=\"usage-counted\"[^}]*status=\"4xx\"[^}]*} 2\\.0.*"),
                "2 refused invokes in /q/metrics");
        assertTrue(metrics.contains("scenario=\"(unknown)\""), "unknown ids share one series");

        // limits are explicit
        given().queryParam("from", "yesterday").get("/api/scenarios/usage-counted/usage").then().statusCode(422)
                .body("field", equalTo("from"));
        given().queryParam("bucket", "PT0.001S").get("/api/scenarios/usage-counted/usage").then().statusCode(422)
                .body("field", equalTo("bucket"));
        given().get("/api/scenarios/no-such-scenario/usage").then().statusCode(404);

        // the portal's Usage tab: the totals and a chart
        String session = Portal.signIn();
        given().cookie(Portal.SESSION, session).get("/admin/scenarios/usage-counted/usage?range=1h").then().statusCode(200)
                .body(containsString("<div class=\"v\" id=\"total-calls\">" + (ok + 3) + "</div>"))
                .body(containsString("<div class=\"v\" id=\"total-errors\">2</div>"))
                .body(containsString("id=\"chart-latency\""));
        given().get("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js").then().statusCode(200);
    }
}
