package dev.aifunc.nlp;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasKey;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Few-shot (5 examples per label) and zero-shot (label descriptions) classification on unseen texts. */
@QuarkusTest
class TextClassificationTest {

    private final ObjectMapper mapper = new ObjectMapper();

    @BeforeEach
    void ready() {
        Api.awaitReady();
    }

    @Test
    void fewShotRoutesSupportTickets() throws Exception {
        JsonNode data = mapper.readTree(Api.resource("/nlp/tickets-fewshot.json"));
        Api.recreate("ticket-routing", "text-classification",
                Map.of("language", "en", "examples", mapper.convertValue(data.get("examples"), List.class)));
        double accuracy = accuracy("ticket-routing", data.get("tests"));
        assertTrue(accuracy >= 0.9, "few-shot accuracy " + accuracy);
        Api.invoke("ticket-routing", Map.of("text", "I was billed twice for one order"))
                .then().statusCode(200)
                .body("label", equalTo("billing"))
                .body("scores", hasKey("delivery"))
                .body("nearestExamples[0].label", equalTo("billing"));
    }

    @Test
    void zeroShotUsesLabelDescriptions() throws Exception {
        JsonNode data = mapper.readTree(Api.resource("/nlp/zeroshot.json"));
        Api.recreate("news-topics", "text-classification",
                Map.of("language", "en", "labels", mapper.convertValue(data.get("labels"), List.class)));
        double accuracy = accuracy("news-topics", data.get("tests"));
        assertTrue(accuracy >= 0.9, "zero-shot accuracy " + accuracy);
    }

    @Test
    void thresholdTurnsUnsureAnswersIntoNull() {
        Api.recreate("strict-topics", "text-classification", Map.of("language", "en", "threshold", 0.99,
                "labels", List.of(Map.of("name", "sports"), Map.of("name", "cooking"))));
        Api.invoke("strict-topics", Map.of("text", "The quarterly report is due on Friday."))
                .then().statusCode(200).body("label", equalTo(null));
    }

    private double accuracy(String id, JsonNode tests) {
        int right = 0;
        List<String> misses = new ArrayList<>();
        for (JsonNode t : tests) {
            String label = Api.invoke(id, Map.of("text", t.get("text").asText()))
                    .then().statusCode(200).extract().path("label");
            if (t.get("label").asText().equals(label)) {
                right++;
            } else {
                misses.add(t.get("text").asText() + " -> " + label);
            }
        }
        double accuracy = right / (double) tests.size();
        System.out.printf("%s: accuracy %.3f (%d/%d), misses %s%n", id, accuracy, right, tests.size(), misses);
        return accuracy;
    }
}
