package dev.aifunc.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Evaluations in PostgreSQL (table {@code evaluation}): created {@code queued}, {@code running} once its run
 * reports progress, finished ({@code done}, {@code failed}, {@code cancelled}) with their metrics and per-row items.
 * A queued or running evaluation whose replica stopped (no sign of life for {@link #STALE_AFTER}) is reported,
 * and then stored, as failed.
 */
@ApplicationScoped
public class EvaluationStore {

    /** A running evaluation without progress for this long is taken as stopped (its replica went away). */
    static final Duration STALE_AFTER = Duration.ofMinutes(2);

    /**
     * One evaluation as stored.
     *
     * @param items null unless asked for
     */
    public record Row(long id, String scenarioId, int version, String status, int rowsTotal, int rowsDone, Integer k,
                      String dataSha256, JsonNode metrics, JsonNode items, String error, String createdBy,
                      Instant createdAt, Instant updatedAt, Instant finishedAt) {
    }

    private final AgroalDataSource dataSource;
    private final ObjectMapper mapper;

    public EvaluationStore(AgroalDataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    /** Stores a new evaluation, {@code queued}, and returns its id. */
    public long create(String scenarioId, int version, int rows, Integer k, String sha256, byte[] data, String actor) {
        String sql = "INSERT INTO evaluation (scenario_id, version, status, rows_total, k, data_sha256, data, "
                + "created_by, created_at, updated_at) VALUES (?, ?, 'queued', ?, ?, ?, ?, ?, now(), now()) RETURNING id";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scenarioId);
            ps.setInt(2, version);
            ps.setInt(3, rows);
            ps.setObject(4, k);
            ps.setString(5, sha256);
            ps.setBytes(6, data);
            ps.setString(7, actor);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("storing an evaluation failed", e);
        }
    }

    /**
     * Records progress of a running evaluation (and that this replica still holds the ones queued behind it).
     *
     * @param queued ids of the evaluations waiting on this replica, whose heartbeat is renewed too
     * @return true when someone asked to cancel it (here or on another replica), or it was deleted
     */
    public boolean progress(long id, int rowsDone, java.util.Collection<Long> queued) {
        String sql = "UPDATE evaluation SET status = 'running', rows_done = ?, updated_at = now() WHERE id = ? "
                + "RETURNING cancel_requested";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setInt(1, rowsDone);
            ps.setLong(2, id);
            if (!queued.isEmpty()) {
                try (PreparedStatement touch = c.prepareStatement(
                        "UPDATE evaluation SET updated_at = now() WHERE status = 'queued' AND id = ANY (?)")) {
                    touch.setArray(1, c.createArrayOf("bigint", queued.toArray()));
                    touch.executeUpdate();
                }
            }
            try (ResultSet rs = ps.executeQuery()) {
                return !rs.next() || rs.getBoolean(1); // deleted meanwhile: stop as well
            }
        } catch (SQLException e) {
            return false; // the database is away for a moment: the run goes on, the next update tells
        }
    }

    /** Ends an evaluation: {@code done} with metrics and items, or {@code failed} / {@code cancelled} with a reason. */
    public void finish(long id, String status, int rowsDone, Object metrics, Object items, String error) {
        String sql = "UPDATE evaluation SET status = ?, rows_done = ?, metrics = ?::jsonb, items = ?::jsonb, error = ?, "
                + "updated_at = now(), finished_at = now() WHERE id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, status);
            ps.setInt(2, rowsDone);
            ps.setString(3, metrics == null ? null : mapper.writeValueAsString(metrics));
            ps.setString(4, items == null ? null : mapper.writeValueAsString(items));
            ps.setString(5, error);
            ps.setLong(6, id);
            ps.executeUpdate();
        } catch (SQLException | JsonProcessingException e) {
            throw new IllegalStateException("storing the result of evaluation " + id + " failed", e);
        }
    }

    /** One evaluation of a scenario, with its items when {@code withItems}. */
    public Optional<Row> get(String scenarioId, long id, boolean withItems) {
        List<Row> rows = query("WHERE scenario_id = ? AND id = ?", withItems, ps -> {
            ps.setString(1, scenarioId);
            ps.setLong(2, id);
        });
        return rows.stream().findFirst();
    }

    /** The newest evaluations of a scenario first, without items; at most {@code limit}. */
    public List<Row> list(String scenarioId, int limit) {
        return query("WHERE scenario_id = ? ORDER BY id DESC LIMIT " + Math.max(1, Math.min(limit, 1000)), false,
                ps -> ps.setString(1, scenarioId));
    }

    /** The labelled data an evaluation ran on (gzip JSON Lines), if the evaluation exists. */
    public Optional<byte[]> data(String scenarioId, long id) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT data FROM evaluation WHERE scenario_id = ? AND id = ?")) {
            ps.setString(1, scenarioId);
            ps.setLong(2, id);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(rs.getBytes(1)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading evaluation " + id + " failed", e);
        }
    }

    /** Asks a queued or running evaluation to stop; false when it is neither (or does not exist). */
    public boolean requestCancel(String scenarioId, long id) {
        return update("UPDATE evaluation SET cancel_requested = true WHERE scenario_id = ? AND id = ? "
                + "AND status IN ('queued', 'running')", scenarioId, id) > 0;
    }

    /** Deletes an evaluation; false when it did not exist. */
    public boolean delete(String scenarioId, long id) {
        return update("DELETE FROM evaluation WHERE scenario_id = ? AND id = ?", scenarioId, id) > 0;
    }

    private int update(String sql, String scenarioId, long id) {
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scenarioId);
            ps.setLong(2, id);
            return ps.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("changing evaluation " + id + " failed", e);
        }
    }

    private interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private List<Row> query(String where, boolean withItems, Binder binder) {
        String sql = "SELECT id, scenario_id, version, status, rows_total, rows_done, k, data_sha256, metrics, "
                + (withItems ? "items" : "NULL") + ", error, created_by, created_at, updated_at, finished_at FROM evaluation " + where;
        List<Row> rows = new ArrayList<>();
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    rows.add(stale(new Row(rs.getLong(1), rs.getString(2), rs.getInt(3), rs.getString(4), rs.getInt(5),
                            rs.getInt(6), (Integer) rs.getObject(7), rs.getString(8), json(rs.getString(9)),
                            json(rs.getString(10)), rs.getString(11), rs.getString(12), instant(rs.getTimestamp(13)),
                            instant(rs.getTimestamp(14)), instant(rs.getTimestamp(15)))));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading evaluations failed", e);
        }
        return rows;
    }

    /** A running evaluation without progress for {@link #STALE_AFTER} is failed (and stored so). */
    private Row stale(Row r) {
        if (!(r.status().equals("running") || r.status().equals("queued"))
                || r.updatedAt().isAfter(Instant.now().minus(STALE_AFTER))) {
            return r;
        }
        String reason = "stopped: no sign of life since " + r.updatedAt() + " (the replica "
                + (r.status().equals("queued") ? "holding" : "running") + " it went away); start it again";
        finish(r.id(), "failed", r.rowsDone(), null, null, reason);
        return new Row(r.id(), r.scenarioId(), r.version(), "failed", r.rowsTotal(), r.rowsDone(), r.k(),
                r.dataSha256(), null, r.items(), reason, r.createdBy(), r.createdAt(), Instant.now(), Instant.now());
    }

    private JsonNode json(String text) {
        try {
            return text == null ? null : mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("stored evaluation JSON is unreadable", e);
        }
    }

    private static Instant instant(Timestamp t) {
        return t == null ? null : t.toInstant();
    }
}
