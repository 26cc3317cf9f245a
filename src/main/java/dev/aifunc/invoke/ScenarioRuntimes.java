package dev.aifunc.invoke;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.dataset.DatasetService;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.scenario.ScenarioChanges;
import dev.aifunc.scenario.ScenarioHeads;
import dev.aifunc.scenario.ScenarioService;
import dev.aifunc.scenario.ScenarioVersion;
import dev.aifunc.scenario.Template;
import dev.aifunc.scenario.TemplateCatalog;
import dev.aifunc.task.ScenarioSnapshot;
import dev.aifunc.task.Task;
import dev.aifunc.task.TaskRegistry;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Resolves the active version of a scenario and keeps its prepared task state (embedded examples, FAQ index) in
 * memory, keyed by version and dataset revisions, so it is built once and rebuilt only after a change. The states
 * of the active version and of a shadow candidate are kept; another version is built for its caller only. A call on a
 * prepared scenario reads nothing from the database: the active version and revisions come from
 * {@link ScenarioHeads}, which {@link ScenarioChanges} keeps current across replicas.
 */
@ApplicationScoped
public class ScenarioRuntimes {

    private static final org.jboss.logging.Logger LOG = org.jboss.logging.Logger.getLogger(ScenarioRuntimes.class);

    /** A scenario version ready to answer calls. */
    public record Runtime(ScenarioSnapshot snapshot, Task<Object> task, Object state) {
    }

    private final TemplateCatalog catalog;
    private final TaskRegistry tasks;
    private final ScenarioService scenarios;
    private final DatasetService datasets;
    private final ScenarioHeads heads;
    private final Map<String, Runtime> prepared = new ConcurrentHashMap<>();
    /** Versions (state keys) whose preparation failed, with the reason, until {@link #RETRY_FAILED_MS} have passed. */
    private final Map<String, Failure> failed = new ConcurrentHashMap<>();

    /** Why a scenario version could not be prepared, and when. */
    private record Failure(String reason, long atNanos) {
    }

    /** How long a failed preparation answers 503 with its reason before a call tries again (ms). */
    static final long RETRY_FAILED_MS = 60_000;
    /** One lock per scenario id, so a scenario is prepared once while others are served. */
    private final Map<String, java.util.concurrent.locks.ReentrantLock> locks = new ConcurrentHashMap<>();
    private final long prepareWaitMs;

    private final dev.aifunc.db.DatabaseStatus database;

    public ScenarioRuntimes(TemplateCatalog catalog, TaskRegistry tasks, ScenarioService scenarios,
                            DatasetService datasets, ScenarioHeads heads, dev.aifunc.model.ModelsConfig models,
                            dev.aifunc.db.DatabaseStatus database) {
        this.database = database;
        this.heads = heads;
        this.prepareWaitMs = models.acquireTimeoutMs();
        this.catalog = catalog;
        this.tasks = tasks;
        this.scenarios = scenarios;
        this.datasets = datasets;
    }

    /**
     * The runtime of a scenario's active version (or of {@code version} when not null), preparing it if needed.
     *
     * @throws ProblemException 404 unknown scenario or version; 503 while a model pack loads, or (with the reason,
     *                          for a minute) when preparing the version failed
     */
    @SuppressWarnings("unchecked")
    public Runtime runtime(String scenarioId, Integer version) {
        // hot path: the head comes from memory; the version's config is parsed and the task state built only when
        // that key has not been prepared yet
        ScenarioHeads.Head s = head(scenarioId);
        int number = version == null ? s.activeVersion() : version;
        Map<String, Long> revisions = s.revisions();
        String key = ScenarioSnapshot.stateKey(scenarioId, number, revisions);
        Runtime current = prepared.get(key);
        if (current != null) {
            return current;
        }
        java.util.concurrent.locks.ReentrantLock lock = locks.computeIfAbsent(scenarioId,
                k -> new java.util.concurrent.locks.ReentrantLock());
        if (!lock.tryLock()) {
            // another call prepares this scenario (e.g. a large dataset being embedded): the same version with its
            // previous data keeps answering meanwhile; without one, wait a bounded time, then 503
            String sameVersion = scenarioId + "@" + number + "#";
            for (Map.Entry<String, Runtime> e : prepared.entrySet()) {
                if (e.getKey().startsWith(sameVersion)) {
                    return e.getValue();
                }
            }
            try {
                if (!lock.tryLock(prepareWaitMs, java.util.concurrent.TimeUnit.MILLISECONDS)) {
                    throw ProblemException.unavailable("Scenario '" + scenarioId + "' is being prepared with new "
                            + "settings or data; try again in a few seconds.", 5);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ProblemException.unavailable("Interrupted while scenario '" + scenarioId + "' was prepared.", 5);
            }
        }
        try {
            current = prepared.get(key);
            if (current == null) {
                Failure failure = failed.get(key);
                if (failure != null && System.nanoTime() - failure.atNanos() < RETRY_FAILED_MS * 1_000_000) {
                    throw failedProblem(scenarioId, failure.reason(), failure.atNanos());
                }
                database.requireAvailable(); // preparing reads the version and its data
                ScenarioSnapshot snapshot = snapshot(s, number, revisions);
                Task<Object> task = (Task<Object>) tasks.find(snapshot.template().task()).orElseThrow();
                Object state;
                try {
                    state = task.prepare(snapshot);
                    failed.remove(key);
                } catch (ProblemException e) {
                    throw e; // the config or data is not ready yet (no model, a pack loading): said as it is
                } catch (RuntimeException e) {
                    if (dev.aifunc.problem.ProblemMappers.databaseUnavailable(e)) {
                        throw e; // the database is away, not the scenario broken: the next call tries again
                    }
                    String reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                    long at = System.nanoTime();
                    failed.put(key, new Failure(reason, at));
                    LOG.warnf(e, "Scenario '%s' version %d could not be prepared", scenarioId, number);
                    throw failedProblem(scenarioId, reason, at);
                }
                current = new Runtime(snapshot, task, state);
                if (kept(s, number)) {
                    // drop states of other versions and older dataset revisions, but keep the active version's and
                    // the shadow candidate's: both answer every call while shadow mode is on
                    prepared.keySet().removeIf(k -> k.startsWith(scenarioId + "@")
                            && (k.startsWith(scenarioId + "@" + number + "#") || !kept(s, versionOf(k))));
                    prepared.put(key, current);
                }
                // any other version (an evaluation of an old one) is built for its caller and not kept
            }
        } finally {
            lock.unlock();
        }
        return current;
    }

    private static ProblemException failedProblem(String scenarioId, String reason, long atNanos) {
        long left = RETRY_FAILED_MS - (System.nanoTime() - atNanos) / 1_000_000;
        return ProblemException.unavailable("Scenario '" + scenarioId + "' could not be prepared: "
                + reason.replaceAll("(/[^\\s:]+)+", "(file)"), (int) Math.max(1, (left + 999) / 1000));
    }

    /**
     * What a task sees of a scenario version (active when {@code version} is null), without preparing it.
     *
     * @throws ProblemException 404 unknown scenario or version
     */
    public ScenarioSnapshot snapshot(String scenarioId, Integer version) {
        ScenarioHeads.Head s = head(scenarioId);
        return snapshot(s, version == null ? s.activeVersion() : version, s.revisions());
    }

    /** Drops the prepared states of a scenario that was deleted (here or on another replica). */
    void changed(@jakarta.enterprise.event.Observes ScenarioChanges.Changed change) {
        String id = change.scenarioId();
        failed.keySet().removeIf(k -> k.startsWith(id + "@"));
        if (heads.get(id).isEmpty()) {
            prepared.keySet().removeIf(k -> k.startsWith(id + "@"));
            locks.remove(id);
        }
    }

    /**
     * The template of a scenario, from memory (no version is read).
     *
     * @throws ProblemException 404 unknown scenario; 409 when its template is no longer installed
     */
    public Template template(String scenarioId) {
        ScenarioHeads.Head s = head(scenarioId);
        return catalog.get(s.template()).orElseThrow(() -> ProblemException.conflict(
                "Template '" + s.template() + "' of scenario '" + scenarioId + "' is not installed."));
    }

    /** The version the shadow candidate of a scenario has (from memory), or null when shadow mode is off. */
    public Integer shadowVersion(String scenarioId) {
        return heads.get(scenarioId).map(ScenarioHeads.Head::shadowVersion).orElse(null);
    }

    private static boolean kept(ScenarioHeads.Head s, int version) {
        return version == s.activeVersion() || Integer.valueOf(version).equals(s.shadowVersion());
    }

    private static int versionOf(String key) {
        return Integer.parseInt(key.substring(key.indexOf('@') + 1, key.indexOf('#'))); // "id@version#{revisions}"
    }

    private ScenarioHeads.Head head(String scenarioId) {
        return heads.get(scenarioId).orElseThrow(() -> ProblemException.notFound("No scenario '" + scenarioId + "'."));
    }

    private ScenarioSnapshot snapshot(ScenarioHeads.Head s, int number, Map<String, Long> revisions) {
        String scenarioId = s.id();
        ScenarioVersion v = ScenarioVersion.of(scenarioId, number);
        if (v == null) {
            throw ProblemException.notFound("Scenario '" + scenarioId + "' has no version " + number + ".");
        }
        Template template = catalog.get(s.template()).orElseThrow(() -> ProblemException.conflict(
                "Template '" + s.template() + "' of scenario '" + scenarioId + "' is not installed."));
        JsonNode config = scenarios.parse(v.config);
        return new ScenarioSnapshot(scenarioId, number, template, template.effectiveConfig(config),
                revisions, name -> datasets.rows(scenarioId, name, 0));
    }
}
