package dev.aifunc.invoke;

import dev.aifunc.model.ModelRegistry;
import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import org.jboss.logging.Logger;

/**
 * After a start, prepares the active version of every scenario (examples and FAQ entries embedded, recommendation
 * models learned) once the preloaded model packs are up, so the first call after a restart costs what the next one
 * does. {@code /q/health/ready} reports {@code scenarios} DOWN until that is done: a load balancer sends no call to
 * a replica that would answer it slowly. A scenario that cannot be prepared (its model pack failed, no dataset yet)
 * is left for its first call and does not hold readiness back.
 */
@Readiness
@ApplicationScoped
public class StartupWarmup implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(StartupWarmup.class);

    private final ModelRegistry models;
    private final InvokeService invoke;
    private final AgroalDataSource dataSource;
    private volatile boolean done;
    private volatile int prepared;
    private volatile int total = -1;

    public StartupWarmup(ModelRegistry models, InvokeService invoke, AgroalDataSource dataSource) {
        this.models = models;
        this.invoke = invoke;
        this.dataSource = dataSource;
    }

    void start(@Observes @Priority(20) StartupEvent event) {
        Thread t = new Thread(this::run, "aifunc-startup-warmup");
        t.setDaemon(true);
        t.start();
    }

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("scenarios").status(done)
                .withData("prepared", prepared + (total < 0 ? "" : " of " + total)).build();
    }

    private void run() {
        long t0 = System.nanoTime();
        try {
            while (!models.ready() && !models.anyFailed()) {
                Thread.sleep(20);
            }
            List<String> ids = scenarioIds();
            total = ids.size();
            for (String id : ids) {
                try {
                    invoke.warm(id);
                } catch (RuntimeException e) {
                    LOG.warnf("Scenario '%s' could not be prepared after the start (%s); its first call will try",
                            id, e.getMessage());
                }
                prepared++;
            }
            if (!ids.isEmpty()) {
                LOG.infof("Prepared %d scenario(s) in %d ms", ids.size(), (System.nanoTime() - t0) / 1_000_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf(e, "Preparing the scenarios after the start failed; their first calls prepare them");
        } finally {
            done = true;
        }
    }

    private List<String> scenarioIds() throws SQLException {
        List<String> ids = new ArrayList<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id FROM scenario ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                ids.add(rs.getString(1));
            }
        }
        return ids;
    }
}
