package dev.aifunc.scenario;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aifunc.support.Api;
import io.agroal.api.AgroalDataSource;
import dev.aifunc.support.OpeningHours;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Calls are answered from the scenario heads in memory, and changes made by another replica reach this one: the
 * other replica's write is replayed here in SQL with the notification its {@code ScenarioChanges} sends
 * ({@code pg_notify('aifunc_scenario', id)} in the same transaction), or without it, to check that the periodic
 * reconciliation (1 s in the test profile) heals a lost notification.
 */
@QuarkusTest
class ChangeFeedTest {

    private static final Map<String, Object> V1 = OpeningHours.V1;
    private static final Map<String, Object> V2 = OpeningHours.V2;

    @Inject
    AgroalDataSource db;

    @Inject
    ScenarioChanges changes;

    @BeforeEach
    void ready() {
        Api.awaitReady();
    }

    @Test
    void anotherReplicasRollbackAndDeleteAreServedHereWithinASecond() throws Exception {
        Api.recreate("feed", "faq-matching", V1);
        given().contentType(ContentType.JSON).body(Map.of("name", "feed", "config", V2))
                .put("/api/scenarios/feed").then().statusCode(200);
        assertEquals("We are open 8 to 8, every day.", answer());
        assertEquals(true, changes.listening());

        // the other replica rolls back to version 1
        sql("UPDATE scenario SET active_version = 1, updated_at = now() WHERE id = 'feed'", true);
        Response first = await("feed", r -> "1".equals(r.header("X-Scenario-Version")), 1_000);
        assertEquals("We are open 9 to 5.", first.jsonPath().getString("match.answer"));

        // and deletes it: 404 here too
        sql("DELETE FROM scenario WHERE id = 'feed'", true);
        Response gone = await("feed", r -> r.statusCode() == 404, 1_000);
        assertEquals("application/problem+json", gone.contentType().split(";")[0]);
        given().get("/api/scenarios/feed").then().statusCode(404);
    }

    @Test
    void aChangeWhoseNotificationWasLostIsHealedByReconciliation() throws Exception {
        Api.recreate("feed-lost", "faq-matching", V1);
        given().contentType(ContentType.JSON).body(Map.of("name", "feed-lost", "config", V2))
                .put("/api/scenarios/feed-lost").then().statusCode(200);
        assertEquals("2", invoke("feed-lost").header("X-Scenario-Version"));

        // a rollback whose NOTIFY never arrives: calls keep the head in memory, then reconciliation reloads it
        sql("UPDATE scenario SET active_version = 1 WHERE id = 'feed-lost'", false);
        Response healed = await("feed-lost", r -> "1".equals(r.header("X-Scenario-Version")), 10_000);
        assertEquals("We are open 9 to 5.", healed.jsonPath().getString("match.answer"));
        given().delete("/api/scenarios/feed-lost").then().statusCode(204);
        invoke("feed-lost").then().statusCode(404);
    }

    private void sql(String statement, boolean notify) throws Exception {
        try (Connection c = db.getConnection()) {
            c.setAutoCommit(false);
            try (PreparedStatement ps = c.prepareStatement(statement)) {
                ps.executeUpdate();
            }
            if (notify) {
                String id = statement.replaceAll(".*id = '([^']+)'.*", "$1");
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_notify('aifunc_scenario', ?)")) {
                    ps.setString(1, id);
                    ps.execute();
                }
            }
            c.commit();
        }
    }

    private static String answer() {
        return invoke("feed").then().statusCode(200).extract().jsonPath().getString("match.answer");
    }

    private static Response invoke(String id) {
        return Api.invoke(id, Map.of("question", "when are you open?"));
    }

    /** Calls until the answer satisfies {@code done}, for at most {@code withinMs}; fails with the last answer. */
    private static Response await(String id, Predicate<Response> done, long withinMs) throws InterruptedException {
        long deadline = System.nanoTime() + withinMs * 1_000_000;
        Response last = null;
        while (System.nanoTime() < deadline) {
            last = invoke(id);
            if (done.test(last)) {
                return last;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not seen within " + withinMs + " ms; last answer " + (last == null ? "none"
                : last.statusCode() + " v" + last.header("X-Scenario-Version") + " " + last.asString()));
    }
}
