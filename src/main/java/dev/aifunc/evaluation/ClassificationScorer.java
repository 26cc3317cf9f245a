package dev.aifunc.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.aifunc.task.ScenarioSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Text and image classification (templates text-classification, review-sentiment, image-classification): the
 * expected {@code label} against the output's {@code label}. A call that gives no label (below the threshold) answers
 * {@value #NONE}; a row that failed answers {@value #ERROR}; both are columns of the confusion matrix.
 */
@ApplicationScoped
public class ClassificationScorer implements Scorer {

    /** The answer of a call that named no label. */
    public static final String NONE = "(none)";
    /** The answer of a row that failed. */
    public static final String ERROR = "(error)";

    @Override
    public Set<String> tasks() {
        return Set.of("text-classification", "image-classification");
    }

    @Override
    public String expectedColumn() {
        return "label";
    }

    @Override
    public JsonNode answer(JsonNode output) {
        JsonNode label = output.get("label");
        return TextNode.valueOf(label == null || label.isNull() ? NONE : label.asText());
    }

    @Override
    public Judged judge(JsonNode expected, JsonNode output, int k) {
        JsonNode answer = answer(output);
        return new Judged(answer, answer.asText().equals(expected.asText()), Map.of());
    }

    @Override
    public Map<String, Object> metrics(List<Item> rows, ScenarioSnapshot snapshot, int k) {
        List<String> expected = new ArrayList<>();
        List<String> predicted = new ArrayList<>();
        for (Item item : rows) {
            expected.add(item.expected().asText());
            predicted.add(item.answer() == null || item.answer().isNull() ? ERROR : item.answer().asText());
        }
        List<String> labels = new ArrayList<>();
        snapshot.config().path("labels").forEach(l -> labels.add(l.path("name").asText()));
        List<String> matrixOrder = new ArrayList<>(labels);
        matrixOrder.add(NONE);
        matrixOrder.add(ERROR);
        ClassificationMetrics m = ClassificationMetrics.of(expected, predicted, matrixOrder);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("accuracy", m.accuracy());
        if (!labels.isEmpty()) {
            // an expected label the scenario does not have (a typo, or a label never configured) cannot be answered
            Map<String, Integer> unknown = new java.util.TreeMap<>();
            expected.stream().filter(l -> !labels.contains(l)).forEach(l -> unknown.merge(l, 1, Integer::sum));
            if (!unknown.isEmpty()) {
                out.put("unknownExpectedLabels", unknown);
            }
        }
        out.put("macroF1", m.macroF1());
        out.put("perLabel", m.perLabel());
        out.put("confusionMatrix", Map.of("labels", m.labels(), "matrix", m.matrix(),
                "rowsAre", "expected", "columnsAre", "predicted"));
        return out;
    }

    @Override
    public String headline() {
        return "accuracy";
    }
}
