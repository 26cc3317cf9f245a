package dev.aifunc.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A key's rate limit and daily quota, as a caller meets them: a burst over the limit gets 429 with Retry-After and
 * RateLimit-* headers, and after waiting that long the call succeeds; over the daily quota the wait is until
 * midnight UTC. Admins are not limited.
 */
@QuarkusTest
class RateLimitTest {

    private static final String ID = "limited-embedding";

    private static String key(Map<String, Object> limits) {
        Map<String, Object> body = new java.util.HashMap<>(limits);
        body.put("name", "limited " + limits);
        body.put("scenarios", List.of(ID));
        return given().contentType(ContentType.JSON).body(body).post("/api/keys").then().statusCode(201)
                .extract().path("key");
    }

    private static Response call(String key) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body(Map.of("text", "rate limited call")).post("/api/scenarios/" + ID + "/invoke");
    }

    @Test
    void burstOverTheLimitWaitsRetryAfter() throws Exception {
        Api.awaitReady();
        Api.recreate(ID, "text-embedding", Map.of());
        String key = key(Map.of("ratePerSecond", 0.5, "burst", 3));
        for (int i = 0; i < 3; i++) {
            call(key).then().statusCode(200).header("RateLimit-Limit", "3")
                    .header("RateLimit-Remaining", String.valueOf(2 - i)).body("dimensions", equalTo(384));
        }
        Response refused = call(key);
        refused.then().statusCode(429).contentType("application/problem+json")
                .header("RateLimit-Remaining", "0")
                .body("limit", containsString("0.5 requests per second"))
                .body("detail", containsString("retry in"));
        int retryAfter = Integer.parseInt(refused.header("Retry-After"));
        assertTrue(retryAfter >= 1 && retryAfter <= 2, "one token comes back every 2 s: " + retryAfter);
        Thread.sleep(retryAfter * 1000L + 100);
        call(key).then().statusCode(200);

        // the admin credentials of the other tests are never limited
        for (int i = 0; i < 10; i++) {
            Api.invoke(ID, Map.of("text", "admin call " + i)).then().statusCode(200);
        }
    }

    @Test
    void aBatchCountsItsInputsAndTheHeadersShowTheCloserLimit() {
        Api.awaitReady();
        Api.recreate(ID, "text-embedding", Map.of());
        String key = key(Map.of("ratePerSecond", 0.5, "burst", 4, "dailyQuota", 100));
        Response batch = given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body(Map.of("inputs", List.of(Map.of("text", "a"), Map.of("text", "b"), Map.of("text", "c"))))
                .post("/api/scenarios/" + ID + "/invoke-batch");
        // 3 of the burst of 4 are used: the burst is closer to running out than the quota (97 of 100 left)
        batch.then().statusCode(200).header("RateLimit-Limit", "4").header("RateLimit-Remaining", "1");
        given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body(Map.of("inputs", List.of(Map.of("text", "a"), Map.of("text", "b"))))
                .post("/api/scenarios/" + ID + "/invoke-batch").then().statusCode(429);
        given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body(Map.of("inputs", java.util.Collections.nCopies(5, Map.of("text", "x"))))
                .post("/api/scenarios/" + ID + "/invoke-batch").then().statusCode(422)
                .body("field", equalTo("inputs")).body("limit", equalTo("burst 4"));

        // the quota runs out first: its headers, and a 429 that waits for midnight, not for the rate
        String quotaKey = key(Map.of("ratePerSecond", 100, "burst", 100, "dailyQuota", 2));
        call(quotaKey).then().statusCode(200).header("RateLimit-Limit", "2").header("RateLimit-Remaining", "1");
        call(quotaKey).then().statusCode(200).header("RateLimit-Remaining", "0");
        Response refused = call(quotaKey);
        refused.then().statusCode(429).body("limit", equalTo("2 calls per UTC day"));
        assertTrue(Long.parseLong(refused.header("Retry-After")) > 1 || java.time.LocalTime.now(java.time.ZoneOffset.UTC)
                .isAfter(java.time.LocalTime.of(23, 59, 57)), "waits for midnight: " + refused.header("Retry-After"));
    }

    @Test
    void dailyQuotaRenewsAtMidnightUtc() {
        Api.awaitReady();
        Api.recreate(ID, "text-embedding", Map.of());
        String key = key(Map.of("dailyQuota", 2));
        call(key).then().statusCode(200).header("RateLimit-Limit", "2").header("RateLimit-Remaining", "1");
        call(key).then().statusCode(200).header("RateLimit-Remaining", "0");
        Response refused = call(key);
        refused.then().statusCode(429).body("detail", containsString("daily quota of 2 calls"))
                .body("limit", equalTo("2 calls per UTC day"));
        long retryAfter = Long.parseLong(refused.header("Retry-After"));
        long untilMidnight = java.time.Duration.between(java.time.Instant.now(), java.time.LocalDate.now(java.time.ZoneOffset.UTC)
                .plusDays(1).atStartOfDay(java.time.ZoneOffset.UTC).toInstant()).toSeconds();
        assertTrue(Math.abs(retryAfter - untilMidnight) <= 5, retryAfter + " s vs " + untilMidnight + " s to midnight UTC");
        assertEquals(String.valueOf(retryAfter), refused.header("RateLimit-Reset"));
    }
}
