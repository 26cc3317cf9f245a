package dev.aifunc.support;

import dev.aifunc.db.EmbeddedPostgresLauncher;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * Test database: the embedded PostgreSQL (real binaries, fresh data folder, free port) unless
 * {@code QUARKUS_DATASOURCE_JDBC_URL} points at an external server, which is then used as it is (CI proves that path
 * with Debian's PostgreSQL).
 */
public class PostgresResource implements QuarkusTestResourceLifecycleManager {

    private EmbeddedPostgresLauncher embedded;

    @Override
    public Map<String, String> start() {
        if (EmbeddedPostgresLauncher.externalDatabaseConfigured()) {
            return Map.of();
        }
        try {
            Path dir = Files.createTempDirectory("aifunc-test-pg");
            embedded = EmbeddedPostgresLauncher.start(0, dir);
        } catch (IOException e) {
            throw new IllegalStateException("embedded PostgreSQL did not start", e);
        }
        return Map.of("quarkus.datasource.jdbc.url", embedded.jdbcUrl(),
                "quarkus.datasource.username", "postgres",
                "quarkus.datasource.password", "postgres");
    }

    @Override
    public void stop() {
        if (embedded != null) {
            embedded.closeQuietly();
        }
    }
}
