package dev.aifunc.nlp;

import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** text-embedding and text-similarity on real models: shapes, unit length, and meaning-based ranking. */
@QuarkusTest
class EmbeddingAndSimilarityTest {

    @BeforeEach
    void ready() {
        Api.awaitReady();
    }

    @Test
    void englishAndChineseEmbeddings() {
        Api.recreate("embed", "text-embedding", Map.of());
        List<Float> en = Api.invoke("embed", Map.of("text", "My parcel never arrived."))
                .then().statusCode(200).header("X-Model", "minilm-l6-v2")
                .body("dimensions", equalTo(384)).body("embedding", hasSize(384)).body("model", equalTo("minilm-l6-v2"))
                .extract().path("embedding");
        double norm = Math.sqrt(en.stream().mapToDouble(f -> f * f).sum());
        assertTrue(Math.abs(norm - 1) < 1e-3, "embedding is unit length, got " + norm);
        Api.invoke("embed", Map.of("text", "我的包裹一直没有到。"))
                .then().statusCode(200).body("dimensions", equalTo(512)).body("model", equalTo("bge-small-zh-v1.5"));
        Api.invoke("embed", Map.of("text", "Great product 👍 très bien — 好评"))
                .then().statusCode(200).body("embedding", org.hamcrest.Matchers.not(org.hamcrest.Matchers.empty()));
    }

    @Test
    void similarityRanksByMeaning() {
        Api.recreate("similar", "text-similarity", Map.of());
        List<Float> scores = Api.invoke("similar", Map.of("source", "How do I get my money back?",
                        "targets", List.of("What is the weather tomorrow?", "Requesting a refund", "Football results")))
                .then().statusCode(200).body("scores", hasSize(3)).extract().path("scores");
        assertTrue(scores.get(1) > scores.get(0) + 0.2 && scores.get(1) > scores.get(2) + 0.2,
                "refund should be closest: " + scores);
    }

    @Test
    void batchKeepsOrderAndReportsItemErrors() {
        Api.recreate("embed-batch", "text-embedding", Map.of("language", "en"));
        io.restassured.RestAssured.given().contentType("application/json")
                .body(Map.of("inputs", List.of(Map.of("text", "first"), Map.of("text", 42), Map.of("text", "   "),
                        Map.of("text", "fourth"))))
                .when().post("/api/scenarios/embed-batch/invoke-batch")
                .then().statusCode(200)
                .body("outputs", hasSize(4))
                .body("outputs[0].dimensions", equalTo(384))
                .body("outputs[1].error.status", equalTo(422))
                .body("outputs[1].error.field", equalTo("inputs[1].text"))
                .body("outputs[2].error.status", equalTo(422))
                .body("outputs[3].dimensions", equalTo(384));
    }
}
