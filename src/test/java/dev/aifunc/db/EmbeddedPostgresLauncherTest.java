package dev.aifunc.db;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The embedded server keeps its data across a restart on the same data folder and port. */
class EmbeddedPostgresLauncherTest {

    @Test
    void dataSurvivesARestart() throws Exception {
        Path dir = Files.createTempDirectory("aifunc-pg-restart");
        int port;
        try (EmbeddedPostgresLauncher first = EmbeddedPostgresLauncher.start(0, dir);
             Connection c = DriverManager.getConnection(first.jdbcUrl(), "postgres", "postgres");
             Statement st = c.createStatement()) {
            port = first.port();
            st.execute("CREATE TABLE kept (v TEXT)");
            st.execute("INSERT INTO kept VALUES ('still here')");
        }
        try (EmbeddedPostgresLauncher second = EmbeddedPostgresLauncher.start(port, dir);
             Connection c = DriverManager.getConnection(second.jdbcUrl(), "postgres", "postgres");
             Statement st = c.createStatement();
             ResultSet rs = st.executeQuery("SELECT v FROM kept")) {
            rs.next();
            assertEquals("still here", rs.getString(1));
            assertEquals(port, second.port());
        }
    }
}
