package dev.aifunc.admin;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifunc.scenario.ScenarioDtos;
import dev.aifunc.scenario.ScenarioService;
import dev.aifunc.usage.UsageService;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The Usage tab of a scenario: calls, errors and p50/p95 latency over the last hour, day or week, as charts (uPlot)
 * and as a table, from the same aggregates as {@code GET /api/scenarios/{id}/usage}.
 */
@Path("/admin/scenarios/{id}/usage")
public class UsagePagesResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance usage(UsagePage page);
    }

    /**
     * What the page shows.
     *
     * @param scenario the scenario
     * @param range    the chosen range ({@code 1h}, {@code 24h}, {@code 7d})
     * @param ranges   the ranges to choose from
     * @param usage    the aggregates
     * @param bucket   the bucket width in words ({@code 30 minutes})
     * @param json     the aggregates as JSON for the charts' script
     */
    public record UsagePage(ScenarioDtos.View scenario, String range, List<String> ranges, UsageService.Usage usage,
                            String bucket, String json) {
    }

    private static final Map<String, Duration> RANGES = Map.of(
            "1h", Duration.ofHours(1), "24h", Duration.ofHours(24), "7d", Duration.ofDays(7));
    private static final Map<String, Duration> BUCKETS = Map.of(
            "1h", Duration.ofMinutes(1), "24h", Duration.ofMinutes(30), "7d", Duration.ofHours(4));
    private static final Map<String, String> BUCKET_WORDS = Map.of("1h", "minute", "24h", "30 minutes", "7d", "4 hours");

    private final ScenarioService scenarios;
    private final UsageService usage;
    private final ObjectMapper mapper;

    public UsagePagesResource(ScenarioService scenarios, UsageService usage, ObjectMapper mapper) {
        this.scenarios = scenarios;
        this.usage = usage;
        this.mapper = mapper;
    }

    /** The usage of the last hour, day ({@code range=24h}, the default) or week. */
    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance show(@PathParam("id") String id, @QueryParam("range") String range)
            throws JsonProcessingException {
        ScenarioDtos.View scenario = scenarios.require(id);
        String chosen = range != null && RANGES.containsKey(range) ? range : "24h";
        Duration bucket = BUCKETS.get(chosen);
        // whole buckets, so the last one is the current one and the chart does not shift within a bucket
        Instant to = Instant.ofEpochSecond((Instant.now().getEpochSecond() / bucket.toSeconds() + 1) * bucket.toSeconds());
        Instant from = to.minus(RANGES.get(chosen)).truncatedTo(ChronoUnit.SECONDS);
        UsageService.Usage u = usage.usage(id, from, to, bucket);
        return Templates.usage(new UsagePage(scenario, chosen, List.of("1h", "24h", "7d"), u, BUCKET_WORDS.get(chosen),
                mapper.writeValueAsString(u).replace("</", "<\\/")));
    }
}
