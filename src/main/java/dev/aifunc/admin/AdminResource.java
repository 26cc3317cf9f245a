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

/** The portal's start page (scenarios and the template gallery), sign-in and sign-out. */
@Path("/admin")
public class AdminResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance index(List<ScenarioDtos.View> scenarios, List<Gallery> gallery, String message);

        static native TemplateInstance login(boolean error, boolean signedOut);

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
    public TemplateInstance index(@jakarta.ws.rs.QueryParam("deleted") String deleted) {
        boolean gone = deleted != null && deleted.matches("[a-z0-9-]{1,64}") && scenarios.get(deleted).isEmpty();
        return Templates.index(scenarios.list(), gallery(catalog.all()),
                gone ? "Scenario '" + deleted + "' was deleted." : null);
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
    @jakarta.ws.rs.Consumes(MediaType.APPLICATION_FORM_URLENCODED)
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
