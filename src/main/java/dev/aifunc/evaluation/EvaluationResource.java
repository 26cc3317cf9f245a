package dev.aifunc.evaluation;

import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Evaluations: measure a scenario version on labelled data, list and read results, cancel, compare two versions.
 * Thin: {@link EvaluationService} does the work.
 */
@Path("/api/scenarios/{id}")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "evaluations", description = "Measure a scenario version on your own labelled data and compare versions")
public class EvaluationResource {

    /** Longest {@code Prefer: wait} honoured (s). */
    static final int MAX_WAIT_SECONDS = 60;

    private final EvaluationService service;

    public EvaluationResource(EvaluationService service) {
        this.service = service;
    }

    @POST
    @Path("evaluate")
    @Consumes({"text/csv", "application/x-ndjson", "application/jsonl", "application/json-lines", MediaType.WILDCARD})
    @Operation(operationId = "evaluateScenario", summary = "Measure a version on labelled data (CSV or JSON Lines: the "
            + "template's input columns plus the expected answer). Runs as a job: 202 with Location, or 201 with the "
            + "result when it finishes within the Prefer: wait=N seconds asked for (at most 60)")
    @APIResponse(responseCode = "201", description = "Finished within the wait", content = @Content(schema = @Schema(implementation = EvaluationService.View.class)))
    @APIResponse(responseCode = "202", description = "Started; poll the Location", content = @Content(schema = @Schema(implementation = EvaluationService.View.class)))
    @APIResponse(responseCode = "422", description = "A template that cannot be evaluated, or rows with errors", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Response evaluate(@PathParam("id") String id,
                             @Parameter(description = "version to measure; default the active one", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER)) @QueryParam("version") String version,
                             @Parameter(description = "cut-off of recall@k and NDCG@k (recommendations), 1-100; default the scenario's topK", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER)) @QueryParam("k") String k,
                             @Parameter(description = "run on the data of this earlier evaluation (send no body)", schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.INTEGER)) @QueryParam("sameDataAs") String sameDataAs,
                             @HeaderParam("Content-Type") String contentType, @HeaderParam("Prefer") String prefer,
                             InputStream body, @Context UriInfo uri) throws java.io.IOException {
        Long same = number(sameDataAs, "sameDataAs");
        java.io.PushbackInputStream in = new java.io.PushbackInputStream(body, 1);
        int first = in.read();
        if (same != null && first != -1) {
            throw ProblemException.unprocessable("With ?sameDataAs the data of that evaluation is used: send no body.",
                    "sameDataAs", null);
        }
        if (first != -1) {
            in.unread(first);
        }
        EvaluationService.View started = service.start(id, clamped(number(version, "version")), contentType, in,
                clamped(number(k, "k")), same);
        int wait = waitSeconds(prefer);
        EvaluationService.View now = wait > 0 ? service.await(id, started.id(), Duration.ofSeconds(wait)) : started;
        java.net.URI location = uri.getBaseUriBuilder().path("api/scenarios").path(id).path("evaluations")
                .path(String.valueOf(started.id())).build();
        boolean finished = !now.status().equals("running") && !now.status().equals("queued");
        return Response.status(finished ? 201 : 202).location(location).entity(now).build();
    }

    /** An int of a parameter's value, out-of-range values at the int's ends (they are then unknown or refused). */
    private static Integer clamped(Long value) {
        return value == null ? null : (int) Math.max(Integer.MIN_VALUE, Math.min(Integer.MAX_VALUE, value));
    }

    /** A whole number from a query parameter, or null when absent; 422 naming it otherwise. */
    static Long number(String value, String name) {
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            return Long.parseLong(value.strip());
        } catch (NumberFormatException e) {
            throw ProblemException.unprocessable("'" + name + "' must be a whole number; got '" + value + "'.", name, null);
        }
    }

    @GET
    @Path("evaluations")
    @Operation(operationId = "listEvaluations", summary = "Evaluations of a scenario, newest first (at most 100)")
    public List<EvaluationService.View> list(@PathParam("id") String id) {
        return service.list(id);
    }

    @GET
    @Path("evaluations/{evaluationId: [0-9]+}")
    @Operation(operationId = "getEvaluation", summary = "Status, progress, metrics and the rows it got wrong")
    @APIResponse(responseCode = "404", description = "Unknown scenario or evaluation", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public EvaluationService.View get(@PathParam("id") String id, @PathParam("evaluationId") long evaluationId) {
        return service.get(id, evaluationId);
    }

    @POST
    @Path("evaluations/{evaluationId: [0-9]+}/cancel")
    @Operation(operationId = "cancelEvaluation", summary = "Stop a queued or running evaluation")
    @APIResponse(responseCode = "202", description = "It stops within a second or so")
    @APIResponse(responseCode = "409", description = "It is not queued or running", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Response cancel(@PathParam("id") String id, @PathParam("evaluationId") long evaluationId) {
        if (!service.cancel(id, evaluationId)) {
            throw ProblemException.conflict("Evaluation " + evaluationId + " is not queued or running.");
        }
        return Response.accepted(service.get(id, evaluationId)).build();
    }

    @DELETE
    @Path("evaluations/{evaluationId: [0-9]+}")
    @Operation(operationId = "deleteEvaluation", summary = "Delete an evaluation (a running one is stopped)")
    public Response delete(@PathParam("id") String id, @PathParam("evaluationId") long evaluationId) {
        if (!service.delete(id, evaluationId)) {
            throw ProblemException.notFound("Scenario '" + id + "' has no evaluation " + evaluationId + ".");
        }
        return Response.noContent().build();
    }

    @GET
    @Path("evaluations/compare")
    @Operation(operationId = "compareEvaluations", summary = "Two evaluations of the same data side by side: metric "
            + "deltas (candidate - base) and the rows on which they answered differently")
    @APIResponse(responseCode = "409", description = "Not both done, or different data", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public EvaluationService.Comparison compare(@PathParam("id") String id, @QueryParam("base") String baseId,
                                                @QueryParam("candidate") String candidateId) {
        Long base = number(baseId, "base");
        Long candidate = number(candidateId, "candidate");
        if (base == null || candidate == null) {
            throw ProblemException.unprocessable("Give both evaluations: ?base=ID&candidate=ID.",
                    base == null ? "base" : "candidate", null);
        }
        return service.compare(id, base, candidate);
    }

    /** The seconds of {@code Prefer: wait=N} (RFC 7240), capped at {@link #MAX_WAIT_SECONDS}; 0 when absent. */
    static int waitSeconds(String prefer) {
        if (prefer == null) {
            return 0;
        }
        for (String preference : prefer.split(",")) {
            String p = preference.strip().toLowerCase(java.util.Locale.ROOT);
            if (p.startsWith("wait=")) {
                try {
                    return (int) Math.max(0, Math.min(MAX_WAIT_SECONDS, Long.parseLong(p.substring(5).strip())));
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 0;
    }
}
