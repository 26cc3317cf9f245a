package dev.aifunc.task.nlp;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.model.EmbeddingStore;
import dev.aifunc.model.ModelRegistry;
import dev.aifunc.model.Vectors;
import dev.aifunc.problem.Problem;
import dev.aifunc.task.ScenarioSnapshot;
import dev.aifunc.task.Task;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@code text-classification}: assigns one of the configured labels to a text.
 * <ul>
 *   <li>few-shot: each label's prototype is the normalised centroid of its labelled examples' embeddings
 *       (nearest-centroid classifier), examples from {@code config.examples} and the {@code examples} dataset;</li>
 *   <li>zero-shot: a label without examples uses the embedding of its description (or its name).</li>
 * </ul>
 * Scores are the softmax over labels of cosine(text, prototype) / {@code temperature}; the label is the arg-max,
 * or {@code null} when its score is below {@code threshold}. The nearest examples are returned as evidence.
 */
@ApplicationScoped
public class TextClassificationTask implements Task<TextClassificationTask.State> {

    /** Default softmax temperature over cosine similarities. */
    static final double DEFAULT_TEMPERATURE = 0.05;

    /** How many nearest labelled examples each answer shows as evidence. */
    static final int NEAREST_EXAMPLES = 3;

    /** Output of one call. */
    public record Output(String label, double score, Map<String, Double> scores, List<Neighbour> nearestExamples,
                         String model) implements dev.aifunc.task.ModelOutput {
    }

    /** A labelled example close to the input: cosine similarity {@code score}. */
    public record Neighbour(String text, String label, double score) {
    }

    /** Labelled text. */
    record Example(String text, String label) {
    }

    /** Prepared scenario: labels, examples, and per model pack the prototype vectors (built on first use). */
    public static final class State {
        final ScenarioSnapshot scenario;
        final List<String> labels;
        final Map<String, String> descriptions;
        final List<Example> examples;
        final Map<String, PackIndex> byPack = new ConcurrentHashMap<>();

        State(ScenarioSnapshot scenario, List<String> labels, Map<String, String> descriptions, List<Example> examples) {
            this.scenario = scenario;
            this.labels = labels;
            this.descriptions = descriptions;
            this.examples = examples;
        }
    }

    record PackIndex(float[][] prototypes, float[][] exampleVectors) {
    }

    private final ModelRegistry models;
    private final EmbeddingStore store;

    public TextClassificationTask(ModelRegistry models, EmbeddingStore store) {
        this.models = models;
        this.store = store;
    }

    @Override
    public String id() {
        return "text-classification";
    }

    @Override
    public List<Problem.FieldError> validateConfig(JsonNode config) {
        List<Problem.FieldError> errors = new ArrayList<>();
        Set<String> names = new HashSet<>();
        JsonNode labels = config.path("labels");
        for (int i = 0; i < labels.size(); i++) {
            if (!names.add(labels.get(i).path("name").asText())) {
                errors.add(new Problem.FieldError("config.labels[" + i + "].name", null,
                        "duplicate label '" + labels.get(i).path("name").asText() + "'"));
            }
        }
        JsonNode examples = config.path("examples");
        for (int i = 0; i < examples.size(); i++) {
            String label = examples.get(i).path("label").asText();
            if (!names.isEmpty() && !names.contains(label)) {
                errors.add(new Problem.FieldError("config.examples[" + i + "].label", null,
                        "'" + label + "' is not one of the labels " + names));
            }
        }
        return errors;
    }

    @Override
    public java.util.Set<String> datasets() {
        return java.util.Set.of("examples");
    }

    @Override
    public String checkDatasetRow(String dataset, JsonNode row, JsonNode config) {
        Set<String> names = new HashSet<>();
        config.path("labels").forEach(l -> names.add(l.path("name").asText()));
        String label = row.path("label").asText();
        return names.isEmpty() || names.contains(label) ? null
                : "label '" + label + "' is not one of the scenario's labels " + names;
    }

    @Override
    public State prepare(ScenarioSnapshot scenario) {
        Map<String, String> descriptions = new LinkedHashMap<>();
        for (JsonNode l : scenario.config().path("labels")) {
            descriptions.put(l.path("name").asText(), l.path("description").asText(""));
        }
        List<Example> examples = new ArrayList<>();
        for (JsonNode e : scenario.config().path("examples")) {
            examples.add(new Example(e.path("text").asText(), e.path("label").asText()));
        }
        for (JsonNode row : scenario.datasetRows().apply("examples")) {
            examples.add(new Example(row.path("text").asText(), row.path("label").asText()));
        }
        // labels only named by examples (no labels list, or a dataset with new labels) count as labels too
        examples.forEach(e -> descriptions.putIfAbsent(e.label(), ""));
        if (descriptions.isEmpty()) {
            throw dev.aifunc.problem.ProblemException.unprocessable(
                    "This scenario has no labels: add config.labels or labelled examples.", "config.labels", null);
        }
        State state = new State(scenario, List.copyOf(descriptions.keySet()), descriptions, examples);
        // embed examples and label descriptions now, for every pack the scenario may use, so no call pays for it
        for (String language : LanguageRouting.languages(scenario)) {
            String pack = LanguageRouting.pack(scenario, language);
            state.byPack.computeIfAbsent(pack, p -> index(state, p));
        }
        return state;
    }

    @Override
    public Object invoke(State state, JsonNode input) {
        return invokeAll(state, List.of(input)).get(0);
    }

    @Override
    public List<Object> invokeAll(State state, List<JsonNode> inputs) {
        Object[] out = new Object[inputs.size()];
        Map<String, List<Integer>> byPack = new LinkedHashMap<>();
        List<String> texts = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            String text = TextInput.require(inputs.get(i), "text");
            texts.add(text);
            byPack.computeIfAbsent(LanguageRouting.packFor(state.scenario, text), k -> new ArrayList<>()).add(i);
        }
        double temperature = state.scenario.config().path("temperature").asDouble(DEFAULT_TEMPERATURE);
        double threshold = state.scenario.config().path("threshold").asDouble(0);
        byPack.forEach((pack, indexes) -> {
            PackIndex index = state.byPack.computeIfAbsent(pack, p -> index(state, p));
            float[][] vectors = models.embedder(pack).embed(indexes.stream().map(texts::get).toList());
            for (int j = 0; j < indexes.size(); j++) {
                out[indexes.get(j)] = classify(state, index, vectors[j], temperature, threshold, pack);
            }
        });
        return List.of(out);
    }

    private PackIndex index(State state, String pack) {
        float[][] exampleVectors = store.embedAll(pack, state.examples.stream().map(Example::text).toList());
        List<String> descriptionTexts = state.labels.stream()
                .map(l -> state.descriptions.get(l).isBlank() ? l : state.descriptions.get(l)).toList();
        float[][] descriptionVectors = store.embedAll(pack, descriptionTexts);
        float[][] prototypes = new float[state.labels.size()][];
        for (int l = 0; l < state.labels.size(); l++) {
            String label = state.labels.get(l);
            List<float[]> members = new ArrayList<>();
            for (int e = 0; e < state.examples.size(); e++) {
                if (state.examples.get(e).label().equals(label)) {
                    members.add(exampleVectors[e]);
                }
            }
            if (members.isEmpty() || !state.descriptions.get(label).isBlank()) {
                members.add(descriptionVectors[l]);
            }
            prototypes[l] = Vectors.centroid(members);
        }
        return new PackIndex(prototypes, exampleVectors);
    }

    private static Output classify(State state, PackIndex index, float[] v, double temperature, double threshold,
                                   String pack) {
        int n = state.labels.size();
        double[] logits = new double[n];
        double max = Double.NEGATIVE_INFINITY;
        for (int l = 0; l < n; l++) {
            logits[l] = Vectors.dot(v, index.prototypes()[l]) / temperature;
            max = Math.max(max, logits[l]);
        }
        double sum = 0;
        for (int l = 0; l < n; l++) {
            logits[l] = Math.exp(logits[l] - max);
            sum += logits[l];
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        int best = 0;
        for (int l = 0; l < n; l++) {
            double p = logits[l] / sum;
            scores.put(state.labels.get(l), round(p));
            if (p > logits[best] / sum) {
                best = l;
            }
        }
        double bestScore = logits[best] / sum;
        // top-3 nearest examples in one pass (no full sort: a scenario may have thousands of examples)
        int k = Math.min(NEAREST_EXAMPLES, state.examples.size());
        int[] top = new int[k];
        double[] topScore = new double[k];
        java.util.Arrays.fill(topScore, Double.NEGATIVE_INFINITY);
        for (int e = 0; e < state.examples.size(); e++) {
            double score = Vectors.dot(v, index.exampleVectors()[e]);
            for (int i = 0; i < k; i++) {
                if (score > topScore[i]) {
                    System.arraycopy(topScore, i, topScore, i + 1, k - i - 1);
                    System.arraycopy(top, i, top, i + 1, k - i - 1);
                    topScore[i] = score;
                    top[i] = e;
                    break;
                }
            }
        }
        List<Neighbour> nearest = new ArrayList<>(k);
        for (int i = 0; i < k; i++) {
            Example example = state.examples.get(top[i]);
            nearest.add(new Neighbour(example.text(), example.label(), round(topScore[i])));
        }
        String label = bestScore >= threshold ? state.labels.get(best) : null;
        return new Output(label, round(bestScore), scores, nearest.subList(0, Math.min(3, nearest.size())), pack);
    }

    static double round(double x) {
        return Math.round(x * 10_000d) / 10_000d;
    }
}
