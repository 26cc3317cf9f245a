package dev.aifunc.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.aifunc.task.ScenarioSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Recommendations (personalized-recommendations, similar-items): the expected {@code items} (the ids a user went on
 * to use, or that belong with an item) against the ids of the output's {@code items}, by {@link RankingMetrics} at
 * cut-off k. In JSON Lines {@code items} is an array of ids; in CSV one cell of ids separated by spaces, commas,
 * semicolons or {@code |}. A row is "right" when at least one expected item is in the top k (a hit).
 */
@ApplicationScoped
public class RankingScorer implements Scorer {

    @Override
    public Set<String> tasks() {
        return Set.of("collaborative", "item-similarity");
    }

    @Override
    public String expectedColumn() {
        return "items";
    }

    @Override
    public JsonNode expected(JsonNode cell) {
        ArrayNode ids = JsonNodeFactory.instance.arrayNode();
        Set<String> seen = new LinkedHashSet<>();
        if (cell != null && cell.isArray()) {
            cell.forEach(id -> {
                if (!id.isTextual() && !id.isNumber()) {
                    throw new IllegalArgumentException("'items' must list item ids (strings)");
                }
                seen.add(id.asText().strip());
            });
        } else if (cell != null && !cell.isNull()) {
            // a JSON array written into a CSV cell (["a", "b"]) reads as its ids too
            for (String id : cell.asText().split("[\\s,;|\\[\\]\"']+")) {
                seen.add(id.strip());
            }
        }
        seen.remove("");
        if (seen.isEmpty()) {
            throw new IllegalArgumentException("'items' names no item id");
        }
        seen.forEach(ids::add);
        return ids;
    }

    @Override
    public JsonNode answer(JsonNode output) {
        ArrayNode ids = JsonNodeFactory.instance.arrayNode();
        output.path("items").forEach(i -> ids.add(i.path("id").asText()));
        return ids;
    }

    @Override
    public Judged judge(JsonNode expected, JsonNode output, int k) {
        JsonNode answer = answer(output);
        List<String> ranked = new ArrayList<>();
        answer.forEach(id -> ranked.add(id.asText()));
        Set<String> relevant = new LinkedHashSet<>();
        expected.forEach(id -> relevant.add(id.asText()));
        double recall = RankingMetrics.recallAtK(ranked, relevant, k);
        return new Judged(answer, recall > 0, Map.of("recall", recall,
                "ndcg", RankingMetrics.ndcgAtK(ranked, relevant, k),
                "reciprocalRank", RankingMetrics.reciprocalRank(ranked.subList(0, Math.min(k, ranked.size())), relevant)));
    }

    @Override
    public Judged failed(JsonNode expected) {
        return new Judged(com.fasterxml.jackson.databind.node.NullNode.getInstance(), false,
                Map.of("recall", 0.0, "ndcg", 0.0, "reciprocalRank", 0.0));
    }

    @Override
    public Map<String, Object> metrics(List<Item> rows, ScenarioSnapshot snapshot, int k) {
        double recall = 0;
        double ndcg = 0;
        double rr = 0;
        int hits = 0;
        for (Item item : rows) {
            recall += item.values().getOrDefault("recall", 0.0);
            ndcg += item.values().getOrDefault("ndcg", 0.0);
            rr += item.values().getOrDefault("reciprocalRank", 0.0);
            hits += item.correct() ? 1 : 0;
        }
        int n = rows.size();
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("k", k);
        out.put("recallAtK", recall / n);
        out.put("ndcgAtK", ndcg / n);
        out.put("hitRateAtK", hits / (double) n);
        out.put("meanReciprocalRank", rr / n);
        return out;
    }

    @Override
    public String headline() {
        return "ndcgAtK";
    }

    @Override
    public boolean agree(JsonNode a, JsonNode b) {
        // the same first recommendation: a change further down the list is not a different answer to the caller
        JsonNode x = answer(a);
        JsonNode y = answer(b);
        return x.isEmpty() ? y.isEmpty() : !y.isEmpty() && x.get(0).equals(y.get(0));
    }
}
