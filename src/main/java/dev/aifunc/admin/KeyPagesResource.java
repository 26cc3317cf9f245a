package dev.aifunc.admin;

import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.scenario.ScenarioDtos;
import dev.aifunc.scenario.ScenarioService;
import dev.aifunc.security.Actors;
import dev.aifunc.security.ApiKeys;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
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
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The portal's API keys page: the keys with their scope and limits, a form to create one (the key is shown once,
 * on the page that answers the form), and revoke buttons.
 */
@Path("/admin/keys")
public class KeyPagesResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance keys(KeysPage page);
    }

    /**
     * What the page shows.
     *
     * @param keys      every key, newest first
     * @param scenarios the scenarios a key may be scoped to
     * @param created   the key just created (its secret shown once), or null
     * @param form      the submitted form values when it is shown again with errors
     * @param errors    error message per field
     * @param message   a notice (e.g. a key was revoked), or null
     */
    public record KeysPage(List<ApiKeys.KeyView> keys, List<ScenarioDtos.View> scenarios, ApiKeys.CreatedKey created,
                           Map<String, String> form, List<String> chosen, Map<String, String> errors, String message) {
    }

    private final ApiKeys keys;
    private final ScenarioService scenarios;
    private final Actors actors;

    public KeyPagesResource(ApiKeys keys, ScenarioService scenarios, Actors actors) {
        this.keys = keys;
        this.scenarios = scenarios;
        this.actors = actors;
    }

    @GET
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public TemplateInstance list(@QueryParam("revoked") String revoked) {
        String message = revoked != null && keys.list().stream().anyMatch(k -> k.id().equals(revoked) && k.revokedAt() != null)
                ? "Key " + revoked + " is revoked: calls with it get 401 from now on." : null;
        return page(null, Map.of(), List.of(), Map.of(), message);
    }

    /** Creates a key and shows it this once; or the form again with what is wrong (422). */
    @POST
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Produces(MediaType.TEXT_HTML)
    @Operation(hidden = true)
    public Response create(MultivaluedMap<String, String> form) {
        Map<String, String> values = Map.of(
                "name", value(form, "name"), "ratePerSecond", value(form, "ratePerSecond"),
                "burst", value(form, "burst"), "dailyQuota", value(form, "dailyQuota"),
                "admin", value(form, "admin"));
        List<String> chosen = form.getOrDefault("scenarios", List.of());
        Map<String, String> errors = new java.util.LinkedHashMap<>();
        Double rate = number(values.get("ratePerSecond"), "ratePerSecond", errors, Double::valueOf);
        Integer burst = number(values.get("burst"), "burst", errors, Integer::valueOf);
        Long quota = number(values.get("dailyQuota"), "dailyQuota", errors, Long::valueOf);
        if (errors.isEmpty()) {
            try {
                ApiKeys.CreatedKey created = keys.create(new ApiKeys.CreateKey(values.get("name"), chosen,
                        "yes".equals(values.get("admin")), rate, burst, quota), actors.current());
                return Response.status(201).entity(page(created, Map.of(), List.of(), Map.of(), null)).build();
            } catch (ProblemException e) {
                Problem problem = e.toProblem(null);
                if (problem.errors() != null) {
                    problem.errors().forEach(err -> errors.putIfAbsent(err.field(), err.message()));
                } else {
                    errors.put(problem.field() == null ? "name" : problem.field(), problem.detail());
                }
            }
        }
        return Response.status(422).entity(page(null, values, chosen, errors, null)).build();
    }

    /** Revokes a key (the page asks for confirmation first). */
    @POST
    @Path("{keyId}/revoke")
    @Consumes(MediaType.APPLICATION_FORM_URLENCODED)
    @Operation(hidden = true)
    public Response revoke(@PathParam("keyId") String keyId) {
        if (!keys.revoke(keyId, actors.current())) {
            throw ProblemException.notFound("No API key '" + keyId + "'.");
        }
        return Response.seeOther(URI.create("/admin/keys?revoked=" + keyId)).build();
    }

    private TemplateInstance page(ApiKeys.CreatedKey created, Map<String, String> form, List<String> chosen,
                                  Map<String, String> errors, String message) {
        return Templates.keys(new KeysPage(keys.list(), scenarios.list(), created, form, chosen, errors, message));
    }

    private static String value(MultivaluedMap<String, String> form, String name) {
        String v = form.getFirst(name);
        return v == null ? "" : v.strip();
    }

    private static <T> T number(String text, String field, Map<String, String> errors,
                                java.util.function.Function<String, T> parse) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return parse.apply(text);
        } catch (NumberFormatException e) {
            errors.put(field, "must be a number, got '" + text + "'");
            return null;
        }
    }

    /** Scope of a key for people: "all scenarios" or the ids. */
    static String scope(ApiKeys.KeyView key) {
        return key.scenarios() == null ? "all scenarios" : key.scenarios().stream().collect(Collectors.joining(", "));
    }
}
