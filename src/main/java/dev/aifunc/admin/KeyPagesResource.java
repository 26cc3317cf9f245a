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
     * @param baseUrl   the service's URL, for the example call
     */
    public record KeysPage(List<ApiKeys.KeyView> keys, List<ScenarioDtos.View> scenarios, ApiKeys.CreatedKey created,
                           Map<String, String> form, List<String> chosen, Map<String, String> errors, String message,
                           String baseUrl) {
    }

    @jakarta.ws.rs.core.Context
    jakarta.ws.rs.core.UriInfo uri;

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
        // the form's fields as the API's JSON: numbers as numbers (so 1.5 for a burst is refused the same way)
        com.fasterxml.jackson.databind.node.ObjectNode body = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        body.put("name", values.get("name"));
        chosen.forEach(body.withArray("scenarios")::add);
        switch (values.get("admin")) {
            case "yes" -> body.put("admin", true);
            case "no", "" -> body.put("admin", false);
            default -> errors.put("admin", "must be yes or no");
        }
        for (String field : List.of("ratePerSecond", "burst", "dailyQuota")) {
            String text = values.get(field);
            if (!text.isEmpty()) {
                try {
                    body.put(field, new java.math.BigDecimal(text));
                } catch (NumberFormatException e) {
                    errors.put(field, "must be a number, got '" + text + "'");
                }
            }
        }
        if (errors.isEmpty()) {
            try {
                ApiKeys.CreatedKey created = keys.create(integral(body), actors.current());
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
        String base = uri == null ? "" : uri.getBaseUri().toString().replaceAll("/$", "");
        return Templates.keys(new KeysPage(keys.list(), scenarios.list(), created, form, chosen, errors, message, base));
    }

    private static String value(MultivaluedMap<String, String> form, String name) {
        String v = form.getFirst(name);
        return v == null ? "" : v.strip();
    }

    /** Whole decimals (a typed "10") as JSON integers, as a JSON client would send them. */
    private static com.fasterxml.jackson.databind.node.ObjectNode integral(com.fasterxml.jackson.databind.node.ObjectNode body) {
        for (String field : List.of("burst", "dailyQuota")) {
            if (body.get(field) != null && body.get(field).isBigDecimal()) {
                java.math.BigDecimal value = body.get(field).decimalValue();
                if (value.signum() == 0 || value.stripTrailingZeros().scale() <= 0) {
                    try {
                        body.put(field, value.toBigIntegerExact());
                    } catch (ArithmeticException e) {
                        // not whole: left as it is, and refused as such
                    }
                }
            }
        }
        return body;
    }
}
