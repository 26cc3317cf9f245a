package dev.aifunc.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;

import io.restassured.specification.RequestSpecification;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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
        int httpPort = freePort();
        int dbPort = freePort();
        Process first = start(data, httpPort, dbPort, Map.of("AIFUNC_RATE_LIMIT_STORE", "postgresql"));
        String key;
        try {
            awaitReady(httpPort, first);
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
            stop(first);
        }
        Process second = start(data, httpPort, dbPort, Map.of("AIFUNC_RATE_LIMIT_STORE", "postgresql"));
        try {
            awaitReady(httpPort, second);
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
            stop(second);
        }
        Process open = start(data, httpPort, dbPort, Map.of("AIFUNC_AUTH_ENABLED", "false"));
        try {
            awaitReady(httpPort, open);
            given().baseUri("http://127.0.0.1").port(httpPort).contentType("application/json")
                    .body(Map.of("question", "do you ship abroad?")).post("/api/scenarios/kept-faq/invoke")
                    .then().statusCode(200).body("match.answer", equalTo("Yes, to 42 countries."));
            given().baseUri("http://127.0.0.1").port(httpPort).post("/api/scenarios/kept-faq/versions/1/activate")
                    .then().statusCode(200);
            api(httpPort).get("/api/scenarios/kept-faq/audit").then().statusCode(200)
                    .body("[0].action", equalTo("scenario.activate")).body("[0].actor", equalTo("local"));
        } finally {
            stop(open);
        }
    }

    private static final int CALLS_BEFORE_STOP = 40;
    /** The operator admin key the packaged service is started with (AIFUNC_AUTH_ADMIN_KEY). */
    private static final String ADMIN_KEY = "packaged-service-it-admin-key-0123456789";

    private static RequestSpecification api(int port) {
        return given().baseUri("http://127.0.0.1").port(port).header("Authorization", "Bearer " + ADMIN_KEY);
    }

    private static io.restassured.response.Response keyCall(int port, String key) {
        return given().baseUri("http://127.0.0.1").port(port).header("X-API-Key", key).contentType("application/json")
                .body(Map.of("question", "do you ship abroad?")).post("/api/scenarios/kept-faq/invoke");
    }

    private static Process start(Path data, int httpPort, int dbPort, Map<String, String> env) throws IOException {
        File jar = new File("target/quarkus-app/quarkus-run.jar");
        ProcessBuilder pb = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-jar", jar.getAbsolutePath())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/packaged-service-it.log")));
        pb.environment().remove("QUARKUS_DATASOURCE_JDBC_URL");
        pb.environment().remove("QUARKUS_DATASOURCE_USERNAME");
        pb.environment().remove("QUARKUS_DATASOURCE_PASSWORD");
        pb.environment().put("AIFUNC_EMBEDDED_DB_DATA_DIR", data.resolve("postgres").toString());
        pb.environment().put("AIFUNC_EMBEDDED_DB_PORT", String.valueOf(dbPort));
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        pb.environment().put("AIFUNC_USAGE_FLUSH_INTERVAL", "10m");
        pb.environment().put("AIFUNC_AUTH_ADMIN_KEY", ADMIN_KEY);
        pb.environment().putAll(env);
        return pb.start();
    }

    private static void awaitReady(int port, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("service exited with " + process.exitValue() + "; see target/packaged-service-it.log");
            }
            try {
                if (api(port).get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (Exception notListeningYet) { // RestAssured rethrows ConnectException unchecked
                // connection refused while starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("service not ready within 3 minutes; see target/packaged-service-it.log");
    }

    private static void stop(Process process) throws InterruptedException {
        process.destroy(); // SIGTERM: graceful shutdown, embedded PostgreSQL stops with it
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("service did not stop within 60 s of SIGTERM");
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
