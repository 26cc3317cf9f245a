package dev.aifunc.it;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.PackagedService;
import io.restassured.response.Response;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/**
 * A database that is alive but does not answer (its postmaster and every backend stopped with SIGSTOP, as a frozen
 * VM or a storage stall looks): a prepared scenario keeps answering the key that called it before, everything else
 * gets 503 with Retry-After within a few seconds, readiness answers DOWN at once, nothing is a 500; after SIGCONT
 * the replica recovers without a restart.
 */
class FrozenDatabaseIT {

    private static final Map<String, Object> FAQ = Map.of("id", "frozen-faq", "template", "faq-matching", "name",
            "Frozen FAQ", "config", Map.of("language", "en", "faq", List.of(Map.of("question",
                    "Where is my parcel?", "answer", "Track it with the link in your e-mail."))));

    @Test
    void aHungDatabaseNeitherHangsNorBreaksTheReplica() throws Exception {
        try (EmbeddedPostgres database = EmbeddedPostgres.builder().start()) {
            int port = PackagedService.freePort();
            Process service = PackagedService.start(port, Map.of(
                    "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + database.getPort() + "/postgres",
                    "QUARKUS_DATASOURCE_USERNAME", "postgres", "QUARKUS_DATASOURCE_PASSWORD", "postgres"));
            List<Long> frozen = new ArrayList<>();
            try {
                PackagedService.awaitReady(port, service);
                PackagedService.api(port).contentType("application/json").body(FAQ).post("/api/scenarios")
                        .then().statusCode(201);
                String used = key(port, "used");
                String unused = key(port, "unused");
                call(port, used).then().statusCode(200).body("match.answer", equalTo("Track it with the link in your e-mail."));

                frozen.addAll(postgresProcesses(database));
                signal("STOP", frozen);
                // readiness notices within the probe's interval and timeout, and never makes its caller wait
                long deadline = System.nanoTime() + 10_000_000_000L;
                Response ready;
                do {
                    long t0 = System.nanoTime();
                    ready = given().baseUri("http://127.0.0.1").port(port).get("/q/health/ready");
                    assertTrue(millisSince(t0) < 1_500, "readiness answered in " + millisSince(t0) + " ms");
                } while (ready.statusCode() == 200 && System.nanoTime() < deadline);
                assertEquals(503, ready.statusCode(), "readiness is DOWN while the database does not answer");

                for (int i = 0; i < 20; i++) {
                    long t0 = System.nanoTime();
                    call(port, used).then().statusCode(200)
                            .body("match.answer", equalTo("Track it with the link in your e-mail."));
                    assertTrue(millisSince(t0) < 1_000, "a prepared scenario answered in " + millisSince(t0) + " ms");
                }
                quick503(() -> call(port, unused));
                quick503(() -> PackagedService.api(port).get("/api/scenarios"));
                quick503(() -> PackagedService.api(port).contentType("application/json")
                        .body(Map.of("name", "changed", "config", FAQ.get("config"))).put("/api/scenarios/frozen-faq"));
                quick503(() -> given().baseUri("http://127.0.0.1").port(port).auth().preemptive()
                        .basic("admin", "any-password").get("/api/scenarios"));

                signal("CONT", frozen);
                frozen.clear();
                long recovered = System.nanoTime() + 30_000_000_000L;
                while (given().baseUri("http://127.0.0.1").port(port).get("/q/health/ready").statusCode() != 200) {
                    assertTrue(System.nanoTime() < recovered, "ready again within 30 s of SIGCONT");
                    Thread.sleep(200);
                }
                call(port, unused).then().statusCode(200);
                PackagedService.api(port).contentType("application/json")
                        .body(Map.of("name", "changed", "config", FAQ.get("config"))).put("/api/scenarios/frozen-faq")
                        .then().statusCode(200).body("version", equalTo(2));
            } finally {
                signal("CONT", frozen);
                PackagedService.stop(service);
            }
        }
    }

    private static void quick503(Supplier<Response> request) {
        long t0 = System.nanoTime();
        Response r = request.get();
        long ms = millisSince(t0);
        assertEquals(503, r.statusCode(), r.asString());
        assertTrue(r.contentType().startsWith("application/problem+json"), r.contentType());
        assertNotNull(r.header("Retry-After"));
        assertTrue(ms < 3_000, "refused in " + ms + " ms");
    }

    private static Response call(int port, String key) {
        return given().baseUri("http://127.0.0.1").port(port).header("Authorization", "Bearer " + key)
                .contentType("application/json").body(Map.of("question", "where is my parcel"))
                .post("/api/scenarios/frozen-faq/invoke");
    }

    private static String key(int port, String name) {
        return PackagedService.api(port).contentType("application/json")
                .body(Map.of("name", name, "scenarios", List.of("frozen-faq"))).post("/api/keys")
                .then().statusCode(201).extract().path("key");
    }

    /** The postmaster (from its data folder's postmaster.pid) and all its children (backends, background workers). */
    private static List<Long> postgresProcesses(EmbeddedPostgres database) throws Exception {
        String dataDirectory;
        try (Connection c = database.getPostgresDatabase().getConnection();
             ResultSet rs = c.createStatement().executeQuery("SELECT current_setting('data_directory')")) {
            rs.next();
            dataDirectory = rs.getString(1);
        }
        long pid = Long.parseLong(java.nio.file.Files.readAllLines(java.nio.file.Path.of(dataDirectory,
                "postmaster.pid")).get(0).strip());
        ProcessHandle postmaster = ProcessHandle.of(pid).orElseThrow(() -> new AssertionError("no postmaster " + pid));
        List<Long> pids = new ArrayList<>();
        pids.add(postmaster.pid());
        postmaster.descendants().forEach(p -> pids.add(p.pid()));
        return pids;
    }

    private static void signal(String signal, List<Long> pids) throws Exception {
        if (pids.isEmpty()) {
            return;
        }
        List<String> command = new ArrayList<>(List.of("kill", "-" + signal));
        pids.forEach(p -> command.add(String.valueOf(p)));
        new ProcessBuilder(command).inheritIO().start().waitFor();
    }

    private static long millisSince(long t0) {
        return (System.nanoTime() - t0) / 1_000_000;
    }
}
