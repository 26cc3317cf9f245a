package dev.aifunc.scenario;

import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What every call needs to know of a scenario before it runs: its template, active version and dataset revisions
 * (its "head"). Kept in memory, so a call on a prepared scenario reads nothing from PostgreSQL. An entry is dropped
 * when the scenario changes: at once after a write on this replica commits, within milliseconds on the others
 * through {@link ScenarioChanges} (PostgreSQL {@code LISTEN/NOTIFY}), and by its periodic reconciliation should a
 * notification be missed. While the database is unreachable, calls go on with the heads in memory.
 */
@ApplicationScoped
public class ScenarioHeads {

    /**
     * A scenario's head.
     *
     * @param shadowVersion the candidate version that answers live calls in the background (shadow mode), or null
     * @param revisions     dataset name → revision (uploaded models count as the dataset {@code model})
     */
    public record Head(String id, String template, int activeVersion, Integer shadowVersion, Map<String, Long> revisions) {
    }

    private final AgroalDataSource dataSource;
    private final Map<String, Head> heads = new ConcurrentHashMap<>();
    /** Raised by every eviction: a head read from the database before it is not cached (it may be older). */
    private final AtomicLong epoch = new AtomicLong();

    public ScenarioHeads(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * The head of a scenario, from memory or else from the database (one query).
     *
     * @return empty when the scenario does not exist
     * @throws IllegalStateException when it is not in memory and the database cannot be read
     */
    public Optional<Head> get(String scenarioId) {
        Head head = heads.get(scenarioId);
        if (head != null) {
            return Optional.of(head);
        }
        long before = epoch.get();
        Optional<Head> read = read(scenarioId);
        // an eviction during the read may concern what was read: then answer with it but do not keep it
        read.ifPresent(h -> {
            if (epoch.get() == before) {
                heads.putIfAbsent(scenarioId, h);
            }
        });
        return read;
    }

    /** Forgets one scenario's head; its next call reads it again. */
    public void evict(String scenarioId) {
        epoch.incrementAndGet();
        heads.remove(scenarioId);
    }

    /**
     * Compares every head in memory with the database and drops those that differ or whose scenario is gone.
     *
     * @return ids of the heads dropped
     * @throws SQLException when the database cannot be read (nothing is dropped then)
     */
    java.util.List<String> reconcile(Connection c) throws SQLException {
        if (heads.isEmpty()) {
            return java.util.List.of();
        }
        Map<String, Head> stored = stored(c, null);
        java.util.List<String> dropped = new java.util.ArrayList<>();
        for (Head cached : heads.values()) {
            if (!cached.equals(stored.get(cached.id()))) {
                evict(cached.id());
                dropped.add(cached.id());
            }
        }
        return dropped;
    }

    private Optional<Head> read(String scenarioId) {
        try (Connection c = dataSource.getConnection()) {
            return Optional.ofNullable(stored(c, scenarioId).get(scenarioId));
        } catch (SQLException e) {
            throw new IllegalStateException("reading scenario '" + scenarioId + "' failed", e);
        }
    }

    /** The heads as stored: of every scenario, or of {@code onlyId} when it is not null (one query either way). */
    private static Map<String, Head> stored(Connection c, String onlyId) throws SQLException {
        String sql = "SELECT s.id, s.template, s.active_version, s.shadow_version, d.name, d.revision "
                + "FROM scenario s LEFT JOIN dataset d ON d.scenario_id = s.id" + (onlyId == null ? "" : " WHERE s.id = ?");
        Map<String, Head> found = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            if (onlyId != null) {
                ps.setString(1, onlyId);
            }
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    String id = rs.getString(1);
                    Head h = found.get(id);
                    if (h == null) {
                        h = new Head(id, rs.getString(2), rs.getInt(3), (Integer) rs.getObject(4), new HashMap<>());
                        found.put(id, h);
                    }
                    if (rs.getString(5) != null) {
                        h.revisions().put(rs.getString(5), rs.getLong(6));
                    }
                }
            }
        }
        found.replaceAll((id, h) -> new Head(id, h.template(), h.activeVersion(), h.shadowVersion(),
                Map.copyOf(h.revisions())));
        return found;
    }
}
