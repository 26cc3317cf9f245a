package dev.aifunc.model;

import dev.aifunc.invoke.ScenarioRuntimes;
import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Upload and inspect a scenario's own model (image-classification: an ONNX file). */
@Path("/api/scenarios/{id}/model")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "datasets", description = "Data that scenarios own: FAQ pairs, labelled examples, catalogues, models")
public class UploadedModelResource {

    private final UploadedModels models;
    private final ScenarioRuntimes runtimes;
    private final dev.aifunc.task.TaskRegistry tasks;

    public UploadedModelResource(UploadedModels models, ScenarioRuntimes runtimes, dev.aifunc.task.TaskRegistry tasks) {
        this.models = models;
        this.runtimes = runtimes;
        this.tasks = tasks;
    }

    @PUT
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "putScenarioModel", summary = "Upload the scenario's ONNX model (raw bytes) or a zip archive with one .onnx file and synset.txt")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = UploadedModels.Summary.class)))
    @APIResponse(responseCode = "404", description = "Unknown scenario", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Over 64 MiB", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "A content type other than octet-stream or zip", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Other uploads are being checked; retry after Retry-After", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Not a self-contained, loadable ONNX model (external data is refused), a broken archive, an input or output that does not fit the config, labels that do not match the outputs, NaN scores, over the check's memory or time, or a scenario that runs no uploaded model", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public UploadedModels.Summary put(@PathParam("id") String id,
                                      @jakarta.ws.rs.HeaderParam("Content-Type") String contentType, byte[] body) {
        dev.aifunc.task.ScenarioSnapshot snapshot = requireModelUpload(id);
        String type = contentType == null ? "" : contentType.toLowerCase(java.util.Locale.ROOT).split(";")[0].strip();
        if (!type.isEmpty() && !MODEL_TYPES.contains(type)) {
            throw new ProblemException(415, "Unsupported Media Type", "Send the model as the raw body: "
                    + "application/octet-stream (an .onnx file) or application/zip (an archive); got " + type + ".",
                    "Content-Type", String.join(", ", MODEL_TYPES), null, null);
        }
        dev.aifunc.task.Task<?> task = tasks.find(snapshot.template().task()).orElseThrow();
        UploadedModels.Summary summary = models.store(id, body, task.modelExpectation(snapshot.config()))
                .withLabelSource(snapshot.config().has("labels"));
        try {
            runtimes.runtime(id, null);
        } catch (ProblemException e) {
            // the config may not fit the model yet; the call will say so
        }
        return summary;
    }

    @jakarta.ws.rs.DELETE
    @Operation(operationId = "deleteScenarioModel", summary = "Remove the scenario's model")
    @APIResponse(responseCode = "204", description = "Removed; calls answer 409 until a new model is uploaded")
    @APIResponse(responseCode = "404", description = "Unknown scenario or no model", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public void delete(@PathParam("id") String id) {
        runtimes.snapshot(id, null);
        if (!models.delete(id)) {
            throw ProblemException.notFound("Scenario '" + id + "' has no model.");
        }
    }

    /** Content types a model upload may have (or none). */
    static final java.util.List<String> MODEL_TYPES = java.util.List.of("application/octet-stream", "application/zip",
            "application/x-zip-compressed", "application/onnx", "application/x-onnx");

    private dev.aifunc.task.ScenarioSnapshot requireModelUpload(String id) {
        dev.aifunc.task.ScenarioSnapshot snapshot = runtimes.snapshot(id, null); // 404 before any work
        dev.aifunc.task.Task<?> task = tasks.find(snapshot.template().task()).orElseThrow();
        if (!task.takesModelUpload(snapshot.config())) {
            throw ProblemException.unprocessable("Scenario '" + id + "' (template '" + snapshot.template().id()
                    + "') does not run an uploaded model" + (snapshot.config().hasNonNull("modelPack")
                    ? ": it uses the shipped pack '" + snapshot.config().get("modelPack").asText()
                    + "'; save it without modelPack (template image-classification) to bring your own." : "."),
                    "id", null);
        }
        return snapshot;
    }

    @GET
    @Operation(operationId = "getScenarioModel", summary = "Hash, size and upload time of the scenario's model")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = UploadedModels.Summary.class)))
    @APIResponse(responseCode = "404", description = "Unknown scenario or no model", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public UploadedModels.Summary get(@PathParam("id") String id) {
        boolean configLabels = runtimes.snapshot(id, null).config().has("labels");
        return models.describe(id).map(s -> s.withLabelSource(configLabels))
                .orElseThrow(() -> ProblemException.notFound("Scenario '" + id + "' has no model."));
    }
}
