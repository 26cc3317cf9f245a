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
    private final dev.aifunc.security.RateLimiter limiter;

    public InvokeResource(InvokeService service, dev.aifunc.security.RateLimiter limiter) {
        this.service = service;
        this.limiter = limiter;
    }

    @POST
    @Path("invoke")
    @Consumes(MediaType.WILDCARD)
    @Produces({MediaType.APPLICATION_JSON, "image/png", "image/jpeg"})
    @Operation(operationId = "invokeScenario", summary = "Call a scenario with one input",
            description = "The body is the template's input (see GET /api/templates/{templateId}, inputSchema); each "
                    + "scenario also has its own typed operation at /api/scenarios/<its id>/invoke. Image templates "
                    + "take the image as base64 or a data URL in the 'image' field, and also (not described here, "
                    + "as one operation has one body type in generated clients) a multipart/form-data body with a "
                    + "file part 'image' and the other fields as text parts, or the raw image/* body with the other "
                    + "fields as query parameters. With Accept image/png or image/jpeg, a template that produces an "
                    + "image answers with it.")
    @RequestBody(content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)))
    @APIResponse(responseCode = "200", description = "The template's output", content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)))
    @APIResponse(responseCode = "400", description = "Unreadable JSON", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown scenario", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Body over the limit", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "Not JSON", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Input breaks the schema or a limit", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "503", description = "Model still loading (Retry-After)", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Response invoke(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType,
                           @HeaderParam("Accept") String accept, byte[] body) {
        requireJson(contentType);
        return imageResponse(service.invoke(id, body), accept);
    }

    @POST
    @Path("invoke")
    @Consumes(MediaType.MULTIPART_FORM_DATA)
    @Produces({MediaType.APPLICATION_JSON, "image/png", "image/jpeg"})
    // not in the OpenAPI document: one path and method can have one operation, and generators produce broken
    // clients for a body with several content types; invokeScenario's description names this form
    @Operation(hidden = true)
    @APIResponse(responseCode = "200", description = "The template's output")
    @APIResponse(responseCode = "413", description = "Image over the limit", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "Not an image, or the scenario takes JSON", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "No image part, too many pixels, truncated image", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Response invokeMultipart(@PathParam("id") String id, @HeaderParam("Accept") String accept,
                                    @HeaderParam("Content-Type") String contentType,
                                    org.jboss.resteasy.reactive.server.multipart.MultipartFormDataInput form)
            throws java.io.IOException {
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("multipart/")) {
            // a body without Content-Type lands here; say what to send instead of "no image part"
            requireJson(contentType);
        }
        com.fasterxml.jackson.databind.node.ObjectNode fields = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        byte[] image = null;
        for (var entry : form.getValues().entrySet()) {
            for (var value : entry.getValue()) {
                if ("image".equals(entry.getKey())) {
                    if (image != null) {
                        throw ProblemException.unprocessable("The form has more than one 'image' part; send one.",
                                "image", "1 part");
                    }
                    image = value.isFileItem() ? java.nio.file.Files.readAllBytes(value.getFileItem().getFile())
                            : value.getValue().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
                } else if (!value.isFileItem()) {
                    fields.put(entry.getKey(), value.getValue());
                }
            }
        }
        if (image == null) {
            service.requireImageTask(id); // a text scenario: 415, not "no image part"
            throw ProblemException.unprocessable("The form has no 'image' part.", "image", null);
        }
        return imageResponse(service.invokeImage(id, fields, image), accept);
    }

    @POST
    @Path("invoke")
    @Consumes("image/*")
    @Produces({MediaType.APPLICATION_JSON, "image/png", "image/jpeg"})
    @Operation(hidden = true) // see invokeMultipart
    @APIResponse(responseCode = "200", description = "The template's output")
    @APIResponse(responseCode = "413", description = "Image over the limit", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "Not an image, or the scenario takes JSON", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Empty, too many pixels, truncated image", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Response invokeRawImage(@PathParam("id") String id, @HeaderParam("Accept") String accept,
                                   @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri, byte[] body) {
        com.fasterxml.jackson.databind.node.ObjectNode fields = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        uri.getQueryParameters().forEach((name, values) -> fields.put(name, values.get(0)));
        return imageResponse(service.invokeImage(id, fields, body), accept);
    }

    /** JSON, or the output image itself when {@code Accept} asks for image/png or image/jpeg and there is one. */
    private static Response imageResponse(InvokeService.Result result, String accept) {
        String wanted = accept == null ? "" : accept.toLowerCase(Locale.ROOT);
        String format = wanted.contains("image/png") ? "png" : wanted.contains("image/jpeg") ? "jpeg" : null;
        if (format != null && result.output() instanceof dev.aifunc.task.ImageOutput imageOutput) {
            byte[] encoded = imageOutput.encodedImage(format);
            if (encoded != null) {
                return Response.ok(encoded, "image/" + format)
                        .header("X-Scenario-Version", result.version())
                        .header("X-Model", result.model())
                        .header("Server-Timing", timing(result.millis(), result.modelMillis()))
                        .build();
            }
        }
        Response.ResponseBuilder builder = Response.ok(result.output(), MediaType.APPLICATION_JSON_TYPE)
                .header("X-Scenario-Version", result.version())
                .header("Server-Timing", timing(result.millis(), result.modelMillis()));
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
                                @jakarta.ws.rs.core.Context io.vertx.ext.web.RoutingContext context, byte[] body) {
        requireJson(contentType);
        // each input counts as one call against the key's rate limit and quota
        InvokeService.BatchResult result = service.invokeBatch(id, body, n -> {
            if (context.get(dev.aifunc.security.Caller.PROPERTY) instanceof dev.aifunc.security.Caller caller) {
                limiter.consume(caller, context, n);
            }
        });
        Response.ResponseBuilder builder = Response.ok(Map.of("outputs", result.outputs()), MediaType.APPLICATION_JSON_TYPE)
                .header("X-Scenario-Version", result.version())
                .header("Server-Timing", timing(result.millis(), result.modelMillis()));
        result.outputs().stream().filter(o -> o instanceof dev.aifunc.task.ModelOutput).findFirst()
                .ifPresent(o -> builder.header("X-Model", ((dev.aifunc.task.ModelOutput) o).model()));
        return builder.build();
    }

    /** {@code Server-Timing}: time in the service and, of it, waiting for the model (ms). */
    private static String timing(double millis, double modelMillis) {
        return String.format(Locale.ROOT, "invoke;dur=%.2f, model;dur=%.2f", millis, modelMillis);
    }

    private static void requireJson(String contentType) {
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).split(";")[0].strip();
        if (!(type.equals("application/json") || type.endsWith("+json"))) {
            throw new ProblemException(415, "Unsupported Media Type",
                    "Send the input as application/json; image templates also take multipart/form-data with an "
                            + "'image' part or a raw image/* body (got " + (type.isEmpty() ? "no Content-Type" : type)
                            + ").",
                    "Content-Type", null, null, null);
        }
    }
}
