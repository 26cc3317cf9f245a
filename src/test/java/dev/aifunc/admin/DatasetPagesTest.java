package dev.aifunc.admin;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import dev.aifunc.support.Portal;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Datasets tab: uploads through the portal are as atomic as through the API, a refused file gets a row-level
 * report, a stored one is summarised with a sample, and the scenario answers from it right away.
 */
@QuarkusTest
class DatasetPagesTest {

    @Test
    void aBrokenFaqFileIsReportedRowByRowAndAGoodOneAnswersQuestions() {
        Api.awaitReady();
        Api.recreate("ds-faq", "faq-matching", Map.of("language", "en"));
        String session = Portal.signIn();
        String page = given().cookie(Portal.SESSION, session).get("/admin/scenarios/ds-faq/datasets")
                .then().statusCode(200).extract().asString();
        assertTrue(page.contains("id=\"summary-faq\">Nothing uploaded yet."), "empty state");
        assertTrue(page.contains("question,answer"), "an example file");
        String token = Portal.csrfToken(session, "/admin/scenarios/ds-faq/datasets");

        String broken = "question,answer\nHow long does delivery take?,Two to four working days.\nCan I pay by invoice?,\n";
        String refused = Portal.unescape(given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .multiPart("file", "faq.csv", broken.getBytes(StandardCharsets.UTF_8), "text/csv")
                .post("/admin/scenarios/ds-faq/datasets/faq").then().statusCode(422).extract().asString());
        assertTrue(refused.contains("Nothing was stored."), refused);
        assertTrue(refused.matches("(?s).*<tr><td>3</td><td>[^<]*'answer'[^<]*</td></tr>.*"),
                "line 3 and its blank answer, in the report: " + refused);
        given().get("/api/scenarios/ds-faq/datasets/faq").then().statusCode(404);

        String good = "question,answer\nHow long does delivery take?,Two to four working days.\n"
                + "Can I pay by invoice?,\"Yes, business customers can pay by invoice within 30 days.\"\n";
        String stored = Portal.unescape(given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .multiPart("file", "faq.csv", good.getBytes(StandardCharsets.UTF_8), "application/octet-stream")
                .post("/admin/scenarios/ds-faq/datasets/faq").then().statusCode(200).extract().asString());
        assertTrue(stored.contains("2 rows stored in 'faq'"), stored);
        assertTrue(stored.contains("<td class=\"cell\">Can I pay by invoice?</td>"), "a sample of the rows");
        Api.invoke("ds-faq", Map.of("question", "is paying with an invoice possible?")).then().statusCode(200)
                .body("match.answer", containsString("pay by invoice"));

        // headers as spreadsheets write them: capitals and spaces are fine, a column named twice or ';' are refused
        String spreadsheet = "Question , ANSWER\nDo you ship abroad?,\"Yes, to 30 countries.\"\n";
        given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .multiPart("file", "faq.csv", spreadsheet.getBytes(StandardCharsets.UTF_8), "text/csv")
                .post("/admin/scenarios/ds-faq/datasets/faq").then().statusCode(200).body(containsString("1 row stored"));
        given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .multiPart("file", "faq.csv", "question,answer,answer\nq,a,b\n".getBytes(StandardCharsets.UTF_8), "text/csv")
                .post("/admin/scenarios/ds-faq/datasets/faq").then().statusCode(422)
                .body(containsString("column &#39;answer&#39; appears twice in the header"));
        given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .multiPart("file", "faq.csv", "question;answer\nq;a\n".getBytes(StandardCharsets.UTF_8), "text/csv")
                .post("/admin/scenarios/ds-faq/datasets/faq").then().statusCode(422)
                .body(containsString("separated by &#39;;&#39;"));
        given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .multiPart("file", "faq.csv", new byte[] {(byte) 0x89, 'P', 'N', 'G', 13, 10, 26, 10, 0, 0}, "text/csv")
                .post("/admin/scenarios/ds-faq/datasets/faq").then().statusCode(422)
                .body(containsString("not UTF-8 text"));
        given().get("/api/scenarios/ds-faq/datasets/faq").then().body("rows", equalTo(1));

        // a file that is neither CSV nor JSON Lines: 415, said in words
        given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .multiPart("file", "faq.xlsx", new byte[] {1, 2, 3}, "application/vnd.ms-excel")
                .post("/admin/scenarios/ds-faq/datasets/faq").then().statusCode(415)
                .body(containsString("neither CSV"));
    }

    @Test
    void eventsUploadedAsCsvReachTheRecommender() {
        Api.recreate("ds-recs", "personalized-recommendations", Map.of());
        String session = Portal.signIn();
        String token = Portal.csrfToken(session, "/admin/scenarios/ds-recs/datasets");
        String csv = "userId,itemId,type,weight,timestamp,eventId\n"
                + "u1,film-a,view,1,2026-11-30T10:00:00Z,e1\n"
                + "u1,film-b,purchase,3,1764496800,e2\n"
                + "u2,film-a,view,1,2026-11-30T11:00:00Z,e3\n";
        String stored = given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .multiPart("file", "events.csv", csv.getBytes(StandardCharsets.UTF_8), "text/csv")
                .post("/admin/scenarios/ds-recs/datasets/events").then().statusCode(200).extract().asString();
        assertTrue(stored.contains("3 events stored"), stored);
        given().get("/api/scenarios/ds-recs/events").then().statusCode(200).body("events", equalTo(3))
                .body("users", equalTo(2));
        // the same file again: idempotent on eventId
        given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .multiPart("file", "events.csv", csv.getBytes(StandardCharsets.UTF_8), "text/csv")
                .post("/admin/scenarios/ds-recs/datasets/events").then().statusCode(200)
                .body(containsString("3 already known by their eventId were skipped"));
        // an event without a user on file line 3: nothing stored, the line and field named
        given().cookie(Portal.SESSION, session).multiPart("csrf-token", token)
                .multiPart("file", "events.csv", "userId,itemId\nu9,film-c\n,film-c\n".getBytes(StandardCharsets.UTF_8), "text/csv")
                .post("/admin/scenarios/ds-recs/datasets/events").then().statusCode(422)
                .body(org.hamcrest.Matchers.matchesPattern("(?s).*<tr><td>3</td><td><code>userId</code></td>.*"));
        given().get("/api/scenarios/ds-recs/events").then().body("events", equalTo(3));
    }
}
