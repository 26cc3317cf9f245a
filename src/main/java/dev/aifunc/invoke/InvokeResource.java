package dev.aifunc.invoke;

import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code POST /api/scenarios/{id}/invoke} and {@code /invoke-batch}: the function call. Metadata goes into headers:
 * {@code X-Scenario-Version}, {@code X-Model}, {@code Server-Timing}.
 */
@Path("/api/scenarios/{id}")
@Tag(name = "scenarios", description = "Call scenarios like functions")
public class InvokeResource {

    private final InvokeService service;

    public InvokeResource(InvokeService service) {
        this.service = service;
    }

    @POST
    @Path("invoke")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "invokeScenario", summary = "Call a scenario with one input",
            description = "The body is the template's input (see GET /api/templates/{templateId}, inputSchema).")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)))
    @APIResponse(responseCode = "200", description = "The template's output", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", description = "Unreadable JSON", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown scenario", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Body over the limit", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "Not JSON", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Input breaks the schema or a limit", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Model still loading (Retry-After)", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Response invoke(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType, byte[] body) {
        requireJson(contentType);
        InvokeService.Result result = service.invoke(id, body);
        Response.ResponseBuilder builder = Response.ok(result.output(), MediaType.APPLICATION_JSON_TYPE)
                .header("X-Scenario-Version", result.version())
                .header("Server-Timing", String.format(Locale.ROOT, "invoke;dur=%.2f", result.millis()));
        if (result.model() != null) {
            builder.header("X-Model", result.model());
        }
        return builder.build();
    }

    @POST
    @Path("invoke-batch")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "invokeScenarioBatch", summary = "Call a scenario with several inputs",
            description = "{\"inputs\": [...]} → {\"outputs\": [...]} in the same order; an item that fails is "
                    + "{\"error\": problem} and does not fail the others.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)))
    @APIResponse(responseCode = "200", description = "One output or error per input", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", description = "Unreadable JSON", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown scenario", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Body over the limit", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "inputs missing, empty or too many", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Model still loading (Retry-After)", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Response invokeBatch(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType,
                                byte[] body) {
        requireJson(contentType);
        InvokeService.BatchResult result = service.invokeBatch(id, body);
        return Response.ok(Map.of("outputs", result.outputs()), MediaType.APPLICATION_JSON_TYPE)
                .header("X-Scenario-Version", result.version())
                .header("Server-Timing", String.format(Locale.ROOT, "invoke;dur=%.2f", result.millis()))
                .build();
    }

    private static void requireJson(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).split(";")[0].strip();
        if (!(type.equals("application/json") || type.endsWith("+json"))) {
            throw new ProblemException(415, "Unsupported Media Type",
                    "Send the input as application/json (got " + (type.isEmpty() ? "no Content-Type" : type) + ").",
                    "Content-Type", null, null, null);
        }
    }
}
