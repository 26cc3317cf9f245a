package dev.aifunc.support;

import static io.restassured.RestAssured.given;

import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.time.Duration;
import java.util.Map;

/** Small helpers over RestAssured for the tests: wait for readiness, create scenarios, invoke them. */
public final class Api {

    private Api() {
    }

    /** Waits until {@code /q/health/ready} is UP (models loaded), at most 5 minutes. */
    public static void awaitReady() {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            if (given().get("/q/health/ready").statusCode() == 200) {
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        throw new AssertionError("service not ready after 5 minutes: " + given().get("/q/health/ready").asString());
    }

    /** Deletes the scenario if it exists, then creates it; asserts 201. */
    public static void recreate(String id, String template, Object config) {
        given().delete("/api/scenarios/" + id);
        given().contentType(ContentType.JSON)
                .body(Map.of("id", id, "template", template, "name", id, "config", config))
                .when().post("/api/scenarios")
                .then().log().ifValidationFails().statusCode(201);
    }

    /** POST invoke with a JSON body. */
    public static Response invoke(String id, Object body) {
        return given().contentType(ContentType.JSON).body(body).when().post("/api/scenarios/" + id + "/invoke");
    }

    /** Reads a UTF-8 test resource. */
    public static String resource(String path) {
        try (var in = Api.class.getResourceAsStream(path)) {
            if (in == null) {
                throw new IllegalArgumentException("missing test resource " + path);
            }
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
