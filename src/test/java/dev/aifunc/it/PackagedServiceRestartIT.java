package dev.aifunc.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import dev.aifunc.support.PackagedService;
import io.restassured.specification.RequestSpecification;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The README's quick start as a new user runs it: the packaged jar with no database configured starts its embedded
 * PostgreSQL; a scenario saved in the first run is served, with the same answers, after a restart (SIGTERM) on the
 * same data folder, and the usage records still in memory at the SIGTERM are written by the graceful shutdown.
 * With {@code AIFUNC_RATE_LIMIT_STORE=postgresql} a key's rate-limit bucket lives in PostgreSQL, so a key that was
 * over its limit is still over it after the restart. A third start with {@code AIFUNC_AUTH_ENABLED=false} opens the
 * API to callers without credentials (the local try-out mode).
 */
class PackagedServiceRestartIT {

    @Test
    void scenariosSurviveARestartOfThePackagedService() throws Exception {
        Path data = Files.createTempDirectory("aifunc-it-data");
        int httpPort = PackagedService.freePort();
        int dbPort = PackagedService.freePort();
        Process first = start(data, httpPort, dbPort, Map.of("AIFUNC_RATE_LIMIT_STORE", "postgresql"));
        String key;
        try {
            PackagedService.awaitReady(httpPort, first);
            api(httpPort).contentType("application/json")
                    .body(Map.of("id", "kept-faq", "template", "faq-matching", "name", "Kept FAQ", "config",
                            Map.of("language", "en", "faq", List.of(Map.of("question", "Do you ship abroad?",
                                    "answer", "Yes, to 30 countries.")))))
                    .post("/api/scenarios").then().statusCode(201);
            api(httpPort).contentType("application/json").body(Map.of("name", "Kept FAQ", "config",
                            Map.of("language", "en", "faq", List.of(Map.of("question", "Do you ship abroad?",
                                    "answer", "Yes, to 42 countries.")))))
                    .put("/api/scenarios/kept-faq").then().statusCode(200).body("version", equalTo(2));
            // a key allowed 2 calls at once, then one per 100 s: the third call is refused
            key = api(httpPort).contentType("application/json").body(Map.of("name", "slow", "ratePerSecond", 0.01,
                    "burst", 2)).post("/api/keys").then().statusCode(201).extract().path("key");
            for (int expected : new int[] {200, 200, 429}) {
                keyCall(httpPort, key).then().statusCode(expected);
            }
            // usage records wait in memory (this run flushes only every 10 minutes): SIGTERM must write them all
            for (int i = 0; i < CALLS_BEFORE_STOP; i++) {
                api(httpPort).contentType("application/json").body(Map.of("question", "do you ship abroad? " + i))
                        .post("/api/scenarios/kept-faq/invoke").then().statusCode(200);
            }
        } finally {
            PackagedService.stop(first);
        }
        Process second = start(data, httpPort, dbPort, Map.of("AIFUNC_RATE_LIMIT_STORE", "postgresql"));
        try {
            PackagedService.awaitReady(httpPort, second);
            // ready only once the saved scenario is prepared (and warmed up, which records no usage: see below)
            api(httpPort).get("/q/health/ready").then().statusCode(200)
                    .body("checks.find { it.name == 'scenarios' }.data.prepared", equalTo("1 of 1"));
            api(httpPort).get("/api/scenarios/kept-faq").then().statusCode(200)
                    .body("version", equalTo(2)).body("name", equalTo("Kept FAQ"));
            api(httpPort).get("/api/scenarios/kept-faq/versions").then().statusCode(200)
                    .body("size()", equalTo(2));
            api(httpPort).contentType("application/json").body(Map.of("question", "can you deliver to another country?"))
                    .post("/api/scenarios/kept-faq/invoke").then().statusCode(200)
                    .body("match.answer", equalTo("Yes, to 42 countries."));
            // every call of the first run was recorded, although none had been flushed before the shutdown
            java.time.Instant now = java.time.Instant.now();
            api(httpPort).queryParam("from", now.minusSeconds(3600).toString()).queryParam("to", now.plusSeconds(60).toString())
                    .get("/api/scenarios/kept-faq/usage").then().statusCode(200)
                    .body("total.calls", org.hamcrest.Matchers.greaterThanOrEqualTo(CALLS_BEFORE_STOP + 3))
                    .body("total.calls", org.hamcrest.Matchers.lessThanOrEqualTo(CALLS_BEFORE_STOP + 4));
            // the bucket is in PostgreSQL: still empty after the restart
            keyCall(httpPort, key).then().statusCode(429).header("Retry-After", org.hamcrest.Matchers.notNullValue());
        } finally {
            PackagedService.stop(second);
        }
        Process open = start(data, httpPort, dbPort, Map.of("AIFUNC_AUTH_ENABLED", "false"));
        try {
            PackagedService.awaitReady(httpPort, open);
            given().baseUri("http://127.0.0.1").port(httpPort).contentType("application/json")
                    .body(Map.of("question", "do you ship abroad?")).post("/api/scenarios/kept-faq/invoke")
                    .then().statusCode(200).body("match.answer", equalTo("Yes, to 42 countries."));
            given().baseUri("http://127.0.0.1").port(httpPort).post("/api/scenarios/kept-faq/versions/1/activate")
                    .then().statusCode(200);
            api(httpPort).get("/api/scenarios/kept-faq/audit").then().statusCode(200)
                    .body("[0].action", equalTo("scenario.activate")).body("[0].actor", equalTo("local"));
        } finally {
            PackagedService.stop(open);
        }
    }

    private static final int CALLS_BEFORE_STOP = 40;

    private static RequestSpecification api(int port) {
        return PackagedService.api(port);
    }

    private static io.restassured.response.Response keyCall(int port, String key) {
        return given().baseUri("http://127.0.0.1").port(port).header("X-API-Key", key).contentType("application/json")
                .body(Map.of("question", "do you ship abroad?")).post("/api/scenarios/kept-faq/invoke");
    }

    private static Process start(Path data, int httpPort, int dbPort, Map<String, String> env) throws IOException {
        Map<String, String> all = new java.util.HashMap<>(env);
        all.put("AIFUNC_EMBEDDED_DB_DATA_DIR", data.resolve("postgres").toString());
        all.put("AIFUNC_EMBEDDED_DB_PORT", String.valueOf(dbPort));
        return PackagedService.start(httpPort, all);
    }
}
