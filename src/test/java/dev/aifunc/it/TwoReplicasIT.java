package dev.aifunc.it;

import static org.hamcrest.Matchers.equalTo;

import dev.aifunc.support.OpeningHours;
import dev.aifunc.support.PackagedService;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the packaged service against one PostgreSQL (the first one's embedded server; the second is
 * pointed at it with {@code QUARKUS_DATASOURCE_JDBC_URL}, as a replica on Kubernetes is): a scenario updated,
 * rolled back or deleted through one is served the same way by the other within one second (a new one within 5 s:
 * its first call on the other replica prepares it), without the
 * other being asked to reload anything; and a replica rides out a restart of the database. Prints how long each
 * change took to show.
 */
class TwoReplicasIT {

    private static final Map<String, Object> V1 = OpeningHours.V1;
    private static final Map<String, Object> V2 = OpeningHours.V2;

    @Test
    void aChangeThroughOneReplicaIsServedByTheOtherWithinASecond() throws Exception {
        Path data = Files.createTempDirectory("aifunc-it-replicas");
        int portA = PackagedService.freePort();
        int portB = PackagedService.freePort();
        int dbPort = PackagedService.freePort();
        Process a = PackagedService.start(portA, withEmbeddedDatabase(data, dbPort));
        Process b = null;
        try {
            PackagedService.awaitReady(portA, a);
            b = PackagedService.start(portB, pointedAt(dbPort));
            PackagedService.awaitReady(portB, b);

            createOnAndSeeOn(portA, portB);

            PackagedService.api(portA).contentType("application/json")
                    .body(Map.of("name", "Opening hours", "config", V2))
                    .put("/api/scenarios/hours").then().statusCode(200).body("version", equalTo(2));
            Response updated = seen(portB, "updated on A", r -> "We are open 8 to 8, every day.".equals(answer(r)));
            updated.then().header("X-Scenario-Version", "2");

            // the other way round: a rollback through B is served by A
            PackagedService.api(portB).post("/api/scenarios/hours/versions/1/activate").then().statusCode(200);
            seen(portA, "rolled back on B", r -> "We are open 9 to 5.".equals(answer(r))
                    && "1".equals(r.header("X-Scenario-Version")));

            PackagedService.api(portA).delete("/api/scenarios/hours").then().statusCode(204);
            seen(portB, "deleted on A", r -> r.statusCode() == 404);
        } finally {
            if (b != null) {
                PackagedService.stop(b);
            }
            PackagedService.stop(a);
        }
    }

    /**
     * The database goes away under a running replica (B) and comes back: B keeps answering its prepared scenario,
     * a write on B gets 503 with {@code Retry-After} (never 500) and B is not ready; once PostgreSQL is back B is ready
     * again, writes again and hears of changes made elsewhere, without a restart.
     */
    @Test
    void aReplicaKeepsServingWhileTheDatabaseRestarts() throws Exception {
        Path data = Files.createTempDirectory("aifunc-it-outage");
        int portA = PackagedService.freePort();
        int portB = PackagedService.freePort();
        int dbPort = PackagedService.freePort();
        Map<String, String> envA = withEmbeddedDatabase(data, dbPort);
        Process a = PackagedService.start(portA, envA);
        Process b = null;
        try {
            PackagedService.awaitReady(portA, a);
            b = PackagedService.start(portB, pointedAt(dbPort));
            PackagedService.awaitReady(portB, b);
            createOnAndSeeOn(portA, portB);

            // A stops, and its embedded PostgreSQL with it
            PackagedService.stop(a);
            for (int i = 0; i < 5; i++) {
                PackagedService.api(portB).contentType("application/json")
                        .body(Map.of("question", "when are you open?")).post("/api/scenarios/hours/invoke")
                        .then().statusCode(200).body("match.answer", equalTo("We are open 9 to 5."));
            }
            PackagedService.api(portB).contentType("application/json")
                    .body(Map.of("name", "Opening hours", "config", V2)).put("/api/scenarios/hours")
                    .then().statusCode(503).contentType("application/problem+json")
                    .header("Retry-After", org.hamcrest.Matchers.notNullValue());
            PackagedService.api(portB).get("/q/health/ready").then().statusCode(503);

            // PostgreSQL back (A again, same folder and port): B writes and hears of A's writes without a restart
            a = PackagedService.start(portA, envA);
            PackagedService.awaitReady(portA, a);
            long deadline = System.nanoTime() + 30_000_000_000L;
            int status = 0;
            while (System.nanoTime() < deadline && status != 200) {
                status = PackagedService.api(portB).contentType("application/json")
                        .body(Map.of("name", "Opening hours", "config", V2)).put("/api/scenarios/hours").statusCode();
                Thread.sleep(200);
            }
            org.junit.jupiter.api.Assertions.assertEquals(200, status, "B could not write after the database came back");
            // readiness tells the truth again, without a restart of B
            int ready = 0;
            for (long until = System.nanoTime() + 10_000_000_000L; System.nanoTime() < until && ready != 200; ) {
                ready = PackagedService.api(portB).get("/q/health/ready").statusCode();
                Thread.sleep(100);
            }
            org.junit.jupiter.api.Assertions.assertEquals(200, ready, "B not ready again after the database came back");
            seen(portA, "updated on B after the outage", r -> "We are open 8 to 8, every day.".equals(answer(r)));
            // B's change feed has reconnected by now (back-off at most 5 s): a rollback on A reaches B
            Thread.sleep(6_000);
            PackagedService.api(portA).post("/api/scenarios/hours/versions/1/activate").then().statusCode(200);
            seen(portB, "rolled back on A after the outage", r -> "We are open 9 to 5.".equals(answer(r)));
        } finally {
            if (b != null) {
                PackagedService.stop(b);
            }
            if (a.isAlive()) {
                PackagedService.stop(a);
            }
        }
    }

    /** The environment of replica A: its own embedded PostgreSQL in {@code data}, listening on {@code dbPort}. */
    private static Map<String, String> withEmbeddedDatabase(Path data, int dbPort) {
        return Map.of("AIFUNC_EMBEDDED_DB_DATA_DIR", data.resolve("postgres").toString(),
                "AIFUNC_EMBEDDED_DB_PORT", String.valueOf(dbPort));
    }

    /** The environment of replica B: A's PostgreSQL on {@code dbPort}, as a replica on Kubernetes is configured. */
    private static Map<String, String> pointedAt(int dbPort) {
        return Map.of("QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres",
                "QUARKUS_DATASOURCE_USERNAME", "postgres", "QUARKUS_DATASOURCE_PASSWORD", "postgres");
    }

    /** Creates scenario {@code hours} (version 1) through one replica and waits until the other serves it. */
    private static void createOnAndSeeOn(int portA, int portB) throws InterruptedException {
        PackagedService.api(portA).contentType("application/json")
                .body(Map.of("id", "hours", "template", "faq-matching", "name", "Opening hours", "config", V1))
                .post("/api/scenarios").then().statusCode(201);
        seen(portB, "created on A", r -> OpeningHours.ANSWER_V1.equals(answer(r)), 5_000);
    }

    private static String answer(Response r) {
        return r.statusCode() == 200 ? r.jsonPath().getString("match.answer") : null;
    }

    /** Calls the scenario on {@code port} until {@code done} holds, at most 1 s after the change; prints the time. */
    private static Response seen(int port, String change, Predicate<Response> done) throws InterruptedException {
        return seen(port, change, done, 1_000);
    }

    /**
     * {@link #seen(int, String, Predicate)} within {@code withinMs}. A scenario new to a replica may take longer than
     * a second: its first call there prepares it (embeds its FAQ) and runs that template's code for the first time.
     */
    private static Response seen(int port, String change, Predicate<Response> done, long withinMs)
            throws InterruptedException {
        long start = System.nanoTime();
        Response last = null;
        while (System.nanoTime() - start < withinMs * 1_000_000L) {
            last = PackagedService.api(port).contentType("application/json")
                    .body(Map.of("question", "when are you open?")).post("/api/scenarios/hours/invoke");
            if (done.test(last)) {
                System.out.printf("TwoReplicasIT: %s, served by the other replica after %.0f ms%n", change,
                        (System.nanoTime() - start) / 1e6);
                return last;
            }
            Thread.sleep(10);
        }
        throw new AssertionError(change + ": the other replica still answers " + (last == null ? "nothing"
                : last.statusCode() + " " + last.asString()) + " after " + withinMs + " ms");
    }
}
