package dev.aifunc.scenario;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.aifunc.model.ModelPack;
import dev.aifunc.model.ModelRegistry;
import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.task.TaskRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Scenario lifecycle: create, update (a new immutable version each time), activate an older version (rollback),
 * delete. Configs are validated against the template's config schema and the task's own rules before saving.
 * Writes are optimistic: a stale {@code If-Match} gets 412.
 */
@ApplicationScoped
public class ScenarioService {

    private final TemplateCatalog catalog;
    private final TaskRegistry tasks;
    private final ModelRegistry models;
    private final ObjectMapper mapper;

    @jakarta.inject.Inject
    dev.aifunc.audit.AuditLog audit;

    @jakarta.inject.Inject
    dev.aifunc.security.Actors actors;

    @jakarta.inject.Inject
    ScenarioChanges changes;

    public ScenarioService(TemplateCatalog catalog, TaskRegistry tasks, ModelRegistry models, ObjectMapper mapper) {
        this.catalog = catalog;
        this.tasks = tasks;
        this.models = models;
        this.mapper = mapper;
    }

    /**
     * The method name a new scenario gets: {@code ScenarioContract.operationId} of its id, or with a number after it
     * while another scenario has that name (ignoring case).
     */
    private static String freeOperationId(String id) {
        String base = dev.aifunc.openapi.ScenarioContract.operationId(id);
        java.util.Set<String> taken = new java.util.HashSet<>(Scenario.getEntityManager()
                .createQuery("select lower(s.operationId) from Scenario s where s.operationId is not null", String.class)
                .getResultList());
        String name = base;
        for (int n = 2; taken.contains(name.toLowerCase(java.util.Locale.ROOT)); n++) {
            name = base + n;
        }
        return name;
    }

    /** Names scenarios saved before method names were stored, oldest first, so existing clients keep theirs. */
    @Transactional
    void nameOlderScenarios(@jakarta.enterprise.event.Observes @jakarta.annotation.Priority(10) io.quarkus.runtime.StartupEvent event) {
        dev.aifunc.db.StartupWrites.lock();
        List<Scenario> unnamed = Scenario.list("operationId is null order by createdAt, id");
        for (Scenario s : unnamed) {
            s.operationId = freeOperationId(s.id);
            Scenario.flush();
        }
    }

    /** All scenarios, by id. */
    public List<ScenarioDtos.View> list() {
        List<Scenario> all = Scenario.list("order by id");
        return all.stream().map(s -> view(s, ScenarioVersion.of(s.id, s.activeVersion))).toList();
    }

    /** The scenario with its active version, if it exists. */
    public Optional<ScenarioDtos.View> get(String id) {
        return Scenario.<Scenario>findByIdOptional(id).map(s -> view(s, ScenarioVersion.of(s.id, s.activeVersion)));
    }

    /**
     * The scenario with its active version.
     *
     * @throws ProblemException 404 when there is no scenario with this id
     */
    public ScenarioDtos.View require(String id) {
        return get(id).orElseThrow(() -> ProblemException.notFound("No scenario '" + id + "'."));
    }

    /**
     * Creates a scenario at version 1.
     *
     * @throws ProblemException 409 when the id is taken, 422 for an unknown template or an invalid config
     */
    @Transactional
    public ScenarioDtos.View create(ScenarioDtos.Create request) {
        Template template = catalog.get(request.template()).orElseThrow(() -> ProblemException.unprocessable(
                "Unknown template '" + request.template() + "'; see GET /api/templates.", "template", null));
        if (Scenario.findById(request.id()) != null) {
            throw ProblemException.conflict("A scenario with id '" + request.id() + "' already exists.");
        }
        requirePrintable(request.name(), "name");
        requirePrintable(request.description(), "description");
        JsonNode config = validConfig(template, request.config());
        Instant now = Instant.now();
        Scenario s = new Scenario();
        s.id = request.id();
        s.template = template.id();
        s.activeVersion = 1;
        s.latestVersion = 1;
        s.createdAt = now;
        s.updatedAt = now;
        s.operationId = freeOperationId(s.id);
        s.persist();
        ScenarioVersion v = newVersion(s, 1, request.name(), request.description(), config, now);
        try {
            Scenario.flush();
        } catch (jakarta.persistence.PersistenceException e) {
            if (String.valueOf(e.getCause()).contains("scenario_operation_id")) {
                throw ProblemException.conflict("A scenario with id '" + request.id() + "' or the method name '"
                        + s.operationId + "' was created at the same moment; send the request again.");
            }
            if (e.getCause() instanceof org.hibernate.exception.ConstraintViolationException
                    || e instanceof org.hibernate.exception.ConstraintViolationException) {
                // another request created the same id between our check and our insert
                throw ProblemException.conflict("A scenario with id '" + request.id() + "' already exists.");
            }
            throw e;
        }
        changes.changed(s.id);
        audit.record(actors.current(), "scenario.create", s.id, 1, "template " + template.id() + ", name '"
                + request.name() + "'");
        return view(s, v);
    }

    /**
     * Saves a new version and activates it.
     *
     * @param ifMatch the ETag the caller last saw, or null to overwrite unconditionally
     * @throws ProblemException 404, 412 on a stale ETag, 422 for an invalid config
     */
    @Transactional
    public ScenarioDtos.View update(String id, ScenarioDtos.Update request, String ifMatch) {
        requirePrintable(request.name(), "name");
        requirePrintable(request.description(), "description");
        Scenario s = lockForWrite(id, ifMatch);
        Template template = catalog.get(s.template).orElseThrow(() -> ProblemException.conflict(
                "Template '" + s.template + "' of this scenario is no longer installed."));
        JsonNode config = validConfig(template, request.config());
        Instant now = Instant.now();
        int next = s.latestVersion + 1;
        ScenarioVersion v = newVersion(s, next, request.name(), request.description(), config, now);
        s.latestVersion = next;
        s.activeVersion = next;
        s.updatedAt = now;
        Scenario.flush();
        changes.changed(id);
        audit.record(actors.current(), "scenario.update", id, next, "new version " + next + ", name '"
                + request.name() + "'");
        return view(s, v);
    }

    /**
     * Makes an existing version the active one (rollback or roll forward). Activating the shadow candidate ends
     * shadow mode.
     *
     * @throws ProblemException 404 for an unknown scenario or version, 412 on a stale ETag
     */
    @Transactional
    public ScenarioDtos.View activate(String id, int version, String ifMatch) {
        Scenario s = lockForWrite(id, ifMatch);
        ScenarioVersion v = ScenarioVersion.of(id, version);
        if (v == null) {
            throw ProblemException.notFound("Scenario '" + id + "' has no version " + version + ".");
        }
        if (s.activeVersion != version) {
            audit.record(actors.current(), "scenario.activate", id, version, "active version " + s.activeVersion
                    + " -> " + version);
            s.activeVersion = version;
            s.updatedAt = Instant.now();
            if (Integer.valueOf(version).equals(s.shadowVersion)) {
                s.shadowVersion = null; // the candidate is promoted: nothing is left to compare it with
            }
            Scenario.flush();
            changes.changed(id);
        }
        return view(s, v);
    }

    /**
     * Deletes a scenario with all its versions and datasets.
     *
     * @return false when it did not exist
     * @throws ProblemException 412 on a stale ETag
     */
    @Transactional
    public boolean delete(String id, String ifMatch) {
        Scenario s = Scenario.findById(id);
        if (s == null) {
            return false;
        }
        checkEtag(s, ifMatch);
        audit.record(actors.current(), "scenario.delete", id, s.activeVersion, "deleted with " + s.latestVersion
                + " version(s)");
        s.delete();
        changes.changed(id);
        return true;
    }

    /** All versions, oldest first; empty when the scenario does not exist. */
    public Optional<List<ScenarioDtos.VersionView>> versions(String id) {
        return Scenario.<Scenario>findByIdOptional(id).map(s -> ScenarioVersion.of(id).stream()
                .map(v -> new ScenarioDtos.VersionView(v.version, v.name, v.description, parse(v.config),
                        v.createdAt, v.version == s.activeVersion))
                .toList());
    }

    /** The ETag of a scenario's current state. */
    public static String etag(Scenario s) {
        return "\"" + s.lockVersion + "\"";
    }

    /** The parsed config JSON of a version. */
    public JsonNode parse(String json) {
        try {
            return mapper.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored config is not JSON", e);
        }
    }

    /** Names and descriptions are text for people: NUL and other control characters (but tab and line breaks) are refused. */
    private static void requirePrintable(String text, String field) {
        if (text != null && text.chars().anyMatch(c -> Character.isISOControl(c) && c != '\t' && c != '\n' && c != '\r')) {
            throw ProblemException.unprocessable("'" + field + "' contains a control character (such as NUL); "
                    + "remove it.", field, null);
        }
    }

    /**
     * The scenario row, locked for this transaction's write ({@code SELECT ... FOR UPDATE}).
     *
     * @param ifMatch the ETag the caller last saw, or null
     * @throws ProblemException 404 unknown scenario; 412 on a stale ETag
     */
    public Scenario lockForWrite(String id, String ifMatch) {
        Scenario s = Scenario.findById(id, LockModeType.PESSIMISTIC_WRITE);
        if (s == null) {
            throw ProblemException.notFound("No scenario '" + id + "'.");
        }
        checkEtag(s, ifMatch);
        return s;
    }

    private static void checkEtag(Scenario s, String ifMatch) {
        if (ifMatch == null || ifMatch.isBlank() || ifMatch.strip().equals("*")) {
            return;
        }
        String current = etag(s);
        boolean matches = false;
        for (String tag : ifMatch.split(",")) {
            matches |= tag.strip().equals(current); // If-Match compares strongly: a weak W/ tag never matches
        }
        if (!matches) {
            throw ProblemException.preconditionFailed("Scenario '" + s.id + "' changed since you read it (ETag now "
                    + current + ", If-Match " + ifMatch + "); reload it and apply your change again.");
        }
    }

    /**
     * Checks a config against a template without saving anything (the portal's form shows every problem at once).
     *
     * @throws ProblemException 422 naming each field that breaks the config schema or the task's rules
     */
    public void checkConfig(Template template, JsonNode config) {
        validConfig(template, config);
    }

    private JsonNode validConfig(Template template, JsonNode config) {
        JsonNode given = config == null || config.isNull() ? JsonNodeFactory.instance.objectNode() : config;
        if (!given.isObject()) {
            throw ProblemException.unprocessable("'config' must be a JSON object.", "config", null);
        }
        JsonNode effective = template.effectiveConfig(given);
        List<Problem.FieldError> errors = new ArrayList<>(JsonSchemas.validate(template.compiledConfigSchema(), effective, "config"));
        if (errors.isEmpty()) {
            errors.addAll(tasks.find(template.task()).orElseThrow().validateConfig(effective));
        }
        // templates that run embedding packs (they name one per language) may override it with any embedding pack;
        // other tasks check their own modelPack (e.g. image-classification against the shipped classifiers)
        JsonNode pack = effective.get("modelPack");
        boolean embeddingTemplate = template.models() != null && !template.models().isEmpty();
        if (embeddingTemplate && pack != null && pack.isTextual() && models.pack(pack.asText()).isEmpty()) {
            errors.add(new Problem.FieldError("config.modelPack", null, "unknown model pack '" + pack.asText()
                    + "'; available: " + models.packs().stream().map(ModelPack::id).toList()));
        }
        if (!errors.isEmpty()) {
            throw ProblemException.unprocessable("The config does not fit template '" + template.id() + "': "
                    + errors.get(0).field() + " " + errors.get(0).message(), errors);
        }
        return given;
    }

    private ScenarioVersion newVersion(Scenario s, int number, String name, String description, JsonNode config,
                                       Instant now) {
        ScenarioVersion v = new ScenarioVersion();
        v.scenarioId = s.id;
        v.version = number;
        v.name = name;
        v.description = description;
        v.config = config.toString();
        v.createdAt = now;
        v.persist();
        return v;
    }

    private ScenarioDtos.View view(Scenario s, ScenarioVersion v) {
        return new ScenarioDtos.View(s.id, s.template, v.name, v.description, v.version, s.latestVersion,
                v.version == s.activeVersion, parse(v.config), s.createdAt, s.updatedAt, etag(s), s.operationId);
    }
}
