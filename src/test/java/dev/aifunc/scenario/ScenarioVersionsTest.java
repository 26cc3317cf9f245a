package dev.aifunc.scenario;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.notNullValue;

import dev.aifunc.support.Api;
import dev.aifunc.support.OpeningHours;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scenario CRUD: versions on every save, ETag/If-Match (412 on a stale write), rollback, delete. */
@QuarkusTest
class ScenarioVersionsTest {

    private static final Map<String, Object> V1 = OpeningHours.V1;
    private static final Map<String, Object> V2 = OpeningHours.V2;

    @BeforeEach
    void ready() {
        Api.awaitReady();
    }

    @Test
    void updateCreatesVersionsAndRollbackRestoresTheOldAnswer() {
        given().delete("/api/scenarios/hours");
        String etag1 = given().contentType(ContentType.JSON)
                .body(Map.of("id", "hours", "template", "faq-matching", "name", "Opening hours", "config", V1))
                .when().post("/api/scenarios")
                .then().statusCode(201)
                .header("Location", org.hamcrest.Matchers.endsWith("/api/scenarios/hours"))
                .body("version", equalTo(1)).body("active", equalTo(true))
                .body("createdAt", notNullValue())
                .extract().header("ETag");

        String etag2 = given().contentType(ContentType.JSON).header("If-Match", etag1)
                .body(Map.of("name", "Opening hours", "description", "new hours", "config", V2))
                .when().put("/api/scenarios/hours")
                .then().statusCode(200).body("version", equalTo(2)).body("latestVersion", equalTo(2))
                .extract().header("ETag");

        // If-Match compares strongly: a weak tag never matches
        given().contentType(ContentType.JSON).header("If-Match", "W/" + etag2)
                .body(Map.of("name", "weak", "config", V1))
                .when().put("/api/scenarios/hours")
                .then().statusCode(412);

        // someone still holding the first ETag must not overwrite version 2
        given().contentType(ContentType.JSON).header("If-Match", etag1)
                .body(Map.of("name", "stale", "config", V1))
                .when().put("/api/scenarios/hours")
                .then().statusCode(412).contentType("application/problem+json")
                .body("status", equalTo(412)).body("field", equalTo("If-Match"));

        Api.invoke("hours", Map.of("question", "when are you open?"))
                .then().statusCode(200).header("X-Scenario-Version", "2")
                .body("match.answer", equalTo("We are open 8 to 8, every day."));

        given().get("/api/scenarios/hours/versions").then().statusCode(200)
                .body("", hasSize(2)).body("[0].active", equalTo(false)).body("[1].active", equalTo(true))
                .body("[0].config.faq[0].answer", equalTo("We are open 9 to 5."));

        given().header("If-Match", etag2).post("/api/scenarios/hours/versions/1/activate")
                .then().statusCode(200).body("version", equalTo(1)).body("latestVersion", equalTo(2));

        Api.invoke("hours", Map.of("question", "when are you open?"))
                .then().statusCode(200).header("X-Scenario-Version", "1")
                .body("match.answer", equalTo("We are open 9 to 5."));

        given().get("/api/scenarios/hours").then().statusCode(200).body("version", equalTo(1))
                .header("ETag", notNullValue());
        given().post("/api/scenarios/hours/versions/9/activate").then().statusCode(404)
                .contentType("application/problem+json");

        given().delete("/api/scenarios/hours").then().statusCode(204);
        given().get("/api/scenarios/hours").then().statusCode(404).contentType("application/problem+json");
        Api.invoke("hours", Map.of("question", "when are you open?")).then().statusCode(404);
    }

    @Test
    void createRejectsDuplicatesUnknownTemplatesAndBadConfigs() {
        Api.recreate("dupe", "text-embedding", Map.of());
        given().contentType(ContentType.JSON)
                .body(Map.of("id", "dupe", "template", "text-embedding", "name", "again"))
                .when().post("/api/scenarios").then().statusCode(409).contentType("application/problem+json");
        given().contentType(ContentType.JSON)
                .body(Map.of("id", "nope", "template", "no-such-template", "name", "x"))
                .when().post("/api/scenarios").then().statusCode(422).body("field", equalTo("template"));
        given().contentType(ContentType.JSON)
                .body(Map.of("id", "Bad Id!", "template", "text-embedding", "name", "x"))
                .when().post("/api/scenarios").then().statusCode(422).body("field", equalTo("id"));
        given().contentType(ContentType.JSON)
                .body(Map.of("id", "bad-config", "template", "faq-matching", "name", "x", "config", Map.of("topK", 0)))
                .when().post("/api/scenarios").then().statusCode(422).body("field", equalTo("config.topK"));
        given().contentType(ContentType.JSON)
                .body(Map.of("id", "bad-labels", "template", "text-classification", "name", "x", "config",
                        Map.of("labels", List.of(Map.of("name", "a")), "examples", List.of(Map.of("text", "t", "label", "b")))))
                .when().post("/api/scenarios").then().statusCode(422).body("field", equalTo("config.examples[0].label"));
    }

    @Test
    void templatesAreListedWithSchemas() {
        given().get("/api/templates").then().statusCode(200)
                .body("id", org.hamcrest.Matchers.hasItems("text-embedding", "text-similarity", "text-classification",
                        "review-sentiment", "faq-matching"));
        given().get("/api/templates/faq-matching").then().statusCode(200)
                .body("kind", equalTo("nlp")).body("inputSchema.required", org.hamcrest.Matchers.hasItem("question"))
                .body("exampleInput.question", notNullValue());
        given().get("/api/templates/nope").then().statusCode(404).contentType("application/problem+json");
    }
}
