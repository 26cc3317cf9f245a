package dev.aifunc.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.aifunc.task.ScenarioSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * OCR: the expected {@code text} of an image against the output's {@code text}, by {@link CharacterErrorRate}.
 * The set's CER is the corpus rate (all edits / all expected characters), so long texts weigh more than short ones;
 * the mean of the per-image rates and the share of images read exactly are given too.
 */
@ApplicationScoped
public class OcrScorer implements Scorer {

    @Override
    public Set<String> tasks() {
        return Set.of("ocr");
    }

    @Override
    public String expectedColumn() {
        return "text";
    }

    @Override
    public JsonNode answer(JsonNode output) {
        return TextNode.valueOf(CharacterErrorRate.normalize(output.path("text").asText()));
    }

    @Override
    public Judged judge(JsonNode expected, JsonNode output, int k) {
        JsonNode read = answer(output);
        int edits = CharacterErrorRate.edits(expected.asText(), read.asText());
        int length = CharacterErrorRate.length(expected.asText());
        return new Judged(read, edits == 0, Map.of("edits", (double) edits, "length", (double) length,
                "cer", length == 0 ? edits : edits / (double) length));
    }

    @Override
    public Judged failed(JsonNode expected) {
        int length = CharacterErrorRate.length(expected.asText());
        return new Judged(com.fasterxml.jackson.databind.node.NullNode.getInstance(), false,
                Map.of("edits", (double) length, "length", (double) length, "cer", length == 0 ? 0.0 : 1.0));
    }

    @Override
    public Map<String, Object> metrics(List<Item> rows, ScenarioSnapshot snapshot, int k) {
        double edits = 0;
        double length = 0;
        double cerSum = 0;
        int exact = 0;
        for (Item item : rows) {
            edits += item.values().getOrDefault("edits", 0.0);
            length += item.values().getOrDefault("length", 0.0);
            cerSum += item.values().getOrDefault("cer", 1.0);
            exact += item.correct() ? 1 : 0;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("cer", length == 0 ? edits : edits / length);
        out.put("meanCer", cerSum / rows.size());
        out.put("exactMatchRate", exact / (double) rows.size());
        out.put("characters", (long) length);
        out.put("edits", (long) edits);
        return out;
    }

    @Override
    public String headline() {
        return "cer";
    }

    @Override
    public boolean higherIsBetter() {
        return false;
    }
}
