package dev.aifunc.db;

import io.quarkus.flyway.FlywayConfigurationCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.api.configuration.FluentConfiguration;

/**
 * Holds Flyway's first connection until the embedded PostgreSQL that {@code Main} starts in the background accepts
 * connections. Without it, a first attempt made a moment too early costs Flyway's retry back-off (1 s, then 2 s) of
 * idle start-up time. Does nothing when the database is external.
 */
@ApplicationScoped
public class AwaitEmbeddedDatabase implements FlywayConfigurationCustomizer {

    @Override
    public void customize(FluentConfiguration configuration) {
        EmbeddedPostgresLauncher.awaitStarting();
    }
}
