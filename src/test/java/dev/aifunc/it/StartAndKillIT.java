package dev.aifunc.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.PackagedService;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Starts that operators and Kubernetes make without thinking: two replicas of a new Deployment starting at the same
 * moment on an empty database (both create the admin account), and a plain restart after the kernel's OOM killer
 * (SIGKILL), which leaves the embedded PostgreSQL running without its owner.
 */
class StartAndKillIT {

    private static final String PASSWORD = "twin-replicas-admin-password";

    @Test
    void twoReplicasStartingTogetherOnAFreshDatabaseBothStart() throws Exception {
        try (EmbeddedPostgres database = EmbeddedPostgres.builder().start()) {
            Map<String, String> env = Map.of(
                    "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + database.getPort() + "/postgres",
                    "QUARKUS_DATASOURCE_USERNAME", "postgres", "QUARKUS_DATASOURCE_PASSWORD", "postgres",
                    "AIFUNC_ADMIN_PASSWORD", PASSWORD);
            int portA = PackagedService.freePort();
            int portB = PackagedService.freePort();
            Process a = PackagedService.start(portA, env);
            Process b = PackagedService.start(portB, env);
            try {
                PackagedService.awaitReady(portA, a);
                PackagedService.awaitReady(portB, b);
                for (int port : new int[] {portA, portB}) {
                    given().baseUri("http://127.0.0.1").port(port).auth().preemptive().basic("admin", PASSWORD)
                            .get("/api/scenarios").then().statusCode(200);
                }
            } finally {
                PackagedService.stop(a);
                PackagedService.stop(b);
            }
        }
    }

    @Test
    void aPlainRestartAfterSigkillTakesBackTheDataFolder() throws Exception {
        Path data = Files.createTempDirectory("aifunc-it-killed").resolve("postgres");
        Map<String, String> env = Map.of("AIFUNC_EMBEDDED_DB_DATA_DIR", data.toString(),
                "AIFUNC_EMBEDDED_DB_PORT", String.valueOf(PackagedService.freePort()));
        int port = PackagedService.freePort();
        Process first = PackagedService.start(port, env);
        PackagedService.awaitReady(port, first);
        PackagedService.api(port).contentType("application/json")
                .body(Map.of("id", "after-kill", "template", "faq-matching", "name", "After kill", "config",
                        Map.of("language", "en", "faq", List.of(Map.of("question", "Do you open on Sundays?",
                                "answer", "Yes, from 10 to 16.")))))
                .post("/api/scenarios").then().statusCode(201);
        first.destroyForcibly(); // SIGKILL, as the OOM killer sends
        first.waitFor();
        long orphan = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
        assertTrue(ProcessHandle.of(orphan).map(ProcessHandle::isAlive).orElse(false),
                "the killed instance's PostgreSQL keeps running without it");

        Process second = PackagedService.start(port, env);
        try {
            PackagedService.awaitReady(port, second);
            PackagedService.api(port).contentType("application/json").body(Map.of("question", "open on sunday?"))
                    .post("/api/scenarios/after-kill/invoke").then().statusCode(200)
                    .body("match.answer", equalTo("Yes, from 10 to 16."));
            assertTrue(ProcessHandle.of(orphan).map(h -> !h.isAlive()).orElse(true), "the orphan was stopped");
            long now = Long.parseLong(Files.readAllLines(data.resolve("postmaster.pid")).get(0).strip());
            assertNotEquals(orphan, now);
        } finally {
            PackagedService.stop(second);
        }
    }
}
