package dev.aifunc.usage;

import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.scenario.ScenarioService;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Calls, errors and p50/p95 latency of a scenario's invoke endpoint over a time range. */
@Path("/api/scenarios/{id}/usage")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "usage", description = "How often scenarios are called, how often they fail, how fast they answer")
public class UsageResource {

    private final UsageService usage;
    private final ScenarioService scenarios;

    public UsageResource(UsageService usage, ScenarioService scenarios) {
        this.usage = usage;
        this.scenarios = scenarios;
    }

    @GET
    @Operation(operationId = "getScenarioUsage", summary = "Calls, errors and p50/p95 latency over a time range",
            description = "Records are written in batches about once a second, so the newest calls appear after "
                    + "that delay. Errors are answers with status 400 and up.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = UsageService.Usage.class)))
    @APIResponse(responseCode = "404", description = "Unknown scenario", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "Unreadable or out-of-limit range or bucket", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public UsageService.Usage get(@PathParam("id") String id,
                                  @Parameter(description = "start, ISO-8601 instant; default 24 hours before 'to'") @QueryParam("from") String from,
                                  @Parameter(description = "end (exclusive), ISO-8601 instant; default now") @QueryParam("to") String to,
                                  @Parameter(description = "bucket width, ISO-8601 duration (PT5M); default: at most 60 buckets") @QueryParam("bucket") String bucket) {
        scenarios.require(id);
        Instant end = to == null ? Instant.now() : dev.aifunc.problem.Instants.parse(to, "to");
        Instant start = from == null ? end.minus(Duration.ofHours(24)) : dev.aifunc.problem.Instants.parse(from, "from");
        Duration width = null;
        if (bucket != null) {
            try {
                width = Duration.parse(bucket);
            } catch (DateTimeParseException e) {
                throw ProblemException.unprocessable("'bucket' must be an ISO-8601 duration such as PT5M; got '"
                        + bucket + "'.", "bucket", null);
            }
        }
        return usage.usage(id, start, end, width);
    }
}
