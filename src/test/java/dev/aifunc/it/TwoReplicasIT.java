package dev.aifunc.it;

import static org.hamcrest.Matchers.equalTo;

import dev.aifunc.support.PackagedService;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * Two replicas of the packaged service against one PostgreSQL (the first one's embedded server; the second is
 * pointed at it with {@code QUARKUS_DATASOURCE_JDBC_URL}, as a replica on Kubernetes is): a scenario created,
 * updated, rolled back or deleted through one is served the same way by the other within one second, without the
 * other being asked to reload anything. Prints how long each change took to show.
 */
class TwoReplicasIT {

    private static final Map<String, Object> V1 = Map.of("language", "en", "faq", List.of(
            Map.of("question", "What are your opening hours?", "answer", "We are open 9 to 5.")));
    private static final Map<String, Object> V2 = Map.of("language", "en", "faq", List.of(
            Map.of("question", "What are your opening hours?", "answer", "We are open 8 to 8, every day.")));

    @Test
    void aChangeThroughOneReplicaIsServedByTheOtherWithinASecond() throws Exception {
        Path data = Files.createTempDirectory("aifunc-it-replicas");
        int portA = PackagedService.freePort();
        int portB = PackagedService.freePort();
        int dbPort = PackagedService.freePort();
        Process a = PackagedService.start(portA, Map.of("AIFUNC_EMBEDDED_DB_DATA_DIR", data.resolve("postgres").toString(),
                "AIFUNC_EMBEDDED_DB_PORT", String.valueOf(dbPort)));
        Process b = null;
        try {
            PackagedService.awaitReady(portA, a);
            b = PackagedService.start(portB, Map.of(
                    "QUARKUS_DATASOURCE_JDBC_URL", "jdbc:postgresql://127.0.0.1:" + dbPort + "/postgres",
                    "QUARKUS_DATASOURCE_USERNAME", "postgres", "QUARKUS_DATASOURCE_PASSWORD", "postgres"));
            PackagedService.awaitReady(portB, b);

            PackagedService.api(portA).contentType("application/json")
                    .body(Map.of("id", "hours", "template", "faq-matching", "name", "Opening hours", "config", V1))
                    .post("/api/scenarios").then().statusCode(201);
            seen(portB, "created on A", r -> "We are open 9 to 5.".equals(answer(r)));

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

    private static String answer(Response r) {
        return r.statusCode() == 200 ? r.jsonPath().getString("match.answer") : null;
    }

    /** Calls the scenario on {@code port} until {@code done} holds, at most 1 s after the change; prints the time. */
    private static Response seen(int port, String change, Predicate<Response> done) throws InterruptedException {
        long start = System.nanoTime();
        Response last = null;
        while (System.nanoTime() - start < 1_000_000_000L) {
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
                : last.statusCode() + " " + last.asString()) + " after 1 s");
    }
}
