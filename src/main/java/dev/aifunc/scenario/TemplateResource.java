package dev.aifunc.scenario;

import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The template catalogue. */
@Path("/api/templates")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "templates", description = "Scenario templates shipped with this service")
public class TemplateResource {

    private final TemplateCatalog catalog;

    public TemplateResource(TemplateCatalog catalog) {
        this.catalog = catalog;
    }

    @GET
    @Operation(operationId = "listTemplates", summary = "All templates with their config, input and output schemas")
    public List<Template> list() {
        return catalog.all();
    }

    @GET
    @Path("{templateId}")
    @Operation(operationId = "getTemplate", summary = "One template")
    @APIResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Template.class)))
    @APIResponse(responseCode = "404", description = "Unknown template", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = Problem.class)))
    public Template get(@PathParam("templateId") String id) {
        return catalog.get(id).orElseThrow(() -> ProblemException.notFound("No template '" + id + "'."));
    }
}
