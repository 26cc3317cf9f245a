package dev.aifunc.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.agroal.api.AgroalDataSource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * With {@code QUARKUS_DATASOURCE_JDBC_URL} set (CI's second run, against Debian's PostgreSQL), the service uses that
 * server and database, with the schema Flyway created there.
 */
@QuarkusTest
@EnabledIfEnvironmentVariable(named = "QUARKUS_DATASOURCE_JDBC_URL", matches = ".+")
class ExternalDatabaseTest {

    @Inject
    AgroalDataSource dataSource;

    @Test
    void usesTheConfiguredServer() throws Exception {
        String url = System.getenv("QUARKUS_DATASOURCE_JDBC_URL");
        String database = url.substring(url.lastIndexOf('/') + 1).replaceFirst("\\?.*", "");
        try (Connection c = dataSource.getConnection(); Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT current_database(), current_user, "
                     + "(SELECT count(*) FROM flyway_schema_history WHERE NOT success), "
                     + "to_regclass('scenario_version') IS NOT NULL AND to_regclass('scenario_model') IS NOT NULL")) {
            rs.next();
            assertEquals(database, rs.getString(1));
            assertEquals(System.getenv("QUARKUS_DATASOURCE_USERNAME"), rs.getString(2));
            assertEquals(0, rs.getInt(3), "no failed Flyway migration on the external database");
            assertEquals(true, rs.getBoolean(4), "Flyway created the tables of every migration there");
        }
    }
}
