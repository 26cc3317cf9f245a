package dev.aifunc.scenario;

import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotNull;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import jakarta.ws.rs.core.Context;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** CRUD, history and rollback of scenarios. Thin: validation at the edge, logic in {@link ScenarioService}. */
@Path("/api/scenarios")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "scenarios-admin", description = "Configure scenarios: create, update (new version), roll back, delete")
public class ScenarioResource {

    private final ScenarioService service;
    private final ScenarioWarmer warmer;

    public ScenarioResource(ScenarioService service, ScenarioWarmer warmer) {
        this.service = service;
        this.warmer = warmer;
    }

    @GET
    @Operation(operationId = "listScenarios", summary = "List scenarios with their active versions")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ScenarioDtos.View.class, type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY)))
    public List<ScenarioDtos.View> list() {
        return service.list();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createScenario", summary = "Create a scenario from a template (version 1)")
    @APIResponse(responseCode = "201", description = "Created", content = @Content(schema = @Schema(implementation = ScenarioDtos.View.class)))
    @APIResponse(responseCode = "409", description = "Id taken", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Unknown template or invalid config", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Response create(@Valid @NotNull ScenarioDtos.Create request, @Context UriInfo uri) {
        ScenarioDtos.View created = service.create(request);
        warmer.warm(created.id());
        return Response.created(uri.getAbsolutePathBuilder().path(created.id()).build())
                .tag(unquote(created.etag())).entity(created).build();
    }

    @GET
    @Path("{id}")
    @Operation(operationId = "getScenario", summary = "Get a scenario (ETag header for If-Match)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ScenarioDtos.View.class)))
    @APIResponse(responseCode = "404", description = "Unknown scenario", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Response get(@PathParam("id") String id) {
        ScenarioDtos.View view = service.require(id);
        return Response.ok(view).tag(unquote(view.etag())).build();
    }

    @PUT
    @Path("{id}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Operation(operationId = "updateScenario", summary = "Save a new version and activate it",
            description = "Send If-Match with the ETag you read to avoid overwriting someone else's change (412).")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ScenarioDtos.View.class)))
    @APIResponse(responseCode = "404", description = "Unknown scenario", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "412", description = "Stale If-Match", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Invalid config", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Response update(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch,
                           @Valid @NotNull ScenarioDtos.Update request) {
        ScenarioDtos.View view = service.update(id, request, ifMatch);
        warmer.warm(id);
        return Response.ok(view).tag(unquote(view.etag())).build();
    }

    @DELETE
    @Path("{id}")
    @Operation(operationId = "deleteScenario", summary = "Delete a scenario, its versions and its datasets")
    @APIResponse(responseCode = "204", description = "Deleted")
    @APIResponse(responseCode = "404", description = "Unknown scenario", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "412", description = "Stale If-Match", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Response delete(@PathParam("id") String id, @HeaderParam("If-Match") String ifMatch) {
        if (!service.delete(id, ifMatch)) {
            throw ProblemException.notFound("No scenario '" + id + "'.");
        }
        return Response.noContent().build();
    }

    @GET
    @Path("{id}/versions")
    @Operation(operationId = "listScenarioVersions", summary = "Version history, oldest first")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ScenarioDtos.VersionView.class, type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.ARRAY)))
    @APIResponse(responseCode = "404", description = "Unknown scenario", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public List<ScenarioDtos.VersionView> versions(@PathParam("id") String id) {
        return service.versions(id).orElseThrow(() -> ProblemException.notFound("No scenario '" + id + "'."));
    }

    @POST
    @Path("{id}/versions/{version}/activate")
    @Operation(operationId = "activateScenarioVersion", summary = "Make a saved version the active one (rollback)")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = ScenarioDtos.View.class)))
    @APIResponse(responseCode = "404", description = "Unknown scenario or version", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "412", description = "Stale If-Match", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Response activate(@PathParam("id") String id, @PathParam("version") int version,
                             @HeaderParam("If-Match") String ifMatch) {
        ScenarioDtos.View view = service.activate(id, version, ifMatch);
        warmer.warm(id);
        return Response.ok(view).tag(unquote(view.etag())).build();
    }

    private static String unquote(String etag) {
        return etag.substring(1, etag.length() - 1);
    }
}
