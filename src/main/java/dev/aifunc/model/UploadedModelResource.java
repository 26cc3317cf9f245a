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

    public UploadedModelResource(UploadedModels models, ScenarioRuntimes runtimes) {
        this.models = models;
        this.runtimes = runtimes;
    }

    @PUT
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "putScenarioModel", summary = "Upload the scenario's ONNX model (raw bytes)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = UploadedModels.Summary.class)))
    @APIResponse(responseCode = "404", description = "Unknown scenario", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Over 64 MiB", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Not a loadable ONNX model", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public UploadedModels.Summary put(@PathParam("id") String id, byte[] body) {
        runtimes.snapshot(id, null); // 404 before any work
        UploadedModels.Summary summary = models.store(id, body);
        try {
            runtimes.runtime(id, null);
        } catch (ProblemException e) {
            // the config may not fit the model yet; the call will say so
        }
        return summary;
    }

    @GET
    @Operation(operationId = "getScenarioModel", summary = "Hash, size and upload time of the scenario's model")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = UploadedModels.Summary.class)))
    @APIResponse(responseCode = "404", description = "Unknown scenario or no model", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public UploadedModels.Summary get(@PathParam("id") String id) {
        return models.describe(id).orElseThrow(() -> ProblemException.notFound("Scenario '" + id + "' has no model."));
    }
}
