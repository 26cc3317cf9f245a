package dev.aifunc.evaluation;

import dev.aifunc.problem.Problem;
import dev.aifunc.scenario.ScenarioDtos;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Shadow mode: a candidate version answers live calls in the background; callers only ever see the active one. */
@Path("/api/scenarios/{id}/shadow")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "evaluations")
public class ShadowResource {

    private final ShadowService service;

    public ShadowResource(ShadowService service) {
        this.service = service;
    }

    @GET
    @Operation(operationId = "getShadow", summary = "Shadow mode: the candidate, agreement rate and latency of both")
    public ShadowService.Status get(@PathParam("id") String id) {
        return service.status(id);
    }

    @PUT
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "startShadow", summary = "Let a version answer live calls in the background next to the active one")
    @APIResponse(responseCode = "422", description = "The active version, or a template without comparable answers", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public ShadowService.Status start(@PathParam("id") String id, @Valid @NotNull ShadowService.Start body) {
        return service.start(id, body.version());
    }

    @DELETE
    @Operation(operationId = "stopShadow", summary = "Drop the candidate: shadow mode ends")
    public Response stop(@PathParam("id") String id) {
        service.stop(id);
        return Response.noContent().build();
    }

    @POST
    @Path("promote")
    @Operation(operationId = "promoteShadow", summary = "Make the candidate the active version (shadow mode ends)")
    @APIResponse(responseCode = "409", description = "No candidate", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public ScenarioDtos.View promote(@PathParam("id") String id) {
        return service.promote(id);
    }
}
