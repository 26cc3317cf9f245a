package dev.aifunc.usage;

import dev.aifunc.problem.ProblemException;
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
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * Aggregates of the recorded invoke calls of a scenario over a time range: calls, errors (status 400 and up),
 * server errors (500 and up), and the p50 and p95 of the time in the service, in total and per time bucket.
 * Percentiles are PostgreSQL's {@code percentile_cont} (linear interpolation between the two nearest calls).
 */
@ApplicationScoped
public class UsageService {

    /** Longest range one query may cover. */
    public static final Duration MAX_RANGE = Duration.ofDays(92);
    /** Most buckets one query may return. */
    public static final int MAX_BUCKETS = 2000;

    /** Calls, errors and latency of a range or a bucket; latencies null when there were no calls. */
    @Schema(name = "UsageStats")
    public record Stats(Instant start, long calls, long errors, long serverErrors,
                        @Schema(description = "median time in the service, ms") Double p50Millis,
                        @Schema(description = "95th percentile time in the service, ms") Double p95Millis) {
    }

    /** The answer of {@code GET /api/scenarios/{id}/usage}. */
    @Schema(name = "Usage")
    public record Usage(String scenarioId, Instant from, Instant to,
                        @Schema(description = "width of each bucket, seconds") long bucketSeconds,
                        Stats total, List<Stats> buckets) {
    }

    private final AgroalDataSource dataSource;

    public UsageService(AgroalDataSource dataSource) {
        this.dataSource = dataSource;
    }

    /**
     * Aggregates over {@code [from, to)}.
     *
     * @param bucket bucket width; null picks one that gives at most 60 buckets (whole minutes)
     * @throws ProblemException 422 when {@code from} is not before {@code to}, the range exceeds {@link #MAX_RANGE},
     *                          or the buckets would exceed {@link #MAX_BUCKETS}
     */
    public Usage usage(String scenarioId, Instant from, Instant to, Duration bucket) {
        if (!from.isBefore(to)) {
            throw ProblemException.unprocessable("'from' (" + from + ") must be before 'to' (" + to + ").", "from", null);
        }
        Duration range = Duration.between(from, to);
        if (range.compareTo(MAX_RANGE) > 0) {
            throw ProblemException.unprocessable("The range is " + range.toDays() + " days; the limit is "
                    + MAX_RANGE.toDays() + ".", "from", MAX_RANGE.toDays() + " days");
        }
        long seconds = bucket != null ? bucket.toSeconds()
                : Math.max(60, (long) Math.ceil(range.toSeconds() / 60.0 / 60.0) * 60);
        if (seconds < 1 || range.toSeconds() / seconds > MAX_BUCKETS) {
            throw ProblemException.unprocessable("A bucket of " + seconds + " s over this range gives more than "
                    + MAX_BUCKETS + " buckets (or is under 1 s).", "bucket", MAX_BUCKETS + " buckets");
        }
        try (Connection c = dataSource.getConnection()) {
            Stats total = stats(c, "SELECT NULL::timestamptz, count(*), count(*) FILTER (WHERE status >= 400), "
                    + "count(*) FILTER (WHERE status >= 500), percentile_cont(0.5) WITHIN GROUP (ORDER BY millis), "
                    + "percentile_cont(0.95) WITHIN GROUP (ORDER BY millis) FROM invoke_usage "
                    + "WHERE scenario_id = ? AND at >= ? AND at < ?", scenarioId, from, to, null).get(0);
            List<Stats> buckets = stats(c, "SELECT date_bin(make_interval(secs => ?), at, ?), count(*), "
                    + "count(*) FILTER (WHERE status >= 400), count(*) FILTER (WHERE status >= 500), "
                    + "percentile_cont(0.5) WITHIN GROUP (ORDER BY millis), "
                    + "percentile_cont(0.95) WITHIN GROUP (ORDER BY millis) FROM invoke_usage "
                    + "WHERE scenario_id = ? AND at >= ? AND at < ? GROUP BY 1 ORDER BY 1", scenarioId, from, to, seconds);
            return new Usage(scenarioId, from, to, seconds, new Stats(from, total.calls(), total.errors(),
                    total.serverErrors(), total.p50Millis(), total.p95Millis()), buckets);
        } catch (SQLException e) {
            throw ProblemException.unavailable("Usage cannot be read while the database is unavailable.", 5);
        }
    }

    private static List<Stats> stats(Connection c, String sql, String scenarioId, Instant from, Instant to,
                                     Long bucketSeconds) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            int i = 1;
            if (bucketSeconds != null) {
                ps.setDouble(i++, bucketSeconds);
                ps.setTimestamp(i++, Timestamp.from(from));
            }
            ps.setString(i++, scenarioId);
            ps.setTimestamp(i++, Timestamp.from(from));
            ps.setTimestamp(i, Timestamp.from(to));
            List<Stats> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    Timestamp start = rs.getTimestamp(1);
                    out.add(new Stats(start == null ? null : start.toInstant(), rs.getLong(2), rs.getLong(3),
                            rs.getLong(4), nullable(rs, 5), nullable(rs, 6)));
                }
            }
            return out;
        }
    }

    private static Double nullable(ResultSet rs, int column) throws SQLException {
        double v = rs.getDouble(column);
        return rs.wasNull() ? null : Math.round(v * 100) / 100.0;
    }
}
