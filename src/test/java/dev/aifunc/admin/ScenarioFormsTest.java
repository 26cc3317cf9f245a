package dev.aifunc.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import dev.aifunc.support.Portal;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The portal's forms over real HTTP: CSRF tokens on every changing form, creating and editing a scenario from the
 * form generated from the template's config schema (with inline errors), and the playground running real models.
 */
@QuarkusTest
class ScenarioFormsTest {

    @Test
    void formsWithoutAValidCsrfTokenAreRejected() {
        Api.recreate("csrf-target", "text-embedding", java.util.Map.of());
        String session = Portal.signIn();
        String token = Portal.csrfToken(session, "/admin/scenarios/csrf-target");
        // no token, a made-up one, and the real one with its signature altered: all 403, and nothing changes
        for (String bad : new String[] {null, "1796000000.AAAA", tampered(token)}) {
            var request = given().redirects().follow(false).cookie(Portal.SESSION, session)
                    .contentType("application/x-www-form-urlencoded").formParam("id", "csrf-made")
                    .formParam("template", "text-embedding").formParam("name", "made");
            if (bad != null) {
                request.formParam("csrf-token", bad);
            }
            request.post("/admin/scenarios/new").then().statusCode(403)
                    .contentType("application/problem+json").body("field", equalTo("csrf-token"));
        }
        given().get("/api/scenarios/csrf-made").then().statusCode(404);
        given().redirects().follow(false).cookie(Portal.SESSION, session).contentType("application/x-www-form-urlencoded")
                .formParam("version", 1).post("/admin/scenarios/csrf-target/activate").then().statusCode(403);
        given().redirects().follow(false).cookie(Portal.SESSION, session).multiPart("input.text", "hello")
                .post("/admin/scenarios/csrf-target/playground").then().statusCode(403);
        given().redirects().follow(false).cookie(Portal.SESSION, session).post("/admin/logout").then().statusCode(403);
        // signed out, the form is not even reached: the visitor is sent to sign in
        given().redirects().follow(false).contentType("application/x-www-form-urlencoded").formParam("csrf-token", token)
                .post("/admin/scenarios/new").then().statusCode(302).header("Location", endsWith("/admin/login"));
        // the public API is not a portal form: JSON and multipart invokes need no token
        Api.invoke("csrf-target", java.util.Map.of("text", "hello")).then().statusCode(200);
    }

    /**
     * The token with the first character of its signature changed. (Not the last one: the last base64 character of
     * a 32-byte HMAC carries 2 unused bits, so some changes to it decode to the same bytes and the token stays valid.)
     */
    private static String tampered(String token) {
        int at = token.lastIndexOf('.') + 1;
        char c = token.charAt(at);
        return token.substring(0, at) + (c == 'A' ? 'Q' : 'A') + token.substring(at + 1);
    }

    @Test
    void createsAScenarioFromTheGeneratedFormAndShowsErrorsInline() {
        given().delete("/api/scenarios/form-tickets");
        String session = Portal.signIn();
        String form = given().cookie(Portal.SESSION, session).get("/admin/scenarios/new?template=text-classification")
                .then().statusCode(200).extract().asString();
        // the controls come from the config schema: an enum drop-down, a number with its limits, a table of rows
        assertTrue(form.contains("<select id=\"config-language\" name=\"config.language\""), "language drop-down");
        assertTrue(form.contains("name=\"config.threshold\"") && form.contains("min=\"0\"") && form.contains("max=\"1\""),
                "threshold with its limits");
        assertTrue(form.contains("name=\"config.labels[0].name\"") && form.contains("name=\"config.labels[0].description\""),
                "label rows");
        assertTrue(form.contains("<option value=\"bge-small-en-v1.5\">"), "model packs to choose from");
        String token = Portal.csrfToken(session, "/admin/scenarios/new?template=text-classification");

        // a threshold over its maximum and a bad id: 422, the form again, each message beside its field
        String invalid = given().cookie(Portal.SESSION, session).contentType("application/x-www-form-urlencoded")
                .formParam("csrf-token", token).formParam("template", "text-classification")
                .formParam("id", "Form Tickets!").formParam("name", "Tickets")
                .formParam("config.threshold", "1.5").formParam("config.labels[0].name", "delivery")
                .post("/admin/scenarios/new").then().statusCode(422).extract().asString();
        String text = Portal.unescape(invalid);
        assertTrue(text.contains("id=\"error-scenario-id\" role=\"alert\">The id must be 2-64 characters"), "id message");
        Matcher threshold = Pattern.compile("id=\"error-config-threshold\" role=\"alert\">([^<]+)<").matcher(text);
        assertTrue(threshold.find(), "threshold message beside the threshold field");
        assertTrue(threshold.group(1).contains("1"), threshold.group(1));
        assertTrue(text.contains("value=\"delivery\""), "what was typed is kept");

        // fixed: 303 to the scenario page, and the API serves exactly what the form said
        Response created = given().redirects().follow(false).cookie(Portal.SESSION, session)
                .contentType("application/x-www-form-urlencoded").formParam("csrf-token", token)
                .formParam("template", "text-classification").formParam("id", "form-tickets")
                .formParam("name", "Tickets").formParam("description", "Routes support tickets")
                .formParam("config.language", "en").formParam("config.threshold", "0.2")
                .formParam("config.labels[0].name", "delivery")
                .formParam("config.labels[0].description", "The parcel is late, lost or was never delivered.")
                .formParam("config.labels[1].name", "billing")
                .formParam("config.labels[1].description", "Invoices, refunds, charges and payment problems.")
                .formParam("config.labels[2].name", "").formParam("config.labels[2].description", "")
                .post("/admin/scenarios/new");
        assertEquals(303, created.statusCode(), created.asString());
        assertTrue(created.header("Location").endsWith("/admin/scenarios/form-tickets?saved=1"));
        given().get("/api/scenarios/form-tickets").then().statusCode(200)
                .body("version", equalTo(1)).body("description", equalTo("Routes support tickets"))
                .body("config.language", equalTo("en")).body("config.threshold", equalTo(0.2f))
                .body("config.labels.name", equalTo(List.of("delivery", "billing")));
        Api.invoke("form-tickets", java.util.Map.of("text", "I was charged twice for one order"))
                .then().statusCode(200).body("label", equalTo("billing"));
        given().cookie(Portal.SESSION, session).get("/admin/scenarios/form-tickets?saved=1").then().statusCode(200)
                .body(containsString("Scenario created."));
    }

    @Test
    void editingSavesANewVersionAndAStaleFormIsRefused() {
        Api.recreate("form-edit", "review-sentiment", java.util.Map.of());
        String session = Portal.signIn();
        String form = given().cookie(Portal.SESSION, session).get("/admin/scenarios/form-edit/edit")
                .then().statusCode(200).extract().asString();
        String token = Portal.csrfToken(session, "/admin/scenarios/form-edit/edit");
        Matcher found = Pattern.compile("name=\"etag\" value=\"([^\"]+)\"").matcher(form);
        assertTrue(found.find(), "the form remembers the version it started from");
        String etag = Portal.unescape(found.group(1));
        assertEquals("\"0\"", etag);
        // review-sentiment ships its labels and examples: empty rows keep them, the form says so
        assertTrue(form.contains("shipped rows"), "the template's shipped rows are explained");

        Response saved = given().redirects().follow(false).cookie(Portal.SESSION, session)
                .contentType("application/x-www-form-urlencoded").formParam("csrf-token", token)
                .formParam("etag", etag).formParam("name", "Sentiment").formParam("config.threshold", "0.9")
                .post("/admin/scenarios/form-edit/edit");
        assertEquals(303, saved.statusCode(), saved.asString());
        assertTrue(saved.header("Location").endsWith("?saved=2"));
        given().get("/api/scenarios/form-edit").then().body("version", equalTo(2)).body("name", equalTo("Sentiment"))
                .body("config.threshold", equalTo(0.9f));

        // the same (now stale) form sent again: 412 with a plain-language message, and no v3
        String stale = given().cookie(Portal.SESSION, session).contentType("application/x-www-form-urlencoded")
                .formParam("csrf-token", token).formParam("etag", etag).formParam("name", "Sentiment")
                .formParam("config.threshold", "0.1").post("/admin/scenarios/form-edit/edit")
                .then().statusCode(412).extract().asString();
        assertTrue(stale.contains("Someone saved this scenario after you opened the form"), stale);
        given().get("/api/scenarios/form-edit").then().body("latestVersion", equalTo(2));
    }

    @Test
    void thePlaygroundRunsTextAndImageScenariosAndDrawsTheAnswer() throws Exception {
        Api.awaitReady();
        Api.recreate("play-sentiment", "review-sentiment", java.util.Map.of());
        Api.recreate("play-ocr", "ocr", java.util.Map.of());
        Api.recreate("play-faces", "face-anonymization", java.util.Map.of());
        String session = Portal.signIn();
        String token = Portal.csrfToken(session, "/admin/scenarios/play-sentiment/playground");

        String sentiment = given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .multiPart("input.text", "Awful quality, it fell apart after one day and nobody answered my emails.")
                .post("/admin/scenarios/play-sentiment/playground").then().statusCode(200).extract().asString();
        assertTrue(sentiment.contains("id=\"result-headline\">negative</p>"), "the predicted label, for people");
        assertTrue(sentiment.contains("class=\"bar winner\" role=\"img\" aria-label=\"negative: 0."), "score bars");
        assertTrue(Portal.unescape(sentiment).contains("\"label\" : \"negative\""), "raw JSON beside it");

        // no file chosen: the template's example receipt is read, lines listed and drawn as polygons
        String ocr = Portal.unescape(given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .post("/admin/scenarios/play-ocr/playground").then().statusCode(200).extract().asString());
        assertTrue(ocr.contains("template's example image was used"), "says which image was read");
        assertTrue(ocr.contains("<strong>TOTAL EUR</strong>") || ocr.contains("TOTAL EUR 12.80"), ocr);
        assertTrue(ocr.contains("<polygon points=\""), "boxes over the image");

        // a real photo uploaded as a file: one face, its box drawn over the photo
        byte[] astronaut = Files.readAllBytes(Path.of("/usr/lib/python3/dist-packages/skimage/data/astronaut.png"));
        String faces = given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .multiPart("input.image", "astronaut.png", astronaut, "image/png")
                .post("/admin/scenarios/play-faces/playground").then().statusCode(200).extract().asString();
        assertTrue(faces.contains("id=\"result-headline\">1 face found</p>"), "one face");
        assertTrue(faces.contains("viewBox=\"0 0 512 512\""), "drawn in the photo's own pixels");

        // a file that is no image: the page says so in words (and the service keeps serving)
        String notImage = given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .multiPart("input.image", "notes.txt", "just text".getBytes(), "text/plain")
                .post("/admin/scenarios/play-faces/playground").then().statusCode(415).extract().asString();
        assertTrue(notImage.contains("The scenario refused this input: "), notImage);
        // a chosen file that is empty is said to be empty (the example image is only for no file at all)
        String empty0 = given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .multiPart("input.image", "blank.png", new byte[0], "image/png")
                .post("/admin/scenarios/play-faces/playground").then().statusCode(422).extract().asString();
        assertTrue(Portal.unescape(empty0).contains("The file 'blank.png' is empty"), empty0);
        // an empty text: the input schema's limit, beside the field
        String empty = given().cookie(Portal.SESSION, session).multiPart("csrf-token", token).multiPart("input.text", "")
                .post("/admin/scenarios/play-sentiment/playground").then().statusCode(422).extract().asString();
        assertTrue(empty.contains("id=\"error-input-text\""), "message beside the text field");
    }

    @Test
    void browsersGetErrorPagesInPlainWordsAndApiClientsGetProblems() {
        String session = Portal.signIn();
        given().cookie(Portal.SESSION, session).accept("text/html,application/xhtml+xml").get("/admin/scenarios/gone-away")
                .then().statusCode(404).contentType("text/html")
                .body(containsString("<h2 id=\"error-title\">Not found</h2>"))
                .body(containsString("No scenario &#39;gone-away&#39;."))
                .body(containsString("href=\"/admin\">Back to the scenarios</a>"));
        given().cookie(Portal.SESSION, session).accept("text/html").contentType("application/x-www-form-urlencoded")
                .formParam("version", "1").post("/admin/scenarios/gone-away/activate")
                .then().statusCode(403).contentType("text/html").body(containsString("This action was not allowed"));
        given().cookie(Portal.SESSION, session).accept("*/*").get("/admin/scenarios/gone-away") // curl's default
                .then().statusCode(404).contentType("application/problem+json").body("status", equalTo(404));
        given().cookie(Portal.SESSION, session).accept("text/html").get("/admin/templates-that-do-not-exist")
                .then().statusCode(404).contentType("text/html");
    }
}
