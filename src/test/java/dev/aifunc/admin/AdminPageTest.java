package dev.aifunc.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The admin start page lists the scenarios and the template catalogue. */
@QuarkusTest
class AdminPageTest {

    @Test
    void listsScenariosAndTemplates() {
        Api.awaitReady();
        Api.recreate("admin-listed", "text-embedding", Map.of());
        given().get("/admin").then().statusCode(200).contentType("text/html")
                .body(containsString("admin-listed"))
                .body(containsString("POST /api/scenarios/admin-listed/invoke"))
                .body(containsString("FAQ matching"))
                .body(containsString("Review sentiment"));
    }
}
