package dev.aifunc.task.nlp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.model.ModelRegistry;
import dev.aifunc.model.Vectors;
import dev.aifunc.task.ScenarioSnapshot;
import dev.aifunc.task.Task;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code text-similarity}: cosine similarity of a source text with each target, in target order. Source and
 * targets are embedded in one model call with the pack chosen by the source's language.
 */
@ApplicationScoped
public class TextSimilarityTask implements Task<ScenarioSnapshot> {

    /** Output: {@code scores[i]} is the cosine of source and {@code targets[i]}, in [-1, 1]. */
    public record Output(float[] scores, String model) implements dev.aifunc.task.ModelOutput {
    }

    private final ModelRegistry models;

    public TextSimilarityTask(ModelRegistry models) {
        this.models = models;
    }

    @Override
    public String id() {
        return "text-similarity";
    }

    @Override
    public ScenarioSnapshot prepare(ScenarioSnapshot scenario) {
        return scenario;
    }

    @Override
    public Object invoke(ScenarioSnapshot scenario, JsonNode input) {
        String source = TextInput.require(input, "source");
        List<String> texts = new ArrayList<>();
        texts.add(source);
        JsonNode targets = input.get("targets");
        for (int i = 0; i < targets.size(); i++) {
            if (!TextInput.hasVisibleCharacter(targets.get(i).asText())) {
                throw dev.aifunc.problem.ProblemException.unprocessable(
                        "targets[" + i + "] must contain some text, not only whitespace.", "targets[" + i + "]", null);
            }
            texts.add(targets.get(i).asText());
        }
        String pack = LanguageRouting.packFor(scenario, source);
        float[][] vectors = models.embedder(pack).embed(texts);
        float[] scores = new float[targets.size()];
        for (int i = 0; i < scores.length; i++) {
            scores[i] = Vectors.dot(vectors[0], vectors[i + 1]);
        }
        return new Output(scores, pack);
    }
}
