package dev.aifunc.db;

import dev.aifunc.problem.ProblemException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Default;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Properties;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * Whether PostgreSQL answers, known without waiting for it. A probe thread runs {@code SELECT 1} every
 * {@code aifunc.database.probe-interval} (1 s) on a connection of its own with a socket timeout of
 * {@code aifunc.database.probe-timeout} (2 s): a database that is down (refused) or hung (alive but silent, e.g.
 * stopped with SIGSTOP) is seen as unavailable within about that time, and available again at the first answer.
 *
 * <p>While it is unavailable, work that needs the database is refused at once with 503 and {@code Retry-After}
 * ({@link #requireAvailable}) instead of waiting on a connection that will not answer, and calls on prepared
 * scenarios with keys this replica has checked keep being served from memory. Readiness ({@code database}) reads the
 * last probe's result and answers at once. Agroal's own readiness check, which asks the pool and can hang with the
 * database, is off ({@code quarkus.datasource.health.enabled=false}).
 */
@Readiness
@Default
@ApplicationScoped
public class DatabaseStatus implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(DatabaseStatus.class);

    private final Duration interval;
    private final Duration timeout;
    private volatile boolean available = true;
    private volatile String reason = "";
    private volatile boolean stopped;
    private volatile Thread probe;

    public DatabaseStatus(@ConfigProperty(name = "aifunc.database.probe-interval", defaultValue = "1s") Duration interval,
                          @ConfigProperty(name = "aifunc.database.probe-timeout", defaultValue = "2s") Duration timeout) {
        this.interval = interval;
        this.timeout = timeout;
    }

    void start(@Observes @Priority(4) StartupEvent event) {
        Thread t = new Thread(this::run, "aifunc-database-probe");
        t.setDaemon(true);
        probe = t;
        t.start();
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        Thread t = probe;
        if (t != null) {
            t.interrupt();
        }
    }

    /** Whether the last probe got an answer (true until a probe has failed). */
    public boolean available() {
        return available;
    }

    /**
     * Refuses work that needs the database while it does not answer.
     *
     * @throws ProblemException 503 with {@code Retry-After: 5}
     */
    public void requireAvailable() {
        if (!available) {
            throw ProblemException.unavailable("The database is unreachable; retry in a few seconds. Scenarios "
                    + "already prepared keep answering.", 5);
        }
    }

    @Override
    public HealthCheckResponse call() {
        var response = HealthCheckResponse.named("database").status(available);
        if (!available) {
            response.withData("reason", reason);
        }
        return response.build();
    }

    private void run() {
        Connection connection = null;
        while (!stopped) {
            try {
                if (connection == null) {
                    connection = connect();
                }
                // bounded by the connection's socketTimeout; no setQueryTimeout: its cancel request opens another
                // connection to the hung server and held the probe four times longer (measured: 8.2 s, not 2 s)
                try (Statement s = connection.createStatement()) {
                    s.execute("SELECT 1");
                }
                if (!available) {
                    LOG.info("PostgreSQL answers again");
                }
                available = true;
            } catch (SQLException | RuntimeException e) {
                if (available) {
                    LOG.warnf("PostgreSQL does not answer (%s); work that needs it gets 503 until it does",
                            e.getMessage());
                }
                available = false;
                reason = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                closeQuietly(connection);
                connection = null;
            }
            try {
                Thread.sleep(interval.toMillis());
            } catch (InterruptedException e) {
                break;
            }
        }
        closeQuietly(connection);
    }

    private Connection connect() throws SQLException {
        var config = ConfigProvider.getConfig();
        String url = config.getValue("quarkus.datasource.jdbc.url", String.class);
        Properties props = new Properties();
        config.getOptionalValue("quarkus.datasource.username", String.class).ifPresent(u -> props.put("user", u));
        config.getOptionalValue("quarkus.datasource.password", String.class).ifPresent(p -> props.put("password", p));
        String seconds = String.valueOf(Math.max(1, timeout.toSeconds()));
        props.put("connectTimeout", seconds);
        props.put("socketTimeout", seconds);
        props.put("loginTimeout", seconds);
        props.put("ApplicationName", "aifunc-database-probe");
        return new org.postgresql.Driver().connect(url, props);
    }

    private static void closeQuietly(Connection c) {
        if (c != null) {
            try {
                c.close();
            } catch (SQLException | RuntimeException e) {
                // a hung server: the socket is dropped anyway
            }
        }
    }
}
