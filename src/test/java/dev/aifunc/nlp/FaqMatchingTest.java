package dev.aifunc.nlp;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * FAQ matching on hand-written shop FAQs (24 English, 20 Chinese pairs): differently worded questions must find the
 * right pair (at least 90%), off-topic questions must get {@code match: null}.
 */
@QuarkusTest
class FaqMatchingTest {

    @BeforeEach
    void ready() {
        Api.awaitReady();
    }

    @Test
    void englishFaqAnswersParaphrasesAndRejectsOffTopic() throws IOException {
        evaluate("shop-faq-en", "en", "/nlp/faq-en.csv", "/nlp/faq-en-queries.csv", "/nlp/offtopic-en.txt");
    }

    @Test
    void chineseFaqAnswersParaphrasesAndRejectsOffTopic() throws IOException {
        evaluate("shop-faq-zh", "zh", "/nlp/faq-zh.csv", "/nlp/faq-zh-queries.csv", "/nlp/offtopic-zh.txt");
    }

    @Test
    void inlineFaqInConfigWorksWithoutDataset() {
        Api.recreate("inline-faq", "faq-matching", Map.of("language", "en", "faq", List.of(
                Map.of("question", "How long does delivery take?", "answer", "Two to four working days."),
                Map.of("question", "Can I pay with PayPal?", "answer", "Yes, PayPal is accepted at checkout."))));
        Api.invoke("inline-faq", Map.of("question", "when will my order get to me?"))
                .then().statusCode(200)
                .header("X-Model", "bge-small-en-v1.5")
                .header("X-Scenario-Version", "1")
                .body("match.answer", equalTo("Two to four working days."));
    }

    private void evaluate(String id, String language, String faq, String queries, String offTopic) throws IOException {
        Api.recreate(id, "faq-matching", Map.of("language", language));
        given().contentType("text/csv; charset=UTF-8").body(Api.resource(faq))
                .when().put("/api/scenarios/" + id + "/datasets/faq")
                .then().statusCode(200);

        List<Map<String, String>> cases = readCsv(Api.resource(queries));
        int right = 0;
        List<String> misses = new ArrayList<>();
        for (Map<String, String> c : cases) {
            JsonPath out = Api.invoke(id, Map.of("question", c.get("query"))).then().statusCode(200).extract().jsonPath();
            String matched = out.getString("match.question");
            if (c.get("expected_question").equals(matched)) {
                right++;
            } else {
                misses.add(c.get("query") + " -> " + matched + " (" + out.getString("reason") + ", best "
                        + out.getString("alternatives[0].question") + " " + out.getString("alternatives[0].score")
                        + ", offTopic " + out.getString("offTopicScore") + ")");
            }
        }
        double accuracy = right / (double) cases.size();
        System.out.printf("FAQ %s: top-1 accuracy %.3f (%d/%d); misses: %s%n", language, accuracy, right, cases.size(), misses);
        assertTrue(accuracy >= 0.90, "top-1 accuracy " + accuracy + " below 0.90; misses: " + misses);

        List<String> wronglyAnswered = new ArrayList<>();
        List<String> lines = Api.resource(offTopic).lines().filter(l -> !l.isBlank()).toList();
        for (String q : lines) {
            JsonPath out = Api.invoke(id, Map.of("question", q)).then().statusCode(200).extract().jsonPath();
            if (out.get("match") != null) {
                wronglyAnswered.add(q + " -> " + out.getString("match.question") + " " + out.getString("match.score")
                        + " (offTopic " + out.getString("offTopicScore") + ")");
            }
        }
        System.out.printf("FAQ %s: off-topic answered %d/%d: %s%n", language, wronglyAnswered.size(), lines.size(), wronglyAnswered);
        assertEquals(List.of(), wronglyAnswered, "off-topic questions must get match: null");
    }

    static List<Map<String, String>> readCsv(String csv) throws IOException {
        try (MappingIterator<Map<String, String>> it = new CsvMapper().readerForMapOf(String.class)
                .with(CsvSchema.emptySchema().withHeader()).readValues(csv)) {
            return it.readAll();
        }
    }
}
