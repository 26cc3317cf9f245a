package dev.aifunc.scenario;

import dev.aifunc.problem.ProblemException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * For JDBC writes of data a scenario owns (datasets, its model): holds the scenario row in share mode until the
 * transaction ends, so the scenario cannot be deleted halfway through the write.
 */
public final class ScenarioRowLock {

    private ScenarioRowLock() {
    }

    /**
     * Locks the scenario row {@code FOR SHARE} on this connection's transaction.
     *
     * @throws ProblemException 404 when the scenario does not exist
     */
    public static void lockForShare(Connection c, String scenarioId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM scenario WHERE id = ? FOR SHARE")) {
            ps.setString(1, scenarioId);
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    throw ProblemException.notFound("No scenario '" + scenarioId + "'.");
                }
            }
        }
    }
}
