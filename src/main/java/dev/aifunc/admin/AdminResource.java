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
        static native TemplateInstance index(List<ScenarioDtos.View> scenarios, List<Gallery> gallery, String user);

        static native TemplateInstance login(boolean error, boolean signedOut);

        static native TemplateInstance scenario(ScenarioDtos.View scenario, Template template,
                                                List<ScenarioDtos.VersionView> versions, CallSnippets call, String user,
                                                Comparison comparison, String message);
    }

    private final ScenarioService scenarios;
    private final TemplateCatalog catalog;
    private final dev.aifunc.task.TaskRegistry tasks;

    public AdminResource(ScenarioService scenarios, TemplateCatalog catalog, dev.aifunc.task.TaskRegistry tasks) {
        this.scenarios = scenarios;
        this.catalog = catalog;
        this.tasks = tasks;
    }

    /** One scenario: its versions and how to call it. */
    @GET
    @Path("scenarios/{id}")
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance scenario(@jakarta.ws.rs.PathParam("id") String id,
                                     @jakarta.ws.rs.QueryParam("from") Integer from,
                                     @jakarta.ws.rs.QueryParam("to") Integer to,
                                     @jakarta.ws.rs.QueryParam("activated") Integer activated,
                                     @jakarta.ws.rs.core.Context jakarta.ws.rs.core.UriInfo uri,
                                     @jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security) {
        ScenarioDtos.View view = scenarios.get(id).orElseThrow(() ->
                dev.aifunc.problem.ProblemException.notFound("No scenario '" + id + "'."));
        Template template = catalog.get(view.template()).orElseThrow();
        boolean image = tasks.find(template.task()).map(dev.aifunc.task.Task::takesImage).orElse(false);
        String base = uri.getBaseUri().toString().replaceAll("/+$", "");
        List<ScenarioDtos.VersionView> versions = scenarios.versions(id).orElse(List.of());
        Comparison comparison = null;
        if (versions.size() > 1) {
            int a = from != null ? from : versions.size() - 1;
            int b = to != null ? to : versions.size();
            ScenarioDtos.VersionView va = versions.stream().filter(v -> v.version() == a).findFirst().orElse(null);
            ScenarioDtos.VersionView vb = versions.stream().filter(v -> v.version() == b).findFirst().orElse(null);
            if (va != null && vb != null) {
                comparison = new Comparison(a, b, ConfigDiff.of(va.config(), vb.config()));
            }
        }
        return Templates.scenario(view, template, versions, CallSnippets.of(base, id, template.exampleInput(), image),
                security.getUserPrincipal().getName(), comparison,
                activated == null ? null : "Version v" + activated + " is now active: calls are answered by it.");
    }

    /** The config changes from version {@code from} to version {@code to}. */
    public record Comparison(int from, int to, List<ConfigDiff.Change> changes) {
    }

    /** Activates a version (rollback or roll forward) from the versions table, then shows the scenario again. */
    @jakarta.ws.rs.POST
    @Path("scenarios/{id}/activate")
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response activate(@jakarta.ws.rs.PathParam("id") String id,
                                                @jakarta.ws.rs.FormParam("version") int version) {
        scenarios.activate(id, version, null);
        return jakarta.ws.rs.core.Response.seeOther(java.net.URI.create("/admin/scenarios/" + id + "?activated=" + version)).build();
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance index(@jakarta.ws.rs.core.Context jakarta.ws.rs.core.SecurityContext security) {
        return Templates.index(scenarios.list(), gallery(catalog.all()), security.getUserPrincipal().getName());
    }

    /** One group of the template gallery: a kind of scenario and its templates. */
    public record Gallery(String kind, String heading, String blurb, List<Template> templates) {
    }

    /** Templates grouped by kind, in the order vision, NLP, recommendation. */
    static List<Gallery> gallery(List<Template> all) {
        List<Gallery> groups = new java.util.ArrayList<>();
        for (String[] k : new String[][] {
                {"vision", "Vision", "Photos and scans in, structured results out."},
                {"nlp", "Text (NLP)", "Sentences in: meaning, labels, answers."},
                {"recommendation", "Recommendation", "Your catalogue and your users' events in: items for each user."}}) {
            List<Template> ofKind = all.stream().filter(t -> k[0].equals(t.kind())).toList();
            if (!ofKind.isEmpty()) {
                groups.add(new Gallery(k[0], k[1], k[2], ofKind));
            }
        }
        return groups;
    }

    /** The sign-in form; it posts to Quarkus' form authentication ({@code /j_security_check}). */
    @GET
    @Path("login")
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance login(@jakarta.ws.rs.QueryParam("error") boolean error,
                                  @jakarta.ws.rs.QueryParam("signed-out") boolean signedOut) {
        return Templates.login(error, signedOut);
    }

    /** Signs out: the session cookie is expired and the browser goes back to the sign-in form. */
    @jakarta.ws.rs.POST
    @Path("logout")
    @Operation(hidden = true)
    public jakarta.ws.rs.core.Response logout() {
        return jakarta.ws.rs.core.Response.seeOther(java.net.URI.create("/admin/login?signed-out=true"))
                .cookie(new jakarta.ws.rs.core.NewCookie.Builder(SESSION_COOKIE).value("").path("/").maxAge(0)
                        .httpOnly(true).sameSite(jakarta.ws.rs.core.NewCookie.SameSite.STRICT).build())
                .build();
    }

    /** Name of the session cookie ({@code quarkus.http.auth.form.cookie-name}). */
    static final String SESSION_COOKIE = "aifunc-session";
}
