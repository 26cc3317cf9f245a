package dev.aifunc.admin;

import dev.aifunc.scenario.ScenarioDtos;
import dev.aifunc.scenario.ScenarioService;
import dev.aifunc.scenario.Template;
import dev.aifunc.scenario.TemplateCatalog;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The admin UI's start page: scenarios and templates (the full portal is a later issue). */
@Path("/admin")
public class AdminResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance index(List<ScenarioDtos.View> scenarios, List<Template> templates);
    }

    private final ScenarioService scenarios;
    private final TemplateCatalog catalog;

    public AdminResource(ScenarioService scenarios, TemplateCatalog catalog) {
        this.scenarios = scenarios;
        this.catalog = catalog;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance index() {
        return Templates.index(scenarios.list(), catalog.all());
    }
}
