package dev.aifunc.support;

import static io.restassured.RestAssured.given;

import io.restassured.specification.RequestSpecification;
import java.io.File;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The packaged service ({@code target/quarkus-app/quarkus-run.jar}) as a separate process, as a user or a replica
 * runs it, for the {@code *IT} tests. Its output is appended to {@code target/packaged-service-it.log}.
 */
public final class PackagedService {

    /** The operator admin key every instance is started with (AIFUNC_AUTH_ADMIN_KEY). */
    public static final String ADMIN_KEY = "packaged-service-it-admin-key-0123456789";

    private PackagedService() {
    }

    /**
     * Starts an instance on {@code httpPort} with the admin key, a 10-minute usage flush and {@code env} on top.
     * Without {@code QUARKUS_DATASOURCE_JDBC_URL} in {@code env} it starts its embedded PostgreSQL.
     */
    public static Process start(int httpPort, Map<String, String> env) throws IOException {
        File jar = new File("target/quarkus-app/quarkus-run.jar");
        ProcessBuilder pb = new ProcessBuilder(System.getProperty("java.home") + "/bin/java", "-jar", jar.getAbsolutePath())
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(new File("target/packaged-service-it.log")));
        pb.environment().remove("QUARKUS_DATASOURCE_JDBC_URL");
        pb.environment().remove("QUARKUS_DATASOURCE_USERNAME");
        pb.environment().remove("QUARKUS_DATASOURCE_PASSWORD");
        pb.environment().put("QUARKUS_HTTP_PORT", String.valueOf(httpPort));
        pb.environment().put("AIFUNC_USAGE_FLUSH_INTERVAL", "10m");
        pb.environment().put("AIFUNC_AUTH_ADMIN_KEY", ADMIN_KEY);
        pb.environment().putAll(env);
        return pb.start();
    }

    /** Requests to the instance on {@code port} as the operator admin. */
    public static RequestSpecification api(int port) {
        return given().baseUri("http://127.0.0.1").port(port).header("Authorization", "Bearer " + ADMIN_KEY);
    }

    /** Waits (at most 3 minutes) until {@code /q/health/ready} answers 200; fails early if the process exits. */
    public static void awaitReady(int port, Process process) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new AssertionError("service exited with " + process.exitValue() + "; see target/packaged-service-it.log");
            }
            try {
                if (api(port).get("/q/health/ready").statusCode() == 200) {
                    return;
                }
            } catch (Exception notListeningYet) { // RestAssured rethrows ConnectException unchecked
                // connection refused while starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("service not ready within 3 minutes; see target/packaged-service-it.log");
    }

    /** SIGTERM (graceful shutdown; an embedded PostgreSQL stops with it), then waits at most 60 s. */
    public static void stop(Process process) throws InterruptedException {
        process.destroy();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("service did not stop within 60 s of SIGTERM");
        }
    }

    /** A TCP port free now. */
    public static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
