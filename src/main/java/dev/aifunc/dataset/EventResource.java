package dev.aifunc.dataset;

import dev.aifunc.invoke.ScenarioRuntimes;
import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Interaction events of recommendation scenarios: append (single or bulk, idempotent) and inspect. */
@Path("/api/scenarios/{id}/events")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "datasets", description = "Data that scenarios own: FAQ pairs, labelled examples, catalogues, models")
public class EventResource {

    private final EventService events;
    private final EventImport intake;

    public EventResource(EventService events, EventImport intake) {
        this.events = events;
        this.intake = intake;
    }

    @POST
    @Consumes(MediaType.WILDCARD)
    @Operation(operationId = "appendEvents", summary = "Append interaction events (one, {\"events\": [...]}, or JSON Lines)",
            description = "Fields: userId, itemId (required), type (default 'interaction'), weight (default 1), timestamp "
                    + "(ISO-8601 or epoch seconds/ms; default now), eventId (optional: an event id seen before is skipped, "
                    + "so retries are safe). Atomic: all events of the request are stored or none. Up to 100,000 per request.")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = EventService.AppendResult.class)))
    @APIResponse(responseCode = "400", description = "Unreadable JSON", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "Unknown scenario", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "413", description = "Too many events", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "415", description = "Not JSON or JSON Lines", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "422", description = "A scenario that takes no events, or broken event fields (all named); nothing stored", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public EventService.AppendResult append(@PathParam("id") String id, @HeaderParam("Content-Type") String contentType,
                                            byte[] body) {
        intake.takingEvents(id);
        String type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT).split(";")[0].strip();
        boolean jsonLines = DatasetService.isJsonLines(type);
        if (!jsonLines && !type.equals("application/json")) {
            throw new ProblemException(415, "Unsupported Media Type", "Send events as application/json "
                    + "or application/x-ndjson (JSON Lines); got " + (type.isEmpty() ? "no Content-Type" : type) + ".",
                    "Content-Type", null, null, null);
        }
        return intake.append(id, body, jsonLines);
    }

    @GET
    @Operation(operationId = "getEvents", summary = "Counts of the event log and the state of the model learned from it")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(type = org.eclipse.microprofile.openapi.annotations.enums.SchemaType.OBJECT)))
    @APIResponse(responseCode = "404", description = "Unknown scenario", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Map<String, Object> get(@PathParam("id") String id) {
        ScenarioRuntimes.Runtime runtime = intake.takingEvents(id);
        EventService.Stats stats = events.stats(id);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("events", stats.events());
        out.put("users", stats.users());
        out.put("items", stats.items());
        out.put("revision", stats.revision());
        out.put("lastEventAt", stats.lastEventAt());
        out.put("model", runtime.task().status(runtime.state()));
        return out;
    }
}
