package dev.aifunc.evaluation;

import dev.aifunc.problem.ProblemException;
import dev.aifunc.scenario.Scenario;
import dev.aifunc.scenario.ScenarioChanges;
import dev.aifunc.scenario.ScenarioDtos;
import dev.aifunc.scenario.ScenarioService;
import dev.aifunc.scenario.ScenarioVersion;
import dev.aifunc.scenario.TemplateCatalog;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Shadow mode's lifecycle and numbers: start a candidate version next to the active one, stop it, promote it (it
 * becomes the active version), and the agreement rate and latencies of both from the {@code shadow_result} rows
 * of every replica.
 */
@ApplicationScoped
public class ShadowService {

    /**
     * Shadow mode of a scenario.
     *
     * @param candidateVersion the version answering in the background, or null when shadow mode is off
     * @param calls            calls answered by both since {@code since} (all replicas), by the version active now
     * @param agreed           of which the two answers agreed
     * @param agreementRate    agreed / compared calls (calls where the candidate did not fail), 0..1, or null
     * @param candidateFailures calls on which the candidate failed
     * @param skippedHere      runs skipped on this replica since its start because the shadow queue was full
     * @param active           task time of the active version, ms
     * @param candidate        task time of the candidate, ms
     * @param perMinute        the last 60 minutes with calls
     * @param disagreements    the latest 20 calls where they disagreed or the candidate failed
     */
    public record Status(String scenarioId, int activeVersion, Integer candidateVersion, Instant since, long calls,
                         long agreed, Double agreementRate, long candidateFailures, long skippedHere, Latency active,
                         Latency candidate, List<Minute> perMinute, List<Disagreement> disagreements) {
    }

    /** p50 and p95 of a version's task time, ms (null before any call). */
    public record Latency(Double p50Ms, Double p95Ms) {
    }

    /** One minute of shadow traffic. */
    public record Minute(Instant minute, long calls, Double agreementRate) {
    }

    /** One call on which the candidate answered otherwise, or failed. */
    public record Disagreement(Instant at, String input, String active, String candidate, String error) {
    }

    /** Body of {@code PUT /api/scenarios/{id}/shadow}. */
    public record Start(@jakarta.validation.constraints.NotNull Integer version) {
    }

    private final AgroalDataSource dataSource;
    private final ScenarioService scenarios;
    private final ScenarioChanges changes;
    private final TemplateCatalog catalog;
    private final Scorers scorers;
    private final ShadowTraffic traffic;

    @jakarta.inject.Inject
    dev.aifunc.audit.AuditLog audit;

    @jakarta.inject.Inject
    dev.aifunc.security.Actors actors;

    public ShadowService(AgroalDataSource dataSource, ScenarioService scenarios, ScenarioChanges changes,
                         TemplateCatalog catalog, Scorers scorers, ShadowTraffic traffic) {
        this.dataSource = dataSource;
        this.scenarios = scenarios;
        this.changes = changes;
        this.catalog = catalog;
        this.scorers = scorers;
        this.traffic = traffic;
    }

    /**
     * Starts shadow mode with {@code version} as the candidate (replacing an earlier candidate; the numbers start
     * again).
     *
     * @throws ProblemException 404 unknown scenario or version; 422 the active version itself, or a template whose
     *                          answers cannot be compared
     */
    @Transactional
    public Status start(String id, int version) {
        Scenario s = scenarios.lockForWrite(id, null);
        if (ScenarioVersion.of(id, version) == null) {
            throw ProblemException.notFound("Scenario '" + id + "' has no version " + version + ".");
        }
        if (version == s.activeVersion) {
            throw ProblemException.unprocessable("Version " + version + " is the active version; choose another "
                    + "version as the candidate.", "version", null);
        }
        String task = catalog.get(s.template).map(t -> t.task()).orElse("");
        if (scorers.forTask(task).isEmpty()) {
            throw ProblemException.unprocessable("Template '" + s.template + "' answers with no label, text or "
                    + "ranking to compare, so it has no shadow mode.", "version", null);
        }
        if (!Integer.valueOf(version).equals(s.shadowVersion)) {
            audit.record(actors.current(), "scenario.shadow.start", id, version, "candidate version " + version
                    + " next to active version " + s.activeVersion);
            s.shadowVersion = version;
            s.shadowSince = Instant.now();
            Scenario.flush();
            changes.changed(id);
        }
        return status(s);
    }

    /**
     * Ends shadow mode (the candidate stops answering; its numbers stay readable until shadow mode starts again).
     *
     * @return false when it was off
     * @throws ProblemException 404 unknown scenario
     */
    @Transactional
    public boolean stop(String id) {
        Scenario s = scenarios.lockForWrite(id, null);
        if (s.shadowVersion == null) {
            return false;
        }
        audit.record(actors.current(), "scenario.shadow.stop", id, s.shadowVersion, "candidate dropped");
        s.shadowVersion = null;
        Scenario.flush();
        changes.changed(id);
        return true;
    }

    /**
     * Makes the candidate the active version and ends shadow mode, in one step.
     *
     * @throws ProblemException 404 unknown scenario; 409 when shadow mode is off
     */
    @Transactional
    public ScenarioDtos.View promote(String id) {
        Scenario s = scenarios.lockForWrite(id, null);
        if (s.shadowVersion == null) {
            throw ProblemException.conflict("Scenario '" + id + "' has no shadow candidate to promote.");
        }
        return scenarios.activate(id, s.shadowVersion, null); // activating the candidate ends shadow mode
    }

    /**
     * Shadow mode's state and numbers.
     *
     * @throws ProblemException 404 unknown scenario
     */
    @Transactional
    public Status status(String id) {
        Scenario s = Scenario.findById(id);
        if (s == null) {
            throw ProblemException.notFound("No scenario '" + id + "'.");
        }
        return status(s);
    }

    private Status status(Scenario s) {
        Integer candidate = s.shadowVersion;
        Instant since = s.shadowSince;
        if (since == null) {
            return new Status(s.id, s.activeVersion, candidate, null, 0, 0, null, 0, traffic.skipped(),
                    new Latency(null, null), new Latency(null, null), List.of(), List.of());
        }
        // the numbers of the last candidate (also after stop), from when its shadow mode started
        // only comparisons with the version active now: after a save or a rollback the numbers start again
        String where = " FROM shadow_result WHERE scenario_id = ? AND at >= ? AND active_version = ?"
                + (candidate == null ? "" : " AND candidate_version = ?");
        try (Connection c = dataSource.getConnection()) {
            long calls;
            long agreed;
            long failures;
            Latency active;
            Latency cand;
            try (PreparedStatement ps = c.prepareStatement("SELECT count(*), count(*) FILTER (WHERE agree), "
                    + "count(*) FILTER (WHERE agree IS NULL), "
                    + "percentile_cont(0.5) WITHIN GROUP (ORDER BY active_ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY active_ms), "
                    + "percentile_cont(0.5) WITHIN GROUP (ORDER BY candidate_ms), percentile_cont(0.95) WITHIN GROUP (ORDER BY candidate_ms)"
                    + where)) {
                bind(ps, s.id, since, s.activeVersion, candidate);
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    calls = rs.getLong(1);
                    agreed = rs.getLong(2);
                    failures = rs.getLong(3);
                    active = new Latency(millis(rs.getObject(4)), millis(rs.getObject(5)));
                    cand = new Latency(millis(rs.getObject(6)), millis(rs.getObject(7)));
                }
            }
            List<Minute> minutes = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT date_trunc('minute', at) m, count(*), "
                    + "avg(CASE WHEN agree THEN 1.0 WHEN NOT agree THEN 0.0 END)" + where
                    + " AND at >= now() - interval '60 minutes' GROUP BY m ORDER BY m")) {
                bind(ps, s.id, since, s.activeVersion, candidate);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        minutes.add(new Minute(rs.getTimestamp(1).toInstant(), rs.getLong(2), round(rs.getObject(3))));
                    }
                }
            }
            List<Disagreement> disagreements = new ArrayList<>();
            try (PreparedStatement ps = c.prepareStatement("SELECT at, input, active_answer, candidate_answer, "
                    + "candidate_error" + where + " AND agree IS NOT TRUE ORDER BY at DESC LIMIT 20")) {
                bind(ps, s.id, since, s.activeVersion, candidate);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        disagreements.add(new Disagreement(rs.getTimestamp(1).toInstant(), rs.getString(2),
                                rs.getString(3), rs.getString(4), rs.getString(5)));
                    }
                }
            }
            long compared = calls - failures;
            return new Status(s.id, s.activeVersion, candidate, since, calls, agreed,
                    compared == 0 ? null : agreed / (double) compared, failures, traffic.skipped(), active, cand,
                    minutes, disagreements);
        } catch (SQLException e) {
            throw new IllegalStateException("reading shadow results of " + s.id + " failed", e);
        }
    }

    private static void bind(PreparedStatement ps, String id, Instant since, int active, Integer candidate)
            throws SQLException {
        ps.setString(1, id);
        ps.setTimestamp(2, Timestamp.from(since));
        ps.setInt(3, active);
        if (candidate != null) {
            ps.setInt(4, candidate);
        }
    }

    private static Double millis(Object value) {
        return value == null ? null : Math.round(((Number) value).doubleValue() * 10) / 10.0;
    }

    private static Double round(Object value) {
        return value == null ? null : Math.round(((Number) value).doubleValue() * 1000) / 1000.0;
    }
}
