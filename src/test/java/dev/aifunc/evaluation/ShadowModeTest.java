package dev.aifunc.evaluation;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.nullValue;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Shadow mode with real models: a candidate whose examples have swapped labels answers every live call in the
 * background; callers keep getting the active version's answers; the agreement rate tells the two apart; promote
 * makes the candidate active in one step.
 */
@QuarkusTest
class ShadowModeTest {

    static final List<String> REVIEWS = List.of(
            "The battery died after two days and support never answered.",
            "Absolutely love it, works perfectly and arrived early.",
            "Terrible quality, it broke the first time I used it.",
            "Great value for the money, I would buy it again.",
            "The screen is dim and the speakers crackle.",
            "Comfortable, warm and it fits just right.",
            "Worst purchase this year, a complete waste.",
            "Fast delivery and the packaging was lovely.",
            "It stopped charging after a week.",
            "My kids play with it every day, highly recommended.");

    @BeforeEach
    void ready() {
        Api.awaitReady();
    }

    @Test
    void aCandidateAnswersEveryCallInTheBackgroundAndCallersOnlySeeTheActiveVersion() throws Exception {
        Api.recreate("shadowed", "review-sentiment", Map.of("language", "en"));
        List<String> activeLabels = new ArrayList<>();
        for (String review : REVIEWS) {
            activeLabels.add(Api.invoke("shadowed", Map.of("text", review)).then().statusCode(200).extract().path("label"));
        }
        // version 2: the shipped examples with swapped labels; then version 1 is made active again
        assertEquals(2, dev.aifunc.support.SwappedReviews.saveAsNewVersion("shadowed"));
        given().post("/api/scenarios/shadowed/versions/1/activate").then().statusCode(200);

        given().contentType("application/json").body(Map.of("version", 1)).put("/api/scenarios/shadowed/shadow")
                .then().statusCode(422).body("detail", containsString("active version"));
        given().contentType("application/json").body(Map.of("version", 2)).put("/api/scenarios/shadowed/shadow")
                .then().statusCode(200).body("candidateVersion", equalTo(2)).body("calls", equalTo(0));

        for (int i = 0; i < REVIEWS.size(); i++) {
            Api.invoke("shadowed", Map.of("text", REVIEWS.get(i))).then().statusCode(200)
                    .header("X-Scenario-Version", "1").body("label", equalTo(activeLabels.get(i)));
        }
        // N calls give N shadow results (written in the background)
        JsonPath status = null;
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            status = given().get("/api/scenarios/shadowed/shadow").then().statusCode(200).extract().jsonPath();
            if (status.getInt("calls") >= REVIEWS.size()) {
                break;
            }
            Thread.sleep(100);
        }
        System.out.println("shadow status: " + status.prettify());
        assertEquals(REVIEWS.size(), status.getInt("calls"));
        assertEquals(0, status.getInt("candidateFailures"));
        assertTrue(status.getDouble("agreementRate") <= 0.3, "swapped labels mostly disagree: " + status.getDouble("agreementRate"));
        assertNotNull(status.get("active.p50Ms"));
        assertNotNull(status.get("candidate.p95Ms"));
        assertEquals(REVIEWS.size(), status.getList("perMinute.calls", Integer.class).stream().mapToInt(Integer::intValue).sum());
        Map<String, Object> disagreement = status.getMap("disagreements[0]");
        assertTrue(REVIEWS.contains(disagreement.get("input")), "the call's input: " + disagreement);
        assertTrue(!disagreement.get("active").equals(disagreement.get("candidate")));

        // a new active version (a save) starts the numbers again: they compare the candidate with what callers get now
        given().contentType("application/json").body(Map.of("name", "v3", "config", Map.of("language", "en")))
                .put("/api/scenarios/shadowed").then().statusCode(200).body("version", equalTo(3));
        given().get("/api/scenarios/shadowed/shadow").then().statusCode(200).body("activeVersion", equalTo(3))
                .body("candidateVersion", equalTo(2)).body("calls", equalTo(0));

        // promote: the candidate is active in one step and shadow mode ends
        given().post("/api/scenarios/shadowed/shadow/promote").then().statusCode(200).body("version", equalTo(2));
        given().get("/api/scenarios/shadowed/shadow").then().statusCode(200).body("candidateVersion", nullValue())
                .body("activeVersion", equalTo(2));
        String promoted = Api.invoke("shadowed", Map.of("text", REVIEWS.get(0))).then().statusCode(200)
                .header("X-Scenario-Version", "2").extract().path("label");
        assertTrue(!promoted.equals(activeLabels.get(0)), "the swapped version answers now");
        given().post("/api/scenarios/shadowed/shadow/promote").then().statusCode(409);
    }

    @Test
    void shadowModeNeedsAComparableTemplateAndAKnownVersion() {
        Api.recreate("shadow-embed", "text-embedding", Map.of("language", "en"));
        given().contentType("application/json").body(Map.of("name", "again", "config", Map.of("language", "en")))
                .put("/api/scenarios/shadow-embed").then().statusCode(200);
        given().contentType("application/json").body(Map.of("version", 1)).put("/api/scenarios/shadow-embed/shadow")
                .then().statusCode(422).contentType("application/problem+json");
        given().contentType("application/json").body(Map.of("version", 7)).put("/api/scenarios/shadow-embed/shadow")
                .then().statusCode(404);
        given().contentType("application/json").body(Map.of()).put("/api/scenarios/shadow-embed/shadow")
                .then().statusCode(422).body(containsString("version"));
        given().get("/api/scenarios/nope/shadow").then().statusCode(404);
    }
}
