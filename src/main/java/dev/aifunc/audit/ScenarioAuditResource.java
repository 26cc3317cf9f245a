package dev.aifunc.audit;

import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** {@code GET /api/scenarios/{id}/audit}: one scenario's changes, kept after it is deleted (admin only). */
@Path("/api/scenarios/{id}/audit")
@Tag(name = "audit")
public class ScenarioAuditResource {

    private final AuditLog audit;

    public ScenarioAuditResource(AuditLog audit) {
        this.audit = audit;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "listScenarioAudit", summary = "One scenario's audit entries, newest first",
            description = "Kept after the scenario is deleted. from/to: ISO-8601 instants; limit: 1 to 1000.")
    public List<AuditLog.Entry> scenario(@PathParam("id") String id, @QueryParam("from") String from,
                                         @QueryParam("to") String to,
                                         @QueryParam("limit") @DefaultValue("100") String limit) {
        return audit.list(id, AuditResource.instant(from, "from"), AuditResource.instant(to, "to"), AuditResource.limit(limit));
    }

}
