package dev.aifunc.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import dev.aifunc.support.TestCredentials;
import dev.aifunc.usage.UsageRecorder;
import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import jakarta.inject.Inject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * API keys as a caller meets them: no key, a made-up key, a revoked key get 401; a key used outside its scope or
 * on the admin API gets 403; a new key works at once, by either header; its calls are counted under its id; its
 * secret is never shown again nor written to the log.
 */
@QuarkusTest
class ApiAccessTest {

    private static final String SENTIMENT = "keys-sentiment";
    private static final String OTHER = "keys-embedding";

    @Inject
    UsageRecorder recorder;

    @Inject
    AgroalDataSource dataSource;

    @BeforeEach
    void scenarios() {
        Api.awaitReady();
        Api.recreate(SENTIMENT, "review-sentiment", Map.of());
        Api.recreate(OTHER, "text-embedding", Map.of());
    }

    private static Response call(String scenario, String header, String value) {
        var request = given().contentType(ContentType.JSON).body(Map.of("text", "The zipper broke on the first day."));
        request = header == null ? request.header(TestCredentials.ANONYMOUS, "1") : request.header(header, value);
        return request.post("/api/scenarios/" + scenario + "/invoke");
    }

    private static JsonPath createKey(Map<String, Object> body) {
        return given().contentType(ContentType.JSON).body(body).post("/api/keys")
                .then().statusCode(201).header("Cache-Control", "no-store").extract().jsonPath();
    }

    @Test
    void keysAreCheckedScopedAndRevocable() throws Exception {
        call(SENTIMENT, null, null).then().statusCode(401)
                .contentType("application/problem+json")
                .header("WWW-Authenticate", containsString("Bearer"))
                .body("field", equalTo("Authorization"))
                .body("detail", containsString("API key"));
        call(SENTIMENT, "Authorization", "Bearer not-a-key").then().statusCode(401)
                .body("detail", containsString("unknown or revoked"));
        call(SENTIMENT, "X-API-Key", "afk_00000000_" + "A".repeat(43)).then().statusCode(401);
        call(SENTIMENT, "Authorization", "Token abc").then().statusCode(401)
                .body("detail", containsString("Bearer"));
        // the service's own warm-up credential is a secret of the process: a guessed one opens nothing
        given().contentType(ContentType.JSON).body(Map.of("text", "The zipper broke on the first day."))
                .header(TestCredentials.ANONYMOUS, "1").header(WarmupCredential.HEADER, "A".repeat(43))
                .post("/api/scenarios/" + SENTIMENT + "/invoke").then().statusCode(401);

        JsonPath created = createKey(Map.of("name", "shop frontend", "scenarios", List.of(SENTIMENT)));
        String key = created.getString("key");
        String id = created.getString("apiKey.id");
        assertTrue(key.startsWith("afk_" + id.substring(2) + "_"), key);
        assertEquals(List.of(SENTIMENT), created.getList("apiKey.scenarios"));

        // usable right away, by either header, and it answers like the function it is
        call(SENTIMENT, "Authorization", "Bearer " + key).then().statusCode(200).body("label", equalTo("negative"));
        call(SENTIMENT, "X-API-Key", key).then().statusCode(200).body("label", equalTo("negative"));

        // outside its scope, and on the admin API
        call(OTHER, "Authorization", "Bearer " + key).then().statusCode(403)
                .body("detail", containsString("'" + OTHER + "'")).body("detail", containsString(SENTIMENT));
        given().header("Authorization", "Bearer " + key).get("/api/scenarios").then().statusCode(403)
                .body("detail", containsString("admin API"));
        given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(Map.of("name", "mine"))
                .post("/api/keys").then().statusCode(403);

        // the secret is shown once: lists show the prefix only
        String list = given().get("/api/keys").then().statusCode(200).extract().asString();
        assertFalse(list.contains(key), "the list must not contain the secret");
        assertTrue(list.contains("afk_" + id.substring(2) + "_…"), list);

        // its calls are recorded under its public id (two answered calls; the 403 never reached the scenario)
        recorder.flush();
        assertEquals(2, usageRows(id));

        given().delete("/api/keys/" + id).then().statusCode(204);
        call(SENTIMENT, "Authorization", "Bearer " + key).then().statusCode(401);
        given().delete("/api/keys/k_ffffffff").then().statusCode(404);
        JsonPath revoked = given().get("/api/keys").then().extract().jsonPath();
        assertEquals("admin-key", revoked.getString("find { it.id == '" + id + "' }.revokedBy"));

        Path log = Path.of("target/quarkus-test.log");
        assertTrue(Files.exists(log), "the test profile logs to " + log);
        assertFalse(Files.readString(log).contains(key.substring(13)), "the key's secret must not be logged");
    }

    @Test
    void adminKeysAndAccountsReachTheAdminApi() {
        String admin = createKey(Map.of("name", "deploy script", "admin", true)).getString("key");
        given().header("Authorization", "Bearer " + admin).get("/api/scenarios").then().statusCode(200);
        call(OTHER, "X-API-Key", admin).then().statusCode(200);

        given().header(TestCredentials.ANONYMOUS, "1").get("/api/scenarios").then().statusCode(401)
                .header("WWW-Authenticate", containsString("Basic"));
        given().auth().preemptive().basic("admin", "test-admin-password").get("/api/scenarios").then().statusCode(200);
        given().auth().preemptive().basic("admin", "wrong-password").get("/api/scenarios").then().statusCode(401)
                .contentType("application/problem+json").body("detail", containsString("password"));
        // HTTP Basic does not open the portal: it signs in with its form only
        given().auth().preemptive().basic("admin", "test-admin-password").redirects().follow(false)
                .get("/admin").then().statusCode(302).header("Location", containsString("/admin/login"));
    }

    @Test
    void badKeyRequestsNameTheField() {
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "scenarios", List.of("no-such-scenario")))
                .post("/api/keys").then().statusCode(422).body("field", equalTo("scenarios"))
                .body("detail", containsString("no-such-scenario"));
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "ratePerSecond", -1)).post("/api/keys")
                .then().statusCode(422).body("field", equalTo("ratePerSecond"));
        given().contentType(ContentType.JSON).body(Map.of("name", "")).post("/api/keys")
                .then().statusCode(422).body("field", equalTo("name"));
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "ratePerSecond", 1, "burst", 0)).post("/api/keys")
                .then().statusCode(422).body("field", equalTo("burst")).body("limit", equalTo("1 to 1000000 requests"));
        // types are strict: no rounding, no strings for numbers, no 1 for true
        for (Map<String, Object> body : List.<Map<String, Object>>of(
                Map.of("name", "x", "ratePerSecond", 1, "burst", 1.5),
                Map.of("name", "x", "dailyQuota", 2.5),
                Map.of("name", "x", "ratePerSecond", "5"),
                Map.of("name", "x", "dailyQuota", 2147483648L * 1000),
                Map.of("name", "x", "admin", 1),
                Map.of("name", "x", "ratePerSecond", 1e-7))) {
            String field = body.keySet().stream().filter(k -> !k.equals("name") && !(k.equals("ratePerSecond")
                    && body.containsKey("burst"))).findFirst().orElseThrow();
            given().contentType(ContentType.JSON).body(body).post("/api/keys").then().statusCode(422)
                    .contentType("application/problem+json").body("field", equalTo(field));
        }
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "burst", 5)).post("/api/keys").then()
                .statusCode(422).body("field", equalTo("burst")).body("detail", containsString("needs a ratePerSecond"));
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "admin", true, "scenarios", List.of(SENTIMENT)))
                .post("/api/keys").then().statusCode(422).body("field", equalTo("scenarios"))
                .body("detail", containsString("admin key may call every scenario"));
        given().contentType(ContentType.JSON).body(Map.of("name", "x", "color", "red")).post("/api/keys").then()
                .statusCode(422).body("field", equalTo("color"));
        given().contentType(ContentType.JSON).body("[]").post("/api/keys").then().statusCode(422);
    }

    private long usageRows(String keyId) throws Exception {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT count(*) FROM invoke_usage WHERE api_key = ?")) {
            ps.setString(1, keyId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }
}
