package dev.aifunc.openapi;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aifunc.problem.Problem;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/scenarios/{id}/openapi}: one scenario's contract, to generate a client for just that function. */
@Path("/api/scenarios/{id}/openapi")
@Tag(name = "scenarios-admin")
public class ScenarioContractResource {

    private final ScenarioContract contract;

    public ScenarioContractResource(ScenarioContract contract) {
        this.contract = contract;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getScenarioOpenApi", summary = "One scenario's OpenAPI 3.0.3 document",
            description = "A self-contained document with the scenario's invoke operation, its input and output "
                    + "schemas and errors; feed it to openapi-generator for a one-method client.")
    @APIResponse(responseCode = "200", description = "OpenAPI 3.0.3 document",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(ref = "JsonObject")))
    @APIResponse(responseCode = "404", description = "Unknown scenario",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public ObjectNode get(@PathParam("id") String id) {
        return contract.document(id);
    }
}
