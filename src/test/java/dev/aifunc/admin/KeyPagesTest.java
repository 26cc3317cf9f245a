package dev.aifunc.admin;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import dev.aifunc.support.Portal;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The portal's API keys page over real HTTP: a bad form is shown again with the error beside its field and nothing
 * is created; a good one shows the key once, and the key calls the scenario it was scoped to.
 */
@QuarkusTest
class KeyPagesTest {

    @Test
    void createShowsTheKeyOnceAndErrorsByField() {
        Api.awaitReady();
        Api.recreate("page-keys", "text-embedding", Map.of());
        String session = Portal.signIn();
        String token = Portal.csrfToken(session, "/admin/keys");

        String refused = Portal.unescape(given().cookie(Portal.SESSION, session).contentType("application/x-www-form-urlencoded")
                .formParam("csrf-token", token).formParam("name", "bad rate").formParam("ratePerSecond", "fast")
                .post("/admin/keys").then().statusCode(422).extract().asString());
        assertTrue(refused.contains("must be a number, got 'fast'"), refused);
        assertTrue(refused.contains("value=\"bad rate\""), "the form keeps what was typed");
        assertFalse(given().get("/api/keys").asString().contains("bad rate"), "nothing was created");

        String created = Portal.unescape(given().cookie(Portal.SESSION, session).contentType("application/x-www-form-urlencoded")
                .formParam("csrf-token", token).formParam("name", "page key").formParam("scenarios", "page-keys")
                .formParam("admin", "no").post("/admin/keys").then().statusCode(201)
                .header("Cache-Control", org.hamcrest.Matchers.containsString("no-store")).extract().asString());
        Matcher m = Pattern.compile("id=\"new-key\">(afk_[0-9a-f]{8}_[A-Za-z0-9_-]{43})<").matcher(created);
        assertTrue(m.find(), created);
        String key = m.group(1);
        given().header("X-API-Key", key).contentType("application/json").body(Map.of("text", "hello"))
                .post("/api/scenarios/page-keys/invoke").then().statusCode(200);
        String again = given().cookie(Portal.SESSION, session).get("/admin/keys").then().statusCode(200).extract().asString();
        assertFalse(again.contains(key), "shown only on the page that created it");
        assertTrue(again.contains("page key"));

        // a name with quotes and markup stays text: the revoke confirmation is an attribute, not a script
        String hostile = "'+(document.title='PWNED')+'<b>";
        given().contentType("application/json").body(Map.of("name", hostile)).post("/api/keys").then().statusCode(201);
        String page = given().cookie(Portal.SESSION, session).get("/admin/keys").then().statusCode(200).extract().asString();
        assertFalse(page.contains("onsubmit"), "no inline handlers with data in them");
        assertFalse(page.contains("<b>"), "markup in a name is escaped");
        assertTrue(page.contains("data-confirm=\"Revoke key "), page);

        // without the CSRF token nothing is created
        given().cookie(Portal.SESSION, session).contentType("application/x-www-form-urlencoded")
                .formParam("name", "forged").post("/admin/keys").then().statusCode(403);
        assertFalse(given().get("/api/keys").asString().contains("forged"));
    }
}
