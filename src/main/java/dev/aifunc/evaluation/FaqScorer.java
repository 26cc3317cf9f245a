package dev.aifunc.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.aifunc.task.ScenarioSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * FAQ matching (task semantic-search): the expected {@code answer} (the FAQ answer text; empty when the question
 * should find no match) against the output's {@code match.answer}. Answers are compared after collapsing white space.
 * <ul>
 *   <li>top-1 accuracy: the match is the expected answer, or there is no match and none was expected;</li>
 *   <li>mean reciprocal rank over the rows that expect an answer, ranking the match then the alternatives;</li>
 *   <li>no-match rate: share of rows answered with no match; with the rows that expected none, the share of those
 *       refused right (the threshold's two sides).</li>
 * </ul>
 */
@ApplicationScoped
public class FaqScorer implements Scorer {

    @Override
    public Set<String> tasks() {
        return Set.of("semantic-search");
    }

    @Override
    public String expectedColumn() {
        return "answer";
    }

    @Override
    public boolean expectedMayBeEmpty() {
        return true;
    }

    @Override
    public JsonNode expected(JsonNode cell) {
        return TextNode.valueOf(cell == null || cell.isNull() ? "" : CharacterErrorRate.normalize(cell.asText()));
    }

    @Override
    public JsonNode answer(JsonNode output) {
        JsonNode match = output.get("match");
        return match == null || match.isNull() ? NullNode.getInstance()
                : TextNode.valueOf(CharacterErrorRate.normalize(match.path("answer").asText()));
    }

    @Override
    public Judged judge(JsonNode expected, JsonNode output, int k) {
        JsonNode answer = answer(output);
        String want = expected.asText();
        if (want.isEmpty()) {
            return new Judged(answer, answer.isNull(), Map.of());
        }
        List<String> ranked = new ArrayList<>();
        if (!answer.isNull()) {
            ranked.add(answer.asText());
        }
        output.path("alternatives").forEach(a -> ranked.add(CharacterErrorRate.normalize(a.path("answer").asText())));
        double rr = RankingMetrics.reciprocalRank(ranked, Set.of(want));
        return new Judged(answer, !answer.isNull() && answer.asText().equals(want), Map.of("reciprocalRank", rr));
    }

    @Override
    public Judged failed(JsonNode expected) {
        return new Judged(NullNode.getInstance(), false, expected.asText().isEmpty() ? Map.of() : Map.of("reciprocalRank", 0.0));
    }

    @Override
    public Map<String, Object> metrics(List<Item> rows, ScenarioSnapshot snapshot, int k) {
        int right = 0;
        int noMatch = 0;
        int expectingNone = 0;
        int refusedRight = 0;
        double rrSum = 0;
        int expectingAnswer = 0;
        for (Item item : rows) {
            right += item.correct() ? 1 : 0;
            boolean answeredNone = item.error() == null && (item.answer() == null || item.answer().isNull());
            noMatch += answeredNone ? 1 : 0;
            if (item.expected().asText().isEmpty()) {
                expectingNone++;
                refusedRight += answeredNone ? 1 : 0;
            } else {
                expectingAnswer++;
                rrSum += item.values().getOrDefault("reciprocalRank", 0.0);
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("top1Accuracy", right / (double) rows.size());
        out.put("meanReciprocalRank", expectingAnswer == 0 ? null : rrSum / expectingAnswer);
        out.put("noMatchRate", noMatch / (double) rows.size());
        out.put("rowsExpectingNoMatch", expectingNone);
        out.put("noMatchRecall", expectingNone == 0 ? null : refusedRight / (double) expectingNone);
        // an expected answer that is in no FAQ entry (a typo) can never be matched: say which
        java.util.Set<String> answers = new java.util.HashSet<>();
        snapshot.config().path("faq").forEach(e -> answers.add(CharacterErrorRate.normalize(e.path("answer").asText())));
        snapshot.datasetRows().apply("faq").forEach(e -> answers.add(CharacterErrorRate.normalize(e.path("answer").asText())));
        Map<String, Integer> unknown = new java.util.TreeMap<>();
        rows.stream().map(i -> i.expected().asText()).filter(a -> !a.isEmpty() && !answers.contains(a))
                .forEach(a -> unknown.merge(a, 1, Integer::sum));
        if (!unknown.isEmpty()) {
            out.put("expectedAnswersNotInFaq", unknown);
        }
        return out;
    }

    @Override
    public String headline() {
        return "top1Accuracy";
    }
}
