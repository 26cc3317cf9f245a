package dev.aifunc.openapi;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aifunc.scenario.ScenarioDtos;
import dev.aifunc.scenario.ScenarioService;
import dev.aifunc.scenario.Template;
import dev.aifunc.scenario.TemplateCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The function contract of each scenario as OpenAPI 3.0.3: one {@code POST /api/scenarios/{id}/invoke} operation
 * per scenario, with the literal id in the path, an {@code operationId} derived from the id
 * ({@code review-sentiment} → {@code reviewSentiment}), request and response schemas from the template's input and
 * output JSON Schemas ({@code ReviewSentimentInput}, {@code ReviewSentimentOutput}), the template's example, and
 * the problem+json error responses the service really gives.
 *
 * <p>Generators turn it into one typed method per scenario: {@code new ScenariosApi(client).reviewSentiment(
 * new ReviewSentimentInput().text("…"))}. The document is built from the database on each call, so it follows
 * scenarios being created, renamed and deleted without a restart.
 */
@ApplicationScoped
public class ScenarioContract {

    /** Tag of the per-scenario operations; generators name the API class after it ({@code ScenariosApi}). */
    public static final String TAG = "scenarios";
    /** Path-item extension that marks the operations this class adds (so a rebuilt document can drop them). */
    public static final String MARK = "x-aifunc-scenario";
    /** Security scheme: {@code Authorization: Bearer <API key>}. */
    public static final String BEARER = "apiKey";
    /** Security scheme: {@code X-API-Key: <API key>}. */
    public static final String HEADER = "apiKeyHeader";
    /** Security scheme: HTTP Basic with an admin account (admin API). */
    public static final String BASIC = "adminBasic";

    /** Operation ids the annotated API already uses; a scenario whose derived id collides gets a suffix. */
    private static final Set<String> RESERVED = Set.of("invokeScenario", "invokeScenarioMultipart",
            "invokeScenarioImage", "invokeScenarioBatch");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final ScenarioService scenarios;
    private final TemplateCatalog templates;

    public ScenarioContract(ScenarioService scenarios, TemplateCatalog templates) {
        this.scenarios = scenarios;
        this.templates = templates;
    }

    /**
     * The document of one scenario (self-contained: paths, schemas, security schemes).
     *
     * @throws dev.aifunc.problem.ProblemException 404 for an unknown scenario
     */
    public ObjectNode document(String scenarioId) {
        ScenarioDtos.View scenario = scenarios.require(scenarioId);
        ObjectNode doc = skeleton();
        ObjectNode info = doc.putObject("info");
        info.put("title", scenario.name());
        info.put("version", String.valueOf(scenario.version()));
        info.put("description", describe(scenario));
        addScenario(doc, scenario, names(List.of(scenario)).get(scenario.id()));
        return doc;
    }

    /**
     * Paths and component schemas for every scenario, to be merged into the service's whole document.
     *
     * @return an OpenAPI 3.0.3 document without {@code info}
     */
    public ObjectNode allScenarios() {
        ObjectNode doc = skeleton();
        List<ScenarioDtos.View> all = scenarios.list();
        Map<String, String> names = names(all);
        for (ScenarioDtos.View scenario : all) {
            addScenario(doc, scenario, names.get(scenario.id()));
        }
        return doc;
    }

    /**
     * The method name generators use for a scenario: the id in lowerCamelCase, prefixed with {@code scenario}
     * when it starts with a digit ({@code 3d-parts} → {@code scenario3dParts}).
     */
    public static String operationId(String scenarioId) {
        StringBuilder out = new StringBuilder();
        boolean upper = false;
        for (char c : scenarioId.toCharArray()) {
            if (c == '-' || c == '_') {
                upper = out.length() > 0;
            } else {
                out.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        if (out.length() == 0 || Character.isDigit(out.charAt(0))) {
            out.insert(0, "scenario");
        }
        return out.toString();
    }

    /** Operation ids for the given scenarios, unique among themselves and the annotated API. */
    private static Map<String, String> names(List<ScenarioDtos.View> all) {
        Map<String, String> names = new LinkedHashMap<>();
        Set<String> used = new HashSet<>();
        RESERVED.forEach(r -> used.add(r.toLowerCase(Locale.ROOT)));
        all.stream().map(ScenarioDtos.View::id).sorted().forEach(id -> {
            String base = operationId(id);
            String name = base;
            if (RESERVED.contains(name)) {
                name = base + "Scenario";
            }
            for (int n = 2; used.contains(name.toLowerCase(Locale.ROOT)); n++) {
                name = base + n; // a-b and a--b both camel-case to aB; class names must differ beyond case too
            }
            used.add(name.toLowerCase(Locale.ROOT));
            names.put(id, name);
        });
        return names;
    }

    private static ObjectNode skeleton() {
        ObjectNode doc = JSON.objectNode();
        doc.put("openapi", "3.0.3");
        doc.putArray("tags").addObject().put("name", TAG)
                .put("description", "Call scenarios like functions: one operation per scenario");
        doc.putObject("paths");
        ObjectNode components = doc.putObject("components");
        ObjectNode schemas = components.putObject("schemas");
        schemas.set("Problem", problemSchema());
        schemas.set("FieldError", fieldErrorSchema());
        ObjectNode security = components.putObject("securitySchemes");
        security.putObject(BEARER).put("type", "http").put("scheme", "bearer")
                .put("description", "An API key: Authorization: Bearer <key> (created in the portal or POST /api/keys)");
        security.putObject(HEADER).put("type", "apiKey").put("in", "header").put("name", "X-API-Key")
                .put("description", "The same API key in the X-API-Key header");
        security.putObject(BASIC).put("type", "http").put("scheme", "basic")
                .put("description", "An admin account's user name and password (admin API)");
        return doc;
    }

    private void addScenario(ObjectNode doc, ScenarioDtos.View scenario, String operationId) {
        Template template = templates.get(scenario.template()).orElse(null);
        if (template == null) {
            return; // a scenario of a template that is no longer installed cannot be called
        }
        String typeName = Character.toUpperCase(operationId.charAt(0)) + operationId.substring(1);
        ObjectNode schemas = (ObjectNode) doc.path("components").path("schemas");
        ObjectNode input = OpenApiSchemas.toOpenApi30(template.inputSchema());
        input.put("description", "Input of " + scenario.name() + " (template " + template.id() + ")");
        ObjectNode output = OpenApiSchemas.toOpenApi30(template.outputSchema());
        output.put("description", "Output of " + scenario.name() + " (template " + template.id() + ")");
        if (template.exampleInput() != null && template.exampleInput().isObject()) {
            input.set("example", template.exampleInput()); // on the schema: Java generators ignore body examples
        }
        input.put(MARK, scenario.id());
        output.put(MARK, scenario.id());
        schemas.set(typeName + "Input", input);
        schemas.set(typeName + "Output", output);

        ObjectNode op = JSON.objectNode();
        op.putArray("tags").add(TAG);
        op.put("operationId", operationId);
        op.put("summary", scenario.name());
        op.put("description", describe(scenario));
        ObjectNode body = op.putObject("requestBody").put("required", true)
                .putObject("content").putObject("application/json");
        body.putObject("schema").put("$ref", "#/components/schemas/" + typeName + "Input");
        ObjectNode responses = op.putObject("responses");
        ObjectNode ok = responses.putObject("200").put("description", "The scenario's answer");
        ObjectNode headers = ok.putObject("headers");
        headers.putObject("X-Scenario-Version").put("description", "The scenario version that answered")
                .putObject("schema").put("type", "integer");
        headers.putObject("Server-Timing").put("description", "invoke;dur=<ms> spent in the service")
                .putObject("schema").put("type", "string");
        ok.putObject("content").putObject("application/json").putObject("schema")
                .put("$ref", "#/components/schemas/" + typeName + "Output");
        error(responses, "400", "The body is not readable JSON");
        error(responses, "401", "No API key, or an unknown or revoked one");
        error(responses, "403", "The API key may not call this scenario");
        error(responses, "404", "No such scenario (deleted?)");
        error(responses, "413", "The body is over the size limit");
        error(responses, "415", "The body is not application/json");
        error(responses, "422", "The input breaks the schema or a limit; 'field' names it");
        ObjectNode limited = error(responses, "429", "Over the key's rate limit or daily quota");
        ObjectNode limitedHeaders = limited.putObject("headers");
        limitedHeaders.putObject("Retry-After").put("description", "Seconds to wait")
                .putObject("schema").put("type", "integer");
        ObjectNode busy = error(responses, "503", "The model is still loading");
        busy.putObject("headers").putObject("Retry-After").put("description", "Seconds to wait")
                .putObject("schema").put("type", "integer");
        ArrayNode security = op.putArray("security");
        security.addObject().putArray(BEARER);
        security.addObject().putArray(HEADER);

        ObjectNode pathItem = JSON.objectNode();
        pathItem.set("post", op);
        pathItem.put(MARK, scenario.id());
        ((ObjectNode) doc.get("paths")).set("/api/scenarios/" + scenario.id() + "/invoke", pathItem);
    }

    private static ObjectNode error(ObjectNode responses, String status, String description) {
        ObjectNode response = responses.putObject(status).put("description", description);
        response.putObject("content").putObject("application/problem+json").putObject("schema")
                .put("$ref", "#/components/schemas/Problem");
        return response;
    }

    private static String describe(ScenarioDtos.View scenario) {
        String text = scenario.description() == null || scenario.description().isBlank()
                ? scenario.name() : scenario.description();
        return text + "\n\nScenario `" + scenario.id() + "`, template `" + scenario.template()
                + "`; the active version answers (see the X-Scenario-Version header).";
    }

    private static ObjectNode problemSchema() {
        ObjectNode s = JSON.objectNode().put("type", "object").put("description", "RFC 9457 problem details");
        ObjectNode p = s.putObject("properties");
        p.putObject("type").put("type", "string");
        p.putObject("title").put("type", "string");
        p.putObject("status").put("type", "integer").put("format", "int32");
        p.putObject("detail").put("type", "string");
        p.putObject("instance").put("type", "string");
        p.putObject("field").put("type", "string");
        p.putObject("limit").put("type", "string");
        p.putObject("errors").put("type", "array").putObject("items").put("$ref", "#/components/schemas/FieldError");
        return s;
    }

    private static ObjectNode fieldErrorSchema() {
        ObjectNode s = JSON.objectNode().put("type", "object");
        ObjectNode p = s.putObject("properties");
        p.putObject("field").put("type", "string");
        p.putObject("line").put("type", "integer").put("format", "int64");
        p.putObject("message").put("type", "string");
        p.putObject("limit").put("type", "string");
        return s;
    }

    /** Used by tests and the portal: the operation id each current scenario gets. */
    public Map<String, String> operationIds() {
        return names(scenarios.list());
    }
}
