package dev.aifunc.audit;

import dev.aifunc.problem.ProblemException;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/audit}: who changed what, when (admin only); one scenario's entries: {@link ScenarioAuditResource}. */
@Path("/api/audit")
@Tag(name = "audit", description = "Who changed which scenario, key or dataset, and when")
public class AuditResource {

    private final AuditLog audit;

    public AuditResource(AuditLog audit) {
        this.audit = audit;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listAudit", summary = "Audit entries, newest first",
            description = "from/to: ISO-8601 instants; limit: 1 to 1000 (default 100).")
    public List<AuditLog.Entry> all(@QueryParam("from") String from, @QueryParam("to") String to,
                                    @QueryParam("limit") @DefaultValue("100") String limit) {
        return audit.list(null, instant(from, "from"), instant(to, "to"), limit(limit));
    }

    static int limit(String value) {
        try {
            return Integer.parseInt(value.strip());
        } catch (NumberFormatException e) {
            throw ProblemException.unprocessable("limit must be a whole number from 1 to " + AuditLog.MAX_LIMIT + ".",
                    "limit", AuditLog.MAX_LIMIT + " entries");
        }
    }

    /** An optional instant parameter: null when absent or blank, else {@link dev.aifunc.problem.Instants#parse}. */
    static Instant instant(String value, String field) {
        return value == null || value.isBlank() ? null : dev.aifunc.problem.Instants.parse(value, field);
    }
}
