package dev.aifunc;

import dev.aifunc.db.EmbeddedPostgresLauncher;
import io.quarkus.runtime.Quarkus;
import java.io.IOException;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of the packaged service. When no datasource URL is configured ({@code QUARKUS_DATASOURCE_JDBC_URL}
 * or {@code -Dquarkus.datasource.jdbc.url}), it first starts the embedded PostgreSQL of
 * {@link EmbeddedPostgresLauncher} and points the datasource at it; otherwise it starts nothing embedded. The embedded
 * server starts on its own thread while Quarkus boots; when it fails, the process exits with 1 and says why.
 */
@QuarkusMain
public class Main {

    public static void main(String... args) throws Exception {
        java.util.concurrent.CompletableFuture<EmbeddedPostgresLauncher> embedded = null;
        if (!EmbeddedPostgresLauncher.externalDatabaseConfigured()) {
            int port;
            try {
                port = EmbeddedPostgresLauncher.portFromSettings();
            } catch (IOException | RuntimeException e) {
                failedToStart(e);
                return;
            }
            System.setProperty("quarkus.datasource.jdbc.url", EmbeddedPostgresLauncher.jdbcUrl(port));
            System.setProperty("quarkus.datasource.username", "postgres");
            System.setProperty("quarkus.datasource.password", "postgres");
            // The server starts while Quarkus boots: loading classes and building the ORM metadata take seconds and
            // need no database. Flyway waits for it before its first connection (db.AwaitEmbeddedDatabase); the
            // retries are a second guard.
            if (System.getProperty("quarkus.flyway.connect-retries") == null) {
                System.setProperty("quarkus.flyway.connect-retries", "60");
            }
            java.util.concurrent.CompletableFuture<EmbeddedPostgresLauncher> starting =
                    new java.util.concurrent.CompletableFuture<>();
            Thread starter = new Thread(() -> {
                try {
                    starting.complete(EmbeddedPostgresLauncher.start(port, EmbeddedPostgresLauncher.dataDirFromSettings()));
                } catch (IOException | RuntimeException e) {
                    starting.completeExceptionally(e);
                    // Quarkus may be booting on the main thread (Flyway waiting for this server): System.exit would
                    // wait for its shutdown hook, which waits for the boot; nothing needs flushing, so halt
                    printFailure(e);
                    Runtime.getRuntime().halt(1);
                }
            }, "embedded-postgres-start");
            EmbeddedPostgresLauncher.starting(starting);
            starter.start();
            embedded = starting;
            // On SIGTERM the JVM runs all shutdown hooks at once: wait (at most 90 s: requests in flight get up to
            // quarkus.shutdown.timeout, then the usage flush) until Quarkus has shut down, so its last writes
            // (buffered usage records) still reach the database; close() is idempotent.
            Runtime.getRuntime().addShutdownHook(new Thread(() -> {
                try {
                    QUARKUS_STOPPED.await(90, java.util.concurrent.TimeUnit.SECONDS);
                    starting.get(60, java.util.concurrent.TimeUnit.SECONDS).closeQuietly();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    // it never started, or is still starting after a minute: nothing to stop
                }
            }, "embedded-postgres-stop"));
        }
        if (System.getProperty("quarkus.http.auth.session.encryption-key") == null
                && System.getenv("QUARKUS_HTTP_AUTH_SESSION_ENCRYPTION_KEY") == null) {
            // Quarkus would make one too, but it logs it; a session key in a log lets its readers forge sign-ins
            byte[] key = new byte[32];
            new java.security.SecureRandom().nextBytes(key);
            System.setProperty("quarkus.http.auth.session.encryption-key",
                    java.util.Base64.getEncoder().encodeToString(key));
        }
        try {
            Quarkus.run(args);
        } finally {
            QUARKUS_STOPPED.countDown();
        }
        if (embedded != null && embedded.isDone() && !embedded.isCompletedExceptionally()) {
            embedded.join().closeQuietly();
        }
    }

    private static void failedToStart(Exception e) {
        printFailure(e);
        System.exit(1);
    }

    private static void printFailure(Exception e) {
        System.err.println("aifunc: the embedded PostgreSQL did not start: " + rootMessage(e) + "\n"
                + "  Is another aifunc using the same data folder or port? Set AIFUNC_EMBEDDED_DB_DATA_DIR and "
                + "AIFUNC_EMBEDDED_DB_PORT,\n  or point QUARKUS_DATASOURCE_JDBC_URL at your own PostgreSQL.");
        System.err.flush();
    }

    /** Released when Quarkus has run its shutdown observers (or when {@code Quarkus.run} returns). */
    static final java.util.concurrent.CountDownLatch QUARKUS_STOPPED = new java.util.concurrent.CountDownLatch(1);

    /** Releases {@link #QUARKUS_STOPPED} after every other shutdown observer (e.g. the usage flush) has run. */
    @jakarta.enterprise.context.ApplicationScoped
    static class StopSignal {
        void stopped(@jakarta.enterprise.event.Observes @jakarta.annotation.Priority(Integer.MAX_VALUE)
                     io.quarkus.runtime.ShutdownEvent event) {
            QUARKUS_STOPPED.countDown();
        }
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }
}
