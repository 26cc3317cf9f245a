package dev.aifunc.nlp;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import dev.aifunc.support.UciSentiment;
import io.quarkus.test.junit.QuarkusTest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The {@code review-sentiment} preset, configured with nothing but a language, evaluated on the UCI "Sentiment
 * Labelled Sentences" (IMDb and Amazon, 2000 sentences it has never seen) through invoke-batch.
 */
@QuarkusTest
class ReviewSentimentTest {

    @BeforeEach
    void ready() {
        Api.awaitReady();
    }

    @Test
    void presetReachesNinetyPercentOnUciSentences() throws Exception {
        Api.recreate("reviews", "review-sentiment", Map.of());
        for (String file : List.of("imdb", "amazon")) {
            List<UciSentiment.Sentence> sentences = UciSentiment.load(file);
            int right = 0;
            for (int start = 0; start < sentences.size(); start += 64) {
                List<UciSentiment.Sentence> batch = sentences.subList(start, Math.min(sentences.size(), start + 64));
                List<Map<String, String>> inputs = batch.stream().map(s -> Map.of("text", s.text())).toList();
                List<String> labels = given().contentType("application/json").body(Map.of("inputs", inputs))
                        .when().post("/api/scenarios/reviews/invoke-batch")
                        .then().statusCode(200).extract().path("outputs.label");
                for (int i = 0; i < batch.size(); i++) {
                    String expected = batch.get(i).polarity() == 1 ? "positive" : "negative";
                    right += expected.equals(labels.get(i)) ? 1 : 0;
                }
            }
            double accuracy = right / (double) sentences.size();
            System.out.printf("review-sentiment on UCI %s: accuracy %.4f (%d/%d)%n", file, accuracy, right, sentences.size());
            assertTrue(accuracy >= 0.90, "accuracy on " + file + " is " + accuracy + ", below 0.90");
        }
    }

    @Test
    void chineseReviewsToo() {
        Api.recreate("reviews-zh", "review-sentiment", Map.of());
        Api.invoke("reviews-zh", Map.of("text", "质量太差了，用了两天就坏了，客服也不理人。"))
                .then().statusCode(200).body("label", equalTo("negative")).header("X-Model", "bge-small-zh-v1.5");
        Api.invoke("reviews-zh", Map.of("text", "物流很快，包装精美，用起来非常顺手，推荐购买！"))
                .then().statusCode(200).body("label", equalTo("positive"));
    }
}
