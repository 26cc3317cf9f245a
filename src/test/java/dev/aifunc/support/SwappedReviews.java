package dev.aifunc.support;

import static io.restassured.RestAssured.given;

import java.util.List;
import java.util.Map;

/**
 * A deliberately worse review-sentiment version for evaluation tests: the template's shipped examples with their
 * labels swapped (positive ↔ negative), so it calls most reviews the opposite of what they are.
 */
public final class SwappedReviews {

    private SwappedReviews() {
    }

    /** Saves the swapped version as the scenario's next version (it becomes active) and returns its number. */
    public static int saveAsNewVersion(String scenarioId) {
        List<Map<String, String>> shipped = given().get("/api/templates/review-sentiment").then().statusCode(200)
                .extract().path("defaults.examples");
        List<Map<String, String>> swapped = shipped.stream().map(e -> Map.of("text", e.get("text"),
                "label", e.get("label").equals("positive") ? "negative" : "positive")).toList();
        return given().contentType("application/json")
                .body(Map.of("name", "swapped labels", "config", Map.of("language", "en", "examples", swapped)))
                .put("/api/scenarios/" + scenarioId).then().statusCode(200).extract().path("version");
    }
}
