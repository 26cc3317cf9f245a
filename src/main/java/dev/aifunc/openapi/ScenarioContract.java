package dev.aifunc.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aifunc.scenario.ScenarioDtos;
import dev.aifunc.scenario.ScenarioService;
import dev.aifunc.scenario.Template;
import dev.aifunc.scenario.TemplateCatalog;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Locale;
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

    /**
     * Operation ids of the annotated API (a scenario whose name would repeat one gets the suffix {@code Scenario});
     * {@code ScenarioContractTest} checks this list against the live document.
     */
    static final Set<String> ADMIN_OPERATIONS = Set.of("activateScenarioVersion", "appendEvents", "cancelEvaluation",
            "compareEvaluations", "createApiKey", "createScenario", "deleteEvaluation", "deleteScenario",
            "deleteScenarioModel", "evaluateScenario", "getApiKey", "getDataset", "getDatasetUploadProgress",
            "getEvaluation", "getEvents", "getScenario", "getScenarioModel", "getScenarioOpenApi", "getScenarioUsage",
            "getShadow", "getTemplate", "invokeScenario", "invokeScenarioBatch", "listApiKeys", "listAudit",
            "listEvaluations", "listScenarioAudit", "listScenarioVersions", "listScenarios", "listTemplates",
            "promoteShadow", "putDataset", "putScenarioModel", "revokeApiKey", "startShadow", "stopShadow",
            "updateScenario");

    /**
     * Words generated clients cannot use as a method or class name (Java and TypeScript keywords, and names the
     * generators' own code uses); compared ignoring case, as openapi-generator does.
     */
    private static final Set<String> RESERVED_WORDS = Set.of("abstract", "assert", "boolean", "break", "byte",
            "case", "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum",
            "extends", "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "var", "record", "yield", "sealed", "permits",
            "await", "async", "delete", "export", "function", "in", "let", "of", "typeof", "with", "debugger",
            "any", "number", "string", "symbol", "type", "declare", "module", "namespace", "object", "list", "file",
            "map", "set", "date", "configuration", "apiclient", "apiexception", "apiresponse", "pair", "stringutil",
            "basepath", "requestcontext", "responsecontext", "blobapiresponse", "jsonapiresponse", "voidapiresponse",
            "textapiresponse", "runtime", "headers", "localvarpath", "localvarqueryparams", "localvarheaderparams",
            "localvarformparams", "localvarpostbody", "localvarcontenttype", "localvaraccept", "localvarauthnames",
            "localreturntype", "memberVarBuilder", "requestbuilder", "responseerror", "fetcherror",
            // members of typescript-fetch's BaseAPI, which ScenariosApi extends
            "request", "clone", "middleware", "withMiddleware", "withPreMiddleware", "withPostMiddleware", "fetchApi",
            "createFetchParams", "isJsonMime", "fetch");

    /**
     * Endings generators add to a method's name for its other members ({@code shopFaqRaw},
     * {@code ShopFaqRequest}, {@code shopFaqRequestOpts}); a name ending so could meet another scenario's member.
     */
    private static final List<String> GENERATED_SUFFIXES = List.of("Raw", "Request", "RequestOpts", "WithHttpInfo");

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
        info.put("title", text(scenario.name()));
        info.put("version", String.valueOf(scenario.version()));
        info.put("description", describe(scenario));
        addScenario(doc, scenario, operationIdOf(scenario));
        return doc;
    }

    /**
     * Paths and component schemas for every scenario, to be merged into the service's whole document.
     *
     * @return an OpenAPI 3.0.3 document without {@code info}
     */
    public ObjectNode allScenarios() {
        ObjectNode doc = skeleton();
        for (ScenarioDtos.View scenario : scenarios.list()) {
            addScenario(doc, scenario, operationIdOf(scenario));
        }
        return doc;
    }

    /**
     * The method name generators use for a scenario, derived from its id alone so it stays the same as other
     * scenarios come and go: lowerCamelCase of the dash-separated words ({@code review-sentiment} →
     * {@code reviewSentiment}); an empty word (a doubled, leading or trailing dash) is {@code Dash}
     * ({@code a--b} → {@code aDashB}); a leading digit gets {@code scenario} in front ({@code 3d-parts} →
     * {@code scenario3dParts}); a keyword or an admin operation's name gets {@code Scenario} after it
     * ({@code class} → {@code classScenario}).
     */
    public static String operationId(String scenarioId) {
        StringBuilder out = new StringBuilder();
        String[] words = scenarioId.split("-", -1);
        for (int i = 0; i < words.length; i++) {
            String word = words[i].isEmpty() ? "dash" : words[i];
            out.append(i == 0 ? word : Character.toUpperCase(word.charAt(0)) + word.substring(1));
        }
        if (Character.isDigit(out.charAt(0))) {
            out.insert(0, "scenario");
        }
        String name = out.toString();
        String lower = name.toLowerCase(Locale.ROOT);
        boolean taken = RESERVED_WORDS.stream().anyMatch(w -> w.equalsIgnoreCase(lower))
                || ADMIN_OPERATIONS.stream().anyMatch(a -> a.equalsIgnoreCase(lower))
                || GENERATED_SUFFIXES.stream().anyMatch(suffix -> name.endsWith(suffix) && name.length() > suffix.length());
        return taken ? name + "Scenario" : name;
    }

    /** The operation id a scenario got at creation (derived from its id for a row start-up has not named yet). */
    private static String operationIdOf(ScenarioDtos.View scenario) {
        return scenario.operationId() != null ? scenario.operationId() : operationId(scenario.id());
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
        input.put("description", "Input of " + text(scenario.name()) + " (template " + template.id() + ")");
        ObjectNode output = OpenApiSchemas.toOpenApi30(template.outputSchema());
        output.put("description", "Output of " + text(scenario.name()) + " (template " + template.id() + ")");
        if (template.exampleInput() != null && template.exampleInput().isObject()) {
            input.set("example", template.exampleInput()); // on the schema: Java generators ignore body examples
        }
        input.put(MARK, scenario.id());
        output.put(MARK, scenario.id());
        nameNested(input, typeName + "Input");
        nameNested(output, typeName + "Output");
        schemas.set(typeName + "Input", input);
        schemas.set(typeName + "Output", output);

        ObjectNode op = JSON.objectNode();
        op.putArray("tags").add(TAG);
        op.put("operationId", operationId);
        op.put("summary", text(scenario.name()));
        op.put("description", describe(scenario));
        ObjectNode body = op.putObject("requestBody").put("required", true)
                .putObject("content").putObject("application/json");
        body.putObject("schema").put("$ref", "#/components/schemas/" + typeName + "Input");
        ObjectNode responses = op.putObject("responses");
        ObjectNode ok = responses.putObject("200").put("description", "The scenario's answer");
        ObjectNode headers = ok.putObject("headers");
        headers.putObject("X-Scenario-Version").put("description", "The scenario version that answered")
                .putObject("schema").put("type", "integer");
        headers.putObject("Server-Timing").put("description", "invoke;dur=<ms> spent in the service, model;dur=<ms> of it waiting for model inference")
                .putObject("schema").put("type", "string");
        headers.putObject("X-Model").put("description", "The model pack that answered, when there is one")
                .putObject("schema").put("type", "string");
        rateLimitHeaders(headers);
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
        rateLimitHeaders(limitedHeaders);
        ObjectNode busy = error(responses, "503", "The model is still loading");
        busy.putObject("headers").putObject("Retry-After").put("description", "Seconds to wait")
                .putObject("schema").put("type", "integer");
        ArrayNode security = op.putArray("security");
        security.addObject().putArray(BEARER);
        security.addObject().putArray(HEADER);
        security.addObject().putArray(BASIC);

        ObjectNode pathItem = JSON.objectNode();
        pathItem.set("post", op);
        pathItem.put(MARK, scenario.id());
        ((ObjectNode) doc.get("paths")).set("/api/scenarios/" + scenario.id() + "/invoke", pathItem);
    }

    /**
     * Gives nested object schemas a title ({@code ReviewSentimentOutputNearestExample}), which generators use as the
     * model's name; without one they name it after the first scenario with the same shape, so one scenario's
     * types would change name when another scenario is deleted.
     */
    private static void nameNested(ObjectNode schema, String prefix) {
        JsonNode properties = schema.get("properties");
        if (properties == null || !properties.isObject()) {
            return;
        }
        properties.properties().forEach(e -> {
            String name = prefix + Character.toUpperCase(e.getKey().charAt(0)) + e.getKey().substring(1);
            if (!(e.getValue() instanceof ObjectNode property)) {
                return;
            }
            if (property.has("properties")) {
                property.put("title", name);
                nameNested(property, name);
            } else if (property.get("items") instanceof ObjectNode items && items.has("properties")) {
                String item = name.endsWith("s") ? name.substring(0, name.length() - 1) : name + "Item";
                items.put("title", item);
                nameNested(items, item);
            }
        });
    }

    private static void rateLimitHeaders(ObjectNode headers) {
        headers.putObject("RateLimit-Limit").put("description", "The key's limit that is closest to running out "
                + "(its burst, or its daily quota)").putObject("schema").put("type", "integer");
        headers.putObject("RateLimit-Remaining").put("description", "Calls left under that limit")
                .putObject("schema").put("type", "integer");
        headers.putObject("RateLimit-Reset").put("description", "Seconds until that limit is full again")
                .putObject("schema").put("type", "integer");
    }

    private static ObjectNode error(ObjectNode responses, String status, String description) {
        ObjectNode response = responses.putObject(status).put("description", description);
        response.putObject("content").putObject("application/problem+json").putObject("schema")
                .put("$ref", "#/components/schemas/Problem");
        return response;
    }

    /**
     * A scenario's name or description as generated code may quote it in a comment ({@code /** ... *}{@code /}):
     * {@code *}{@code /} would end the comment and let the rest run as code, so it becomes {@code * /}.
     */
    static String text(String value) {
        return value == null ? null : value.replace("*/", "* /");
    }

    private static String describe(ScenarioDtos.View scenario) {
        String text = text(scenario.description() == null || scenario.description().isBlank()
                ? scenario.name() : scenario.description());
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

    /**
     * Changes whenever a scenario is created, saved, activated or deleted (count and latest change time); the
     * document is rebuilt only then.
     */
    public String stamp() {
        Object[] row = (Object[]) dev.aifunc.scenario.Scenario.getEntityManager()
                .createQuery("select count(s), max(s.updatedAt) from Scenario s").getSingleResult();
        return row[0] + "/" + row[1];
    }
}
