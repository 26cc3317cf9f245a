package dev.aifunc.security;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

/**
 * Wrong passwords stop being checked: the test profile locks an account after 3 failures (refilling one every 2 s);
 * then even the right password gets 429 with Retry-After, and the lock is in the audit log.
 */
@QuarkusTest
class SignInLimitTest {

    private static final String PASSWORD = "test-admin-password";

    @Test
    void anAccountIsLockedAfterRepeatedWrongPasswordsAndUnlocksAfterRetryAfter() throws Exception {
        // other tests may have spent some of the account's failures already: at most 3 wrong passwords are checked
        int checked = 0;
        while (given().auth().preemptive().basic("admin", "guess-" + checked).get("/api/scenarios").statusCode() == 401) {
            checked++;
            org.junit.jupiter.api.Assertions.assertTrue(checked <= 3, "the 4th wrong password must not be checked");
        }
        Response locked = given().auth().preemptive().basic("admin", PASSWORD).get("/api/scenarios");
        locked.then().statusCode(429).contentType("application/problem+json")
                .body("detail", containsString("account 'admin'")).body("field", equalTo("Authorization"));
        long retryAfter = Long.parseLong(locked.header("Retry-After"));
        Thread.sleep(retryAfter * 1000 + 200);
        given().auth().preemptive().basic("admin", PASSWORD).get("/api/scenarios").then().statusCode(200);
        given().auth().preemptive().basic("admin", PASSWORD).get("/api/audit?limit=50").then().statusCode(200)
                .body("action", hasItem("auth.locked"));
    }
}
