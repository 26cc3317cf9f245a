package dev.aifunc.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The admin portal: signing in (form login against the bcrypt-hashed account created at start-up), the start page
 * with scenarios and templates, and signing out.
 */
@QuarkusTest
class AdminPageTest {

    /** Signs in as the test profile's admin and returns the session cookie. */
    static String signIn() {
        Response r = given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("j_username", "admin").formParam("j_password", "test-admin-password")
                .post("/j_security_check");
        assertEquals(302, r.statusCode(), r.asString());
        String cookie = r.getCookie("aifunc-session");
        assertNotNull(cookie, "a session cookie after signing in");
        return cookie;
    }

    @Test
    void signedOutVisitorsAreSentToTheSignInForm() {
        given().redirects().follow(false).get("/admin").then().statusCode(302).header("Location", endsWith("/admin/login"));
        given().get("/admin/login").then().statusCode(200).contentType("text/html")
                .body(containsString("name=\"j_username\"")).body(containsString("type=\"password\""));
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded")
                .formParam("j_username", "admin").formParam("j_password", "wrong-password")
                .post("/j_security_check").then().statusCode(302).header("Location", containsString("error=true"));
        given().get("/admin/login?error=true").then().statusCode(200).body(containsString("do not match"));
        // broken sign-in posts end on the same form, never as a 500 or a 404
        given().redirects().follow(false).urlEncodingEnabled(false).contentType("application/x-www-form-urlencoded")
                .body("j_username=ad%00min&j_password=x").post("/j_security_check")
                .then().statusCode(302).header("Location", containsString("error=true"));
        given().redirects().follow(false).post("/j_security_check")
                .then().statusCode(302).header("Location", containsString("error=true"));
        given().redirects().follow(false).contentType("application/json").body("{}").post("/j_security_check")
                .then().statusCode(302).header("Location", containsString("error=true"));
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded").formParam("j_username", "admin")
                .post("/j_security_check").then().statusCode(302).header("Location", containsString("error=true"));
    }

    @Test
    void listsScenariosAndTemplatesAfterSigningInAndSignsOut() {
        Api.awaitReady();
        Api.recreate("admin-listed", "text-embedding", Map.of());
        String session = signIn();
        given().cookie("aifunc-session", session).get("/admin").then().statusCode(200).contentType("text/html")
                .body(containsString("Signed in as <strong>admin</strong>"))
                .body(containsString("href=\"/admin/scenarios/new?template=review-sentiment\""))
                .body(containsString("admin-listed"))
                .body(containsString("POST /api/scenarios/admin-listed/invoke"))
                .body(containsString("FAQ matching"))
                .body(containsString("Review sentiment"))
                // the gallery groups templates by kind and shows their input and output fields
                .body(containsString("id=\"kind-vision\"")).body(containsString("id=\"kind-nlp\""))
                .body(containsString("id=\"kind-recommendation\""))
                .body(containsString("<li>question: string, required</li>"))
                .body(containsString("<li>strategy: one of personalized | popular, required</li>"));
        // the scenario page: how to call it, with the real URL and the template's example, and its versions
        String page = given().cookie("aifunc-session", session).get("/admin/scenarios/admin-listed").then()
                .statusCode(200).extract().asString()
                .replace("&#39;", "'").replace("&quot;", "\"").replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&");
        org.junit.jupiter.api.Assertions.assertTrue(page.contains("/api/scenarios/admin-listed/invoke' "
                + "-H \"Authorization: Bearer $AIFUNC_API_KEY\" -H 'Content-Type: application/json' "
                + "-d '{\"text\":\"My parcel never arrived.\"}'"), "curl snippet");
        // the generated-client snippet calls the scenario's own typed method
        org.junit.jupiter.api.Assertions.assertTrue(page.contains("AdminListedOutput result = scenarios.adminListed("
                + "new AdminListedInput()\n        .text(\"My parcel never arrived.\"))"), "SDK snippet");
        org.junit.jupiter.api.Assertions.assertTrue(page.contains("json.dumps({\"text\": \"My parcel never arrived.\"})"),
                "python snippet");
        org.junit.jupiter.api.Assertions.assertTrue(page.contains("<span class=\"active\">active</span>"), "active version");
        given().cookie("aifunc-session", session).get("/admin/scenarios/no-such-scenario").then().statusCode(404);

        // a second version: the page shows what changed, and v1 can be activated again (rollback)
        given().contentType("application/json").body(Map.of("name", "admin-listed", "config", Map.of("language", "zh")))
                .put("/api/scenarios/admin-listed").then().statusCode(200);
        String diff = given().cookie("aifunc-session", session).get("/admin/scenarios/admin-listed").then().statusCode(200)
                .extract().asString().replace("&quot;", "\"");
        org.junit.jupiter.api.Assertions.assertTrue(diff.contains("What changed from v1 to v2"), "diff heading");
        org.junit.jupiter.api.Assertions.assertTrue(diff.contains("<tr class=\"diff-added\"><td><code>language</code></td><td>added</td><td></td><td><code>\"zh\"</code></td></tr>"),
                "the added language field");
        String token = dev.aifunc.support.Portal.csrfToken(session, "/admin/scenarios/admin-listed");
        given().redirects().follow(false).cookie("aifunc-session", session).contentType("application/x-www-form-urlencoded")
                .formParam("csrf-token", token).formParam("version", 1).post("/admin/scenarios/admin-listed/activate")
                .then().statusCode(303).header("Location", endsWith("/admin/scenarios/admin-listed?activated=1"));
        given().get("/api/scenarios/admin-listed").then().statusCode(200).body("version", org.hamcrest.Matchers.equalTo(1));
        Response out = given().redirects().follow(false).cookie("aifunc-session", session)
                .contentType("application/x-www-form-urlencoded").formParam("csrf-token", token).post("/admin/logout");
        assertEquals(303, out.statusCode());
        assertEquals("", out.getCookie("aifunc-session"), "the session cookie is cleared");
    }
}
