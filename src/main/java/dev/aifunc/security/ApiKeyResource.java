package dev.aifunc.security;

import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code /api/keys}: create, list and revoke API keys (admin only). */
@Path("/api/keys")
@Tag(name = "keys", description = "API keys for calling scenarios")
public class ApiKeyResource {

    private final ApiKeys keys;
    private final Actors actors;

    public ApiKeyResource(ApiKeys keys, Actors actors) {
        this.keys = keys;
        this.actors = actors;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listApiKeys", summary = "All API keys, newest first (never their secrets)")
    public List<ApiKeys.KeyView> list() {
        return keys.list();
    }

    @POST
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "createApiKey", summary = "Create an API key; the answer shows it, only this once",
            description = "scenarios: ids the key may call (empty or absent: all); admin: may also use the admin "
                    + "API; ratePerSecond and burst: its rate limit; dailyQuota: calls per UTC day.")
    @APIResponse(responseCode = "201", description = "Created; 'key' is the secret",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiKeys.CreatedKey.class)))
    @APIResponse(responseCode = "422", description = "A field is out of range",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @org.eclipse.microprofile.openapi.annotations.parameters.RequestBody(content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiKeys.CreateKey.class)))
    public Response create(com.fasterxml.jackson.databind.JsonNode request) {
        ApiKeys.CreatedKey created = keys.create(request, actors.current());
        return Response.created(URI.create("/api/keys/" + created.apiKey().id())).entity(created)
                .header("Cache-Control", "no-store").build();
    }

    @GET
    @Path("{keyId}")
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getApiKey", summary = "One API key (never its secret)")
    @APIResponse(responseCode = "200", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = ApiKeys.KeyView.class)))
    @APIResponse(responseCode = "404", description = "No such key",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public ApiKeys.KeyView get(@PathParam("keyId") String keyId) {
        return keys.get(keyId).orElseThrow(() -> ProblemException.notFound("No API key '" + keyId + "'."));
    }

    @DELETE
    @Path("{keyId}")
    @Operation(operationId = "revokeApiKey", summary = "Revoke an API key; it stops working at once")
    @APIResponse(responseCode = "204", description = "Revoked (or already revoked)")
    @APIResponse(responseCode = "404", description = "No such key",
            content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Response revoke(@PathParam("keyId") String keyId) {
        if (!keys.revoke(keyId, actors.current())) {
            throw ProblemException.notFound("No API key '" + keyId + "'.");
        }
        return Response.noContent().build();
    }
}
