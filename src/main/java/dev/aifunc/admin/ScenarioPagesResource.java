package dev.aifunc.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aifunc.model.ModelPack;
import dev.aifunc.model.ModelRegistry;
import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.scenario.ScenarioDtos;
import dev.aifunc.scenario.ScenarioService;
import dev.aifunc.scenario.Template;
import dev.aifunc.scenario.TemplateCatalog;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.Validator;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.MultivaluedMap;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The portal's pages of one scenario: its overview (versions, diff, rollback, "Call it"), and the create and edit
 * forms: the controls come from the template's config JSON Schema
 * ({@link SchemaForm}), the service validates the config as it does for the API, and its field errors are shown
 * next to the fields they name. Saving an edit creates a new version.
 */
@Path("/admin/scenarios")
public class ScenarioPagesResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance form(FormPage page);

        static native TemplateInstance scenario(ScenarioDtos.View scenario, Template template,
                                                List<ScenarioDtos.VersionView> versions, CallSnippets call,
                                                Comparison comparison, String message, String operationId);
    }

    /**
     * What the form page shows.
     *
     * @param creating       true for a new scenario, false for a new version of an existing one
     * @param template       the template the scenario is made from
     * @param id             scenario id typed so far
     * @param name           scenario name typed so far
     * @param description    description typed so far
     * @param etag           the version the edit started from (for If-Match), null when creating
     * @param fields         the config controls
     * @param idError        what is wrong with the id, or null
     * @param nameError      what is wrong with the name, or null
     * @param problem        a message for the whole form, or null
     * @param exampleRequest the invoke body the template's example sends, pretty-printed
     * @param version        the active version being edited, or 0
     */
    public record FormPage(boolean creating, Template template, String id, String name, String description,
                           String etag, List<SchemaForm.Field> fields, String idError, String nameError,
                           String problem, String exampleRequest, int version) {
    }

    private final ScenarioService scenarios;
    private final TemplateCatalog catalog;
    private final ModelRegistry models;
    private final Validator validator;
    private final dev.aifunc.task.TaskRegistry tasks;

    public ScenarioPagesResource(ScenarioService scenarios, TemplateCatalog catalog, ModelRegistry models,
                                 Validator validator, dev.aifunc.task.TaskRegistry tasks) {
        this.scenarios = scenarios;
        this.catalog = catalog;
        this.models = models;
        this.validator = validator;
        this.tasks = tasks;
    }

    /** One scenario: its versions and how to call it. */
    @GET
    @Path("{id}")
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance scenario(@jakarta.ws.rs.PathParam("id") String id,
                                     @jakarta.ws.rs.QueryParam("from") String fromParam,
                                     @jakarta.ws.rs.QueryParam("to") String toParam,
                                     @jakarta.ws.rs.QueryParam("activated") String activatedParam,
                                     @jakarta.ws.rs.QueryParam("saved") String savedParam,
                                     @jakarta.ws.rs.QueryParam("unchanged") String unchanged,
                                     @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri) {
        ScenarioDtos.View view = scenarios.require(id);
        Template template = catalog.get(view.template()).orElseThrow();
        boolean image = tasks.takesImage(template.task());
        String base = uri.getBaseUri().toString().replaceAll("/+$", "");
        List<ScenarioDtos.VersionView> versions = scenarios.versions(id).orElse(List.of());
        // the query only picks what to show: anything unreadable or unknown is ignored, never an error
        Integer from = versionParam(fromParam, versions);
        Integer to = versionParam(toParam, versions);
        Integer activated = versionParam(activatedParam, versions);
        Integer saved = versionParam(savedParam, versions);
        Comparison comparison = null;
        if (versions.size() > 1) {
            int a = from != null ? from : versions.size() - 1;
            int b = to != null ? to : versions.size();
            ScenarioDtos.VersionView va = versions.stream().filter(v -> v.version() == a).findFirst().orElse(null);
            ScenarioDtos.VersionView vb = versions.stream().filter(v -> v.version() == b).findFirst().orElse(null);
            if (va != null && vb != null) {
                List<ConfigDiff.Change> changes = new ArrayList<>(ConfigDiff.of(about(va), about(vb)));
                changes.addAll(ConfigDiff.of(va.config(), vb.config()));
                comparison = new Comparison(a, b, changes);
            }
        }
        // a message only when it is still true (the query may come from a bookmark or another tab)
        activated = activated != null && activated == view.version() ? activated : null;
        saved = saved != null && saved == view.version() ? saved : null;
        String message = activated != null ? "Version v" + activated + " is now active: calls are answered by it."
                : saved != null && saved == 1 && versions.size() == 1
                ? "Scenario created. Its endpoint POST /api/scenarios/" + id + "/invoke answers now: try it in the playground."
                : saved != null ? "Saved as version v" + saved + "; it is active now."
                : unchanged != null ? "Nothing was changed, so no new version was saved." : null;
        String operationId = view.operationId() != null ? view.operationId()
                : dev.aifunc.openapi.ScenarioContract.operationId(id);
        return Templates.scenario(view, template, versions,
                CallSnippets.of(base, id, template.exampleInput(), image, operationId), comparison, message, operationId);
    }

    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    /** Equal as JSON values, whatever the key order and number types (5 and 5L). */
    private static boolean sameJson(JsonNode a, JsonNode b) {
        try {
            return JSON.readTree(a.toString()).equals(JSON.readTree(b == null ? "{}" : b.toString()));
        } catch (java.io.IOException e) {
            return false;
        }
    }

    /** The name and description of a version, diffed like config fields (shown as "(name)", "(description)"). */
    private static JsonNode about(ScenarioDtos.VersionView v) {
        ObjectNode about = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        about.put("(name)", v.name());
        if (v.description() != null) {
            about.put("(description)", v.description());
        }
        return about;
    }

    /** A version number from the query when it names an existing version, else null. */
    private static Integer versionParam(String text, List<ScenarioDtos.VersionView> versions) {
        if (text == null || !text.matches("\\d{1,9}")) {
            return null;
        }
        int n = Integer.parseInt(text);
        return versions.stream().anyMatch(v -> v.version() == n) ? n : null;
    }

    /** The config changes from version {@code from} to version {@code to}. */
    public record Comparison(int from, int to, List<ConfigDiff.Change> changes) {
    }

    /** Activates a version (rollback or roll forward) from the versions table, then shows the scenario again. */
    @jakarta.ws.rs.POST
    @Path("{id}/activate")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response activate(@jakarta.ws.rs.PathParam("id") String id,
                                                @jakarta.ws.rs.FormParam("version") String versionField) {
        if (versionField == null || !versionField.strip().matches("\\d{1,9}")) {
            throw ProblemException.unprocessable("'version' must be a version number such as 1; got '"
                    + versionField + "'.", "version", null);
        }
        int version = Integer.parseInt(versionField.strip());
        scenarios.activate(id, version, null);
        return jakarta.ws.rs.core.Response.seeOther(java.net.URI.create("/admin/scenarios/" + id + "?activated=" + version)).build();
    }


    /** Deletes the scenario with its versions and datasets (the page asks for confirmation first). */
    @POST
    @Path("{id}/delete")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response delete(@PathParam("id") String id) {
        if (!scenarios.delete(id, null)) {
            throw ProblemException.notFound("No scenario '" + id + "'.");
        }
        return Response.seeOther(URI.create("/admin?deleted=" + java.net.URLEncoder.encode(id,
                java.nio.charset.StandardCharsets.UTF_8))).build();
    }

    /** The empty form for a new scenario from a template of the gallery. */
    @GET
    @Path("new")
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance newForm(@QueryParam("template") String templateId) {
        Template template = template(templateId);
        String id = template.id();
        for (int n = 2; scenarios.get(id).isPresent(); n++) {
            id = template.id() + "-" + n;
        }
        return page(true, template, id, template.title(), "", null, null, List.of(), null, null, null, 0);
    }

    /** Creates the scenario at version 1, or shows the form again with what is wrong (422). */
    @POST
    @Path("new")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response create(MultivaluedMap<String, String> form) {
        Template template = template(form.getFirst("template"));
        String id = value(form, "id").strip();
        String name = value(form, "name").strip();
        String description = blankToNull(value(form, "description"));
        List<Problem.FieldError> errors = new ArrayList<>();
        ObjectNode config = FormValues.read(template.configSchema(), "config", form, errors);
        ScenarioDtos.Create request = new ScenarioDtos.Create(id, template.id(), name, description, config);
        var violations = validator.validate(request);
        String idError = violation(violations, "id");
        String nameError = violation(violations, "name");
        if (errors.isEmpty() && idError == null && nameError == null) {
            try {
                scenarios.create(request);
                return Response.seeOther(URI.create("/admin/scenarios/" + id + "?saved=1")).build();
            } catch (ProblemException e) {
                if (e.status() != 409) {
                    errors.addAll(fieldErrors(e));
                } else {
                    idError = e.getMessage() + " Pick another id.";
                }
            }
        }
        if (errors.isEmpty()) {
            // the id or name is wrong (or taken): still say at once what is wrong with the settings
            try {
                scenarios.checkConfig(template, config);
            } catch (ProblemException configProblem) {
                errors.addAll(fieldErrors(configProblem));
            }
        }
        return Response.status(422).entity(page(true, template, id, name, description, null, config, errors,
                idError, nameError, summary(errors), 0)).build();
    }

    /** The form for a new version, filled with the active version's config. */
    @GET
    @Path("{id}/edit")
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance editForm(@PathParam("id") String id) {
        ScenarioDtos.View view = scenario(id);
        return page(false, template(view.template()), id, view.name(), view.description(), view.etag(), view.config(),
                List.of(), null, null, null, view.version());
    }

    /** Saves a new version and activates it, or shows the form again with what is wrong (422, or 412 if stale). */
    @POST
    @Path("{id}/edit")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response update(@PathParam("id") String id, MultivaluedMap<String, String> form) {
        ScenarioDtos.View view = scenario(id);
        Template template = template(view.template());
        String name = value(form, "name").strip();
        String description = blankToNull(value(form, "description"));
        String etag = blankToNull(value(form, "etag"));
        List<Problem.FieldError> errors = new ArrayList<>();
        ObjectNode config = FormValues.read(template.configSchema(), "config", form, errors);
        ScenarioDtos.Update request = new ScenarioDtos.Update(name, description, config);
        String nameError = violation(validator.validate(request), "name");
        String problem = null;
        int status = 422;
        if (errors.isEmpty() && nameError == null && name.equals(view.name())
                && java.util.Objects.equals(description, view.description()) && sameJson(config, view.config())
                && (etag == null || etag.equals(view.etag()))) {
            // nothing changed: no identical version in the history
            return Response.seeOther(URI.create("/admin/scenarios/" + id + "?unchanged=1")).build();
        }
        if (errors.isEmpty() && nameError == null) {
            try {
                ScenarioDtos.View saved = scenarios.update(id, request, etag);
                return Response.seeOther(URI.create("/admin/scenarios/" + id + "?saved=" + saved.version())).build();
            } catch (ProblemException e) {
                if (e.status() == 412) {
                    status = 412;
                    problem = "Someone saved this scenario after you opened the form (it is now at v"
                            + scenario(id).latestVersion() + "). Open the form again to start from the newest "
                            + "version; your changes here were not saved.";
                } else {
                    errors.addAll(fieldErrors(e));
                }
            }
        }
        return Response.status(status).entity(page(false, template, id, name, description, etag, config, errors,
                null, nameError, problem != null ? problem : summary(errors), view.version())).build();
    }

    private TemplateInstance page(boolean creating, Template template, String id, String name, String description,
                                  String etag, JsonNode config, List<Problem.FieldError> errors, String idError,
                                  String nameError, String problem, int version) {
        Map<String, List<String>> choices = template.models() != null && !template.models().isEmpty()
                ? Map.of("modelPack", models.packs().stream().map(ModelPack::id).toList()) : Map.of();
        List<SchemaForm.Field> fields = SchemaForm.fields(template.configSchema(), "config", config,
                template.defaults(), choices, errors);
        return Templates.form(new FormPage(creating, template, id, name, description == null ? "" : description,
                etag, fields, idError, nameError, problem, CallSnippets.exampleBody(template.exampleInput()), version));
    }

    private Template template(String id) {
        if (id == null || id.isBlank()) {
            throw ProblemException.notFound("No template was chosen. Pick one from the gallery on the start page.");
        }
        return catalog.get(id).orElseThrow(() -> ProblemException.notFound(
                "There is no template '" + id + "'. Pick one from the gallery on the start page."));
    }

    private ScenarioDtos.View scenario(String id) {
        return scenarios.require(id);
    }

    /** The field errors of a 422 from the service, or its message as a whole-form error. */
    private static List<Problem.FieldError> fieldErrors(ProblemException e) {
        Problem p = e.toProblem(null);
        if (p.errors() != null && !p.errors().isEmpty()) {
            return p.errors();
        }
        return List.of(new Problem.FieldError(p.field() == null ? "(form)" : p.field(), null, e.getMessage()));
    }

    private static String summary(List<Problem.FieldError> errors) {
        if (errors.isEmpty()) {
            return null;
        }
        return errors.size() == 1 ? "One field needs a change before this can be saved; it is marked below."
                : errors.size() + " fields need a change before this can be saved; they are marked below.";
    }

    private static String violation(java.util.Set<? extends ConstraintViolation<?>> violations, String property) {
        return violations.stream().filter(v -> v.getPropertyPath().toString().equals(property))
                .map(v -> "name".equals(property)
                        ? (v.getMessage().startsWith("size") ? "The name may have at most 200 characters."
                        : "Give the scenario a name.")
                        : words(property) + " " + v.getMessage() + ".").findFirst().orElse(null);
    }

    private static String words(String property) {
        return "id".equals(property) ? "The id" : "The name";
    }

    private static String value(MultivaluedMap<String, String> form, String name) {
        String v = form.getFirst(name);
        return v == null ? "" : v;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.strip();
    }
}
