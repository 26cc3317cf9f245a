package dev.aifunc.task;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.problem.Problem;
import java.util.ArrayList;
import java.util.List;

/**
 * One kind of inference (DJL translator style: decode input → tensors → model → output). Tasks are few, templates
 * many: a template picks a task and gives it presets. Implementations are {@code @ApplicationScoped} beans.
 *
 * @param <S> the prepared state of one scenario version (e.g. embedded examples, a FAQ index), built once by
 *            {@link #prepare} and reused by every call until the version or its datasets change
 */
public interface Task<S> {

    /** Task id, as templates name it in their {@code task} field. */
    String id();

    /**
     * Checks rules of a config that JSON Schema cannot express (e.g. every example's label is a declared label).
     * The config has already passed the template's config schema.
     *
     * @return errors with their field paths; empty when valid
     */
    default List<Problem.FieldError> validateConfig(JsonNode config) {
        return List.of();
    }

    /** Names of the datasets this task reads (see {@code DatasetKind} for their columns); empty when none. */
    default java.util.Set<String> datasets() {
        return java.util.Set.of();
    }

    /**
     * True when the task learns from the scenario's interaction events ({@code POST /api/scenarios/{id}/events});
     * other scenarios refuse events.
     */
    default boolean takesEvents() {
        return false;
    }

    /**
     * True when a scenario with this effective config runs a model its owner uploads
     * ({@code PUT /api/scenarios/{id}/model}); other scenarios refuse uploads.
     */
    default boolean takesModelUpload(JsonNode config) {
        return false;
    }

    /**
     * What a scenario with this effective config feeds an uploaded model and reads from it, checked when a model is
     * uploaded (only called when {@link #takesModelUpload} is true).
     */
    default dev.aifunc.model.UploadedModels.Expectation modelExpectation(JsonNode config) {
        throw new UnsupportedOperationException(id() + " runs no uploaded model");
    }

    /**
     * What the task's learned state looks like now (e.g. which event revision a model was built from, whether a
     * rebuild runs and how far it is); null when the task has nothing to report. Asking may start a rebuild when the
     * task's data grew since its last one.
     */
    default Object status(S state) {
        return null;
    }

    /**
     * Checks one uploaded dataset row against rules of the scenario's effective config (e.g. an example's label must
     * be one of the configured labels). Required columns are checked before.
     *
     * @return a message saying what is wrong with the row, or null when it is fine
     */
    default String checkDatasetRow(String dataset, JsonNode row, JsonNode config) {
        return null;
    }

    /**
     * Builds the state a scenario version needs to answer calls (embeds examples and datasets, etc.).
     *
     * @throws dev.aifunc.problem.ProblemException 503 while a model pack loads
     */
    S prepare(ScenarioSnapshot scenario);

    /**
     * Answers one call. The input has passed the template's input schema.
     *
     * @return the output object (serialised to JSON as the template's output schema describes)
     * @throws dev.aifunc.problem.ProblemException 422 for input that breaks a rule the schema cannot express
     */
    Object invoke(S state, JsonNode input);

    /**
     * True when the task reads an image: the input's {@code image} field (base64 or data URL in JSON, the
     * {@code image} part of a multipart form, or a raw {@code image/*} body) is decoded by {@code invoke/} and
     * handed to {@link #invokeImage}.
     */
    default boolean takesImage() {
        return false;
    }

    /**
     * Answers one call with an image. {@code input} holds the other input fields (the image field removed).
     *
     * @throws dev.aifunc.problem.ProblemException 422 for input that breaks a rule the schema cannot express
     */
    default Object invokeImage(S state, JsonNode input, DecodedImage image) {
        throw new UnsupportedOperationException(id() + " does not take images");
    }

    /** Answers several calls; tasks that can batch model calls override this. Order is kept. */
    default List<Object> invokeAll(S state, List<JsonNode> inputs) {
        List<Object> out = new ArrayList<>(inputs.size());
        for (JsonNode input : inputs) {
            out.add(invoke(state, input));
        }
        return out;
    }
}
