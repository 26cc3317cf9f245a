package dev.aifunc.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.hamcrest.Matchers.startsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import io.restassured.response.Response;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;

/**
 * The smaller holes a hostile tester found: what a response echoes (Host in Location), what the portal's pages and
 * cookie carry, the body of a cross-origin refusal, made-up paths in the metrics, text the database cannot hold
 * (lone surrogates, NUL), and how much of the machine one API key can take at once.
 */
@QuarkusTest
class TrustBoundariesTest {

    @Test
    void locationsNeverEchoTheHostHeader() {
        given().header("Host", "evil.example").contentType(ContentType.JSON)
                .body(Map.of("id", "no-host-echo", "template", "text-embedding", "name", "n"))
                .when().delete("/api/scenarios/no-host-echo");
        Response created = given().header("Host", "evil.example").contentType(ContentType.JSON)
                .body(Map.of("id", "no-host-echo", "template", "text-embedding", "name", "n"))
                .when().post("/api/scenarios");
        created.then().statusCode(201).header("Location", equalTo("/api/scenarios/no-host-echo"));
        given().header("Host", "evil.example").redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .body("j_username=admin&j_password=test-admin-password").post("/j_security_check")
                .then().statusCode(302).header("Location", startsWith("/admin"));
    }

    @Test
    void portalPagesAndTheSessionCookieCarryTheirProtections() {
        given().get("/admin/login").then().statusCode(200)
                .header("Content-Security-Policy", containsString("frame-ancestors 'none'"))
                .header("X-Frame-Options", "DENY").header("X-Content-Type-Options", "nosniff")
                .header("Referrer-Policy", "same-origin");
        Response signIn = given().redirects().follow(false).header("X-Forwarded-Proto", "https")
                .contentType("application/x-www-form-urlencoded")
                .body("j_username=admin&j_password=test-admin-password").post("/j_security_check");
        String cookie = signIn.headers().getValues("Set-Cookie").stream().filter(c -> c.startsWith("aifunc-session="))
                .findFirst().orElseThrow();
        assertTrue(cookie.contains("; Secure"), cookie);
        assertTrue(cookie.toLowerCase(java.util.Locale.ROOT).contains("httponly"), cookie);
        // over plain HTTP (local use) the cookie must still work, so it is not marked Secure
        String plain = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .body("j_username=admin&j_password=test-admin-password").post("/j_security_check")
                .headers().getValues("Set-Cookie").stream().filter(c -> c.startsWith("aifunc-session="))
                .findFirst().orElseThrow();
        assertFalse(plain.contains("; Secure"), plain);
    }

    @Test
    void aCrossOriginRefusalIsAProblem() {
        given().header("Origin", "http://evil.example").contentType("text/plain").body("x")
                .post("/api/scenarios/anything/versions/1/activate")
                .then().statusCode(403).contentType("application/problem+json").body("field", equalTo("Origin"))
                .body("detail", containsString("other sites"));
    }

    @Test
    void madeUpPathsDoNotFillTheMetrics() {
        given().get("/api/scenarios").then().statusCode(200);
        for (int i = 0; i < 150; i++) {
            given().urlEncodingEnabled(false).get("/api/scen;card" + i);
            given().get("/api/no-such-route-" + i);
        }
        String metrics = given().get("/q/metrics").then().statusCode(200).extract().asString();
        assertFalse(metrics.contains("card1"), "no raw made-up path among the URI tags");
        assertFalse(metrics.contains("no-such-route"), "no raw made-up path among the URI tags");
        assertTrue(metrics.contains("uri=\"/api/scenarios\""), "real routes are still recorded: "
                + metrics.lines().filter(l -> l.startsWith("http_server_requests_seconds_count")).toList());
    }

    @Test
    void anEncodedSlashCannotMakeAnAdminPathLookLikeACall() {
        Api.recreate("slash-scope", "text-embedding", Map.of());
        String key = given().contentType(ContentType.JSON).body(Map.of("name", "scoped", "scenarios",
                List.of("slash-scope"))).post("/api/keys").then().statusCode(201).extract().path("key");
        // decoded, this reads /api/scenarios/slash-scope/invoke; the router sees scenario "slash-scope/invoke"
        given().urlEncodingEnabled(false).header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body(Map.of("name", "taken over", "config", Map.of())).put("/api/scenarios/slash-scope%2Finvoke")
                .then().statusCode(403).contentType("application/problem+json");
        given().urlEncodingEnabled(false).header("Authorization", "Bearer " + key).contentType(ContentType.JSON)
                .body(Map.of("text", "hello")).post("/api/scenarios/slash-scope%2Fx/invoke")
                .then().statusCode(403);
        given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(Map.of("text", "hello"))
                .post("/api/scenarios/slash-scope/invoke").then().statusCode(200);
    }

    @Test
    void metricsNeedTheScrapeTokenOrTheAdminKey() {
        given().header(dev.aifunc.support.TestCredentials.ANONYMOUS, "yes").get("/q/metrics")
                .then().statusCode(401).contentType("application/problem+json").header("WWW-Authenticate", startsWith("Bearer"));
        given().header("Authorization", "Bearer not-the-token").get("/q/metrics").then().statusCode(401);
        given().header("Authorization", "Bearer test-metrics-token-for-the-test-suite").get("/q/metrics")
                .then().statusCode(200).body(containsString("aifunc_"));
        given().get("/q/metrics").then().statusCode(200); // the operator admin key
        given().header(dev.aifunc.support.TestCredentials.ANONYMOUS, "yes").get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void textTheDatabaseCannotHoldIsRefusedUpFront() {
        Api.recreate("lone-surrogates", "text-embedding", Map.of());
        given().contentType(ContentType.JSON).body("{\"text\":\"broken \\ud800 half\"}")
                .post("/api/scenarios/lone-surrogates/invoke")
                .then().statusCode(400).contentType("application/problem+json").body("detail", containsString("surrogate"));
        given().contentType(ContentType.JSON).body("{\"text\":\"a low half alone \\udc00\"}")
                .post("/api/scenarios/lone-surrogates/invoke").then().statusCode(400);
        given().contentType(ContentType.JSON).body("{\"id\":\"x\\ud800\",\"template\":\"text-embedding\",\"name\":\"n\"}")
                .post("/api/scenarios").then().statusCode(400);
        // a character outside the BMP, escaped as its pair, or escaped backslashes before a u, are fine
        given().contentType(ContentType.JSON).body("{\"text\":\"smile \\ud83d\\ude00 and \\\\ud800 as text\"}")
                .post("/api/scenarios/lone-surrogates/invoke").then().statusCode(200);

        Api.recreate("nul-evaluation", "review-sentiment", Map.of());
        given().contentType("application/x-ndjson")
                .body("{\"text\":\"great\",\"label\":\"positive\"}\n{\"text\":\"bad\\u0000\",\"label\":\"negative\"}\n"
                        .getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .post("/api/scenarios/nul-evaluation/evaluate")
                .then().statusCode(422).contentType("application/problem+json")
                .body(containsString("NUL")).body(not(containsString("\"status\":201")));
        given().get("/api/scenarios/nul-evaluation/evaluations").then().statusCode(200).body("size()", equalTo(0));
    }

    @Test
    void oneKeyCannotTakeEveryPlace() throws Exception {
        Api.recreate("heavy-similarity", "text-similarity", Map.of());
        String key = given().contentType(ContentType.JSON).body(Map.of("name", "greedy", "scenarios",
                List.of("heavy-similarity"))).post("/api/keys").then().statusCode(201).extract().path("key");
        String other = given().contentType(ContentType.JSON).body(Map.of("name", "patient", "scenarios",
                List.of("heavy-similarity"))).post("/api/keys").then().statusCode(201).extract().path("key");
        // 48 long targets: each call runs the model on about 12,000 tokens, seconds when eight share two cores
        List<String> targets = new ArrayList<>(Collections.nCopies(48,
                "a long sentence about parcels, refunds and opening hours ".repeat(40)));
        Map<String, Object> heavy = Map.of("source", "where is my parcel", "targets", targets);
        java.util.concurrent.ExecutorService clients = java.util.concurrent.Executors.newFixedThreadPool(8);
        List<CompletableFuture<Integer>> running = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            running.add(CompletableFuture.supplyAsync(() -> call(key, heavy).statusCode(), clients));
        }
        Thread.sleep(1500);
        Response ninth = call(key, Map.of("source", "a", "targets", List.of("b")));
        assertEquals(429, ninth.statusCode(), ninth.asString());
        ninth.then().contentType("application/problem+json").header("Retry-After", "1")
                .body("limit", equalTo("8 calls in progress"));
        // another key is not held back by the first one's calls
        call(other, Map.of("source", "a", "targets", List.of("b"))).then().statusCode(200);
        for (CompletableFuture<Integer> f : running) {
            assertEquals(200, f.get());
        }
        clients.shutdown();
        call(key, Map.of("source", "a", "targets", List.of("b"))).then().statusCode(200)
                .body("scores.size()", equalTo(1));
    }

    private static Response call(String key, Object body) {
        return given().header("Authorization", "Bearer " + key).contentType(ContentType.JSON).body(body)
                .post("/api/scenarios/heavy-similarity/invoke");
    }
}
