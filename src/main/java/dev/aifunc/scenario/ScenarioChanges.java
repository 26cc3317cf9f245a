package dev.aifunc.scenario;

import io.agroal.api.AgroalDataSource;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Status;
import jakarta.transaction.Synchronization;
import jakarta.transaction.TransactionSynchronizationRegistry;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;
import org.postgresql.PGConnection;
import org.postgresql.PGNotification;

/**
 * The change feed between replicas. A write to a scenario (save, rollback, delete, dataset, uploaded model) calls
 * {@link #changed} inside its transaction: that sends {@code NOTIFY aifunc_scenario, '<id>'}, which PostgreSQL
 * delivers to every listening replica when (and only when) the transaction commits, and drops this replica's
 * {@link ScenarioHeads} entry right after the commit, so the writer's next call sees its own change.
 *
 * <p>Each replica holds one connection that {@code LISTEN}s (thread {@code aifunc-change-feed}); a notification
 * drops the head and fires {@link Changed}. Every {@code aifunc.changes.reconcile-interval-ms} (default 10 s) it
 * also compares the heads in memory with the database, so a change whose notification was lost heals within that
 * time. When the connection breaks it reconnects with back-off up to 5 s; meanwhile calls go on with the heads in
 * memory (no replica can change a scenario while the database is away), and after reconnecting the same comparison
 * drops whatever changed in between.
 */
@ApplicationScoped
public class ScenarioChanges {

    /** Fired (synchronously, on the feed's thread or the writer's) after a scenario changed, here or elsewhere. */
    public record Changed(String scenarioId) {
    }

    static final String CHANNEL = "aifunc_scenario";
    private static final Logger LOG = Logger.getLogger(ScenarioChanges.class);

    private final AgroalDataSource dataSource;
    private final ScenarioHeads heads;
    private final TransactionSynchronizationRegistry transactions;
    private final Event<Changed> events;
    private final long reconcileIntervalMs;
    private volatile boolean stopped;
    private volatile Thread feed;
    private volatile boolean listening;

    public ScenarioChanges(AgroalDataSource dataSource, ScenarioHeads heads,
                           TransactionSynchronizationRegistry transactions, Event<Changed> events,
                           @ConfigProperty(name = "aifunc.changes.reconcile-interval-ms", defaultValue = "10000")
                           long reconcileIntervalMs) {
        this.dataSource = dataSource;
        this.heads = heads;
        this.transactions = transactions;
        this.events = events;
        this.reconcileIntervalMs = Math.max(100, reconcileIntervalMs);
    }

    /**
     * Announces a change of a scenario. Call it inside the transaction that makes the change: other replicas hear
     * of it when it commits; this one forgets the scenario's head right after it ends.
     *
     * @throws IllegalStateException when the notification cannot be queued (the transaction then fails too)
     */
    public void changed(String scenarioId) {
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT pg_notify(?, ?)")) {
            ps.setString(1, CHANNEL);
            ps.setString(2, scenarioId);
            ps.execute();
        } catch (SQLException e) {
            throw new IllegalStateException("announcing the change of scenario '" + scenarioId + "' failed", e);
        }
        if (transactions.getTransactionStatus() == Status.STATUS_ACTIVE) {
            transactions.registerInterposedSynchronization(new Synchronization() {
                @Override
                public void beforeCompletion() {
                }

                @Override
                public void afterCompletion(int status) {
                    applied(scenarioId);
                }
            });
        } else {
            applied(scenarioId);
        }
    }

    /** Whether the feed's {@code LISTEN} connection is up (readiness and tests). */
    public boolean listening() {
        return listening;
    }

    void start(@Observes @Priority(5) StartupEvent event) {
        Thread t = new Thread(this::run, "aifunc-change-feed");
        t.setDaemon(true);
        feed = t;
        t.start();
    }

    void stop(@Observes ShutdownEvent event) {
        stopped = true;
        Thread t = feed;
        if (t != null) {
            t.interrupt();
            try {
                // its connection goes back to the pool before the pool closes
                t.join(1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private void applied(String scenarioId) {
        heads.evict(scenarioId);
        try {
            events.fire(new Changed(scenarioId));
        } catch (RuntimeException e) {
            LOG.warnf(e, "A listener failed on the change of scenario '%s'", scenarioId);
        }
    }

    private void run() {
        long backoffMs = 100;
        while (!stopped) {
            try (Connection c = dataSource.getConnection()) {
                c.setAutoCommit(true);
                try (Statement s = c.createStatement()) {
                    s.execute("LISTEN " + CHANNEL);
                }
                PGConnection pg = c.unwrap(PGConnection.class);
                // changes made while this replica was not listening: drop the heads they made stale
                for (String id : heads.reconcile(c)) {
                    events.fire(new Changed(id));
                }
                listening = true;
                backoffMs = 100;
                long nextReconcile = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(reconcileIntervalMs);
                while (!stopped) {
                    PGNotification[] notes = pg.getNotifications(500);
                    if (notes != null) {
                        for (PGNotification n : notes) {
                            applied(n.getParameter());
                        }
                    }
                    if (System.nanoTime() - nextReconcile >= 0) {
                        for (String id : heads.reconcile(c)) {
                            LOG.infof("Scenario '%s' changed without a notification reaching this replica; "
                                    + "reloaded", id);
                            events.fire(new Changed(id));
                        }
                        nextReconcile = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(reconcileIntervalMs);
                    }
                }
            } catch (SQLException | RuntimeException e) {
                if (stopped) {
                    break;
                }
                if (listening) {
                    LOG.warnf("The change feed lost its database connection (%s); reconnecting", e.getMessage());
                }
            } finally {
                listening = false;
            }
            try {
                Thread.sleep(backoffMs);
            } catch (InterruptedException e) {
                break;
            }
            backoffMs = Math.min(5_000, backoffMs * 2);
        }
    }
}
