package dev.aifunc;

import dev.aifunc.db.EmbeddedPostgresLauncher;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Entry point of the packaged service. When no datasource URL is configured ({@code QUARKUS_DATASOURCE_JDBC_URL}
 * or {@code -Dquarkus.datasource.jdbc.url}), it first starts the embedded PostgreSQL of
 * {@link EmbeddedPostgresLauncher} and points the datasource at it; otherwise it starts nothing embedded.
 */
@QuarkusMain
public class Main {

    public static void main(String... args) throws Exception {
        EmbeddedPostgresLauncher embedded = null;
        if (!EmbeddedPostgresLauncher.externalDatabaseConfigured()) {
            embedded = EmbeddedPostgresLauncher.startFromSettings();
            System.setProperty("quarkus.datasource.jdbc.url", embedded.jdbcUrl());
            System.setProperty("quarkus.datasource.username", "postgres");
            System.setProperty("quarkus.datasource.password", "postgres");
        }
        if (embedded != null) {
            EmbeddedPostgresLauncher server = embedded;
            // Runs after Quarkus' own shutdown on SIGTERM too; close() is idempotent.
            Runtime.getRuntime().addShutdownHook(new Thread(server::closeQuietly, "embedded-postgres-stop"));
        }
        Quarkus.run(args);
        if (embedded != null) {
            embedded.closeQuietly();
        }
    }
}
