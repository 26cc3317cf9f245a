package dev.aifunc.task.nlp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.model.ModelRegistry;
import dev.aifunc.task.ScenarioSnapshot;
import dev.aifunc.task.Task;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code text-embedding}: text → unit-length sentence embedding {@code float[dimensions]} (384 for MiniLM and
 * bge-small-en, 512 for bge-small-zh). Batches of inputs go to the model in one call per model pack.
 */
@ApplicationScoped
public class TextEmbeddingTask implements Task<ScenarioSnapshot> {

    /** Output of one call. */
    public record Output(float[] embedding, int dimensions, String model) implements dev.aifunc.task.ModelOutput {
    }

    private final ModelRegistry models;

    public TextEmbeddingTask(ModelRegistry models) {
        this.models = models;
    }

    @Override
    public String id() {
        return "text-embedding";
    }

    @Override
    public ScenarioSnapshot prepare(ScenarioSnapshot scenario) {
        return scenario;
    }

    @Override
    public Object invoke(ScenarioSnapshot scenario, JsonNode input) {
        return invokeAll(scenario, List.of(input)).get(0);
    }

    @Override
    public List<Object> invokeAll(ScenarioSnapshot scenario, List<JsonNode> inputs) {
        Map<String, List<Integer>> byPack = new LinkedHashMap<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String text = TextInput.require(inputs.get(i), "text");
            texts.add(text);
            byPack.computeIfAbsent(LanguageRouting.packFor(scenario, text), k -> new ArrayList<>()).add(i);
        }
        Object[] out = new Object[inputs.size()];
        byPack.forEach((pack, indexes) -> {
            float[][] vectors = models.embedder(pack).embed(indexes.stream().map(texts::get).toList());
            for (int j = 0; j < indexes.size(); j++) {
                out[indexes.get(j)] = new Output(vectors[j], vectors[j].length, pack);
            }
        });
        return List.of(out);
    }
}
