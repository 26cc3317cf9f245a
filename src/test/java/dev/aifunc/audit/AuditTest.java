package dev.aifunc.audit;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Who changed which scenario when: create, update, rollback and delete each leave one entry with the actor that did
 * it (the operator's admin key, an admin account by HTTP Basic), newest first, kept after the delete.
 */
@QuarkusTest
class AuditTest {

    private static final String ID = "audited-faq";

    @Test
    void everyChangeIsAttributed() {
        Api.awaitReady();
        given().delete("/api/scenarios/" + ID);
        String since = java.time.Instant.now().toString();
        given().contentType(ContentType.JSON).body(Map.of("id", ID, "template", "faq-matching", "name", "Audited FAQ"))
                .post("/api/scenarios").then().statusCode(201);
        given().auth().preemptive().basic("admin", "test-admin-password").contentType(ContentType.JSON)
                .body(Map.of("name", "Audited FAQ, renamed", "config", Map.of())).put("/api/scenarios/" + ID)
                .then().statusCode(200).body("version", equalTo(2));
        given().post("/api/scenarios/" + ID + "/versions/1/activate").then().statusCode(200);
        given().delete("/api/scenarios/" + ID).then().statusCode(204);

        JsonPath audit = given().queryParam("from", since).get("/api/scenarios/" + ID + "/audit")
                .then().statusCode(200).extract().jsonPath();
        assertEquals(List.of("scenario.delete", "scenario.activate", "scenario.update", "scenario.create"),
                audit.getList("action"), audit.prettify());
        assertEquals(List.of("admin-key", "admin-key", "admin", "admin-key"), audit.getList("actor"));
        assertEquals(List.of(1, 1, 2, 1), audit.getList("version"));
        assertEquals("active version 2 -> 1", audit.getString("[1].detail"));

        given().get("/api/audit?limit=0").then().statusCode(422).body("field", equalTo("limit"));
        given().get("/api/audit?from=yesterday").then().statusCode(422).body("field", equalTo("from"));
        // instants PostgreSQL cannot compare are refused, not a 500 (or a 503 from the usage API)
        given().queryParam("to", "-999999999-01-01T00:00:00Z").get("/api/audit").then().statusCode(422)
                .body("field", equalTo("to"));
        given().queryParam("from", "+300000-01-01T00:00:00Z").get("/api/scenarios/" + ID + "/audit").then()
                .statusCode(422).body("field", equalTo("from"));
        Api.recreate(ID, "faq-matching", Map.of());
        given().queryParam("to", "-999999999-01-01T00:00:00Z").get("/api/scenarios/" + ID + "/usage").then()
                .statusCode(422).body("field", equalTo("to"));
        given().delete("/api/scenarios/" + ID);
        given().header(dev.aifunc.support.TestCredentials.ANONYMOUS, "1").get("/api/audit").then().statusCode(401);
    }
}
