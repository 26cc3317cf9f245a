package dev.aifunc.db;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.jboss.logging.Logger;

/**
 * Starts a real PostgreSQL server from the zonky binaries on the classpath (linux-amd64), keeping its data in a
 * persistent folder so a restart keeps every scenario. Used only when no datasource URL is configured.
 *
 * <p>Settings (system property, or the environment variable in brackets):
 * {@code aifunc.embedded-db.port} [{@code AIFUNC_EMBEDDED_DB_PORT}], default 5433;
 * {@code aifunc.embedded-db.data-dir} [{@code AIFUNC_EMBEDDED_DB_DATA_DIR}], default {@code ~/.aifunc/postgres}
 * (in the user's home, so the database is the same whichever folder the service starts from).
 * The server listens on 127.0.0.1 only; user, password and database are {@code postgres}.
 *
 * <p>While it runs, the service holds an exclusive lock on {@code <data-dir>.lock}. The operating system releases it
 * when the process dies, also by {@code kill -9} or the OOM killer, which leave the PostgreSQL server running without
 * its owner. So at start, holding the lock means no live aifunc uses the folder, and a server still running on it
 * is such an orphan: it is stopped (fast shutdown; PostgreSQL's own crash recovery keeps committed data) before the
 * new one starts. A lock held by another process means another aifunc uses the folder: the start fails with that.
 */
public final class EmbeddedPostgresLauncher implements AutoCloseable {

    /** Default port of the embedded server (not 5432, so it does not collide with a system PostgreSQL). */
    public static final int DEFAULT_PORT = 5433;

    private static final Logger LOG = Logger.getLogger(EmbeddedPostgresLauncher.class);

    private final EmbeddedPostgres postgres;
    private final Path dataDir;
    private final java.nio.channels.FileChannel lockFile;
    private boolean closed;


    private EmbeddedPostgresLauncher(EmbeddedPostgres postgres, Path dataDir, java.nio.channels.FileChannel lockFile) {
        this.postgres = postgres;
        this.dataDir = dataDir;
        this.lockFile = lockFile;
    }

    /**
     * Starts (or re-opens) the server.
     *
     * @param port    TCP port on 127.0.0.1; 0 picks a free one
     * @param dataDir folder of the cluster; created and initialised (initdb) when empty, reused otherwise
     * @throws IOException when another live aifunc uses the data folder, the binaries cannot be unpacked or the
     *                     server does not start within 60 s
     */
    public static EmbeddedPostgresLauncher start(int port, Path dataDir) throws IOException {
        Files.createDirectories(dataDir);
        java.nio.channels.FileChannel lock = lockDataFolder(dataDir);
        try {
            stopOrphan(dataDir);
            return start(port, dataDir, lock);
        } catch (IOException | RuntimeException e) {
            lock.close();
            throw e;
        }
    }

    private static EmbeddedPostgresLauncher start(int port, Path dataDir, java.nio.channels.FileChannel lock)
            throws IOException {
        long t0 = System.nanoTime();
        EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder()
                .setDataDirectory(dataDir)
                .setCleanDataDirectory(false)
                // Main stops it after Quarkus has shut down (zonky's own hook would stop it at the same time)
                .setRegisterShutdownHook(false)
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("listen_addresses", "127.0.0.1")
                // zonky starts PostgreSQL for throw-away test data (fsync off); this one keeps users' scenarios
                .setServerConfig("fsync", "on")
                .setServerConfig("synchronous_commit", "on")
                .setServerConfig("full_page_writes", "on")
                .setServerConfig("max_connections", "100");
        if (port > 0) {
            // zonky only checks that something answers on the port: another aifunc's server there would pass, and
            // this service would run on that one's database
            try (java.net.ServerSocket probe = new java.net.ServerSocket(port, 1,
                    java.net.InetAddress.getLoopbackAddress())) {
                probe.getLocalPort(); // bound: the port is free
            } catch (IOException e) {
                throw new IOException("port " + port + " on 127.0.0.1 is already in use by another program", e);
            }
            builder.setPort(port);
        }
        EmbeddedPostgres pg = builder.start();
        LOG.infof("Embedded PostgreSQL listening on 127.0.0.1:%d, data in %s (started in %d ms)",
                pg.getPort(), dataDir.toAbsolutePath(), (System.nanoTime() - t0) / 1_000_000);
        return new EmbeddedPostgresLauncher(pg, dataDir, lock);
    }

    /**
     * Takes the data folder's lock ({@code <data-dir>.lock} beside it, so initdb finds the folder itself as it wants).
     *
     * @throws IOException when another live process holds it
     */
    static java.nio.channels.FileChannel lockDataFolder(Path dataDir) throws IOException {
        Path lockPath = dataDir.toAbsolutePath().resolveSibling(dataDir.getFileName() + ".lock");
        java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lockPath,
                java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE);
        java.nio.channels.FileLock held;
        try {
            held = channel.tryLock();
        } catch (java.nio.channels.OverlappingFileLockException e) {
            held = null; // this JVM already runs a server on it
        }
        if (held == null) {
            channel.close();
            throw new IOException("another running aifunc uses the data folder " + dataDir.toAbsolutePath()
                    + " (it holds " + lockPath + ")");
        }
        return channel;
    }

    /**
     * Stops a PostgreSQL server that still runs on {@code dataDir} although no aifunc holds the folder's lock: the
     * orphan of an instance killed with SIGKILL. Its {@code postmaster.pid} names it; it is asked for a fast
     * shutdown (SIGINT) and, if still there after 30 s, killed.
     */
    static void stopOrphan(Path dataDir) throws IOException {
        Path pidFile = dataDir.resolve("postmaster.pid");
        if (!Files.isRegularFile(pidFile)) {
            return;
        }
        java.util.List<String> lines = Files.readAllLines(pidFile);
        long pid;
        try {
            pid = Long.parseLong(lines.get(0).strip());
        } catch (RuntimeException e) {
            return; // half-written: PostgreSQL itself deals with a stale file
        }
        java.util.Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isEmpty() || !isPostgresOn(pid, dataDir, lines)) {
            return; // a stale file: the next server start replaces it
        }
        LOG.warnf("A PostgreSQL server (pid %d) is still running on %s without an aifunc: left by an instance that "
                + "was killed. Stopping it before starting a new one.", pid, dataDir.toAbsolutePath());
        try {
            new ProcessBuilder("kill", "-INT", String.valueOf(pid)).inheritIO().start().waitFor();
            if (!process.get().onExit().toCompletableFuture().completeOnTimeout(null, 30, java.util.concurrent.TimeUnit.SECONDS)
                    .thenApply(h -> h != null).join()) {
                LOG.warnf("PostgreSQL (pid %d) did not stop within 30 s; killing it", pid);
                process.get().destroyForcibly();
                process.get().onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while stopping the orphaned PostgreSQL", e);
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IOException("the orphaned PostgreSQL (pid " + pid + ") did not stop", e);
        }
    }

    /** Whether {@code pid} is a postgres process on this data folder (its command line, and the pid file's 2nd line). */
    private static boolean isPostgresOn(long pid, Path dataDir, java.util.List<String> pidLines) {
        try {
            String cmdline = Files.readString(Path.of("/proc", String.valueOf(pid), "cmdline")).replace('\0', ' ');
            boolean postgres = cmdline.contains("postgres");
            boolean sameFolder = pidLines.size() > 1
                    && Path.of(pidLines.get(1).strip()).toAbsolutePath().normalize()
                    .equals(dataDir.toAbsolutePath().normalize());
            return postgres && sameFolder;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * The port from the settings; when it is 0, a free port picked now, so the JDBC URL is known before the server
     * has started.
     */
    /** The embedded server {@code Main} is starting in the background, if it starts one (null otherwise). */
    private static volatile java.util.concurrent.CompletableFuture<EmbeddedPostgresLauncher> starting;

    /** Records the start in the background, so {@link #awaitStarting} can wait for it. */
    public static void starting(java.util.concurrent.CompletableFuture<EmbeddedPostgresLauncher> future) {
        starting = future;
    }

    /**
     * Waits (at most 60 s) for the embedded server that {@code Main} starts in the background, if any; returns at
     * once when there is none or it failed (the failure halts the process on its own thread).
     */
    public static void awaitStarting() {
        java.util.concurrent.CompletableFuture<EmbeddedPostgresLauncher> future = starting;
        if (future == null) {
            return;
        }
        try {
            future.get(60, java.util.concurrent.TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
            // Flyway's own connect retries report what is wrong
        }
    }

    public static int portFromSettings() throws IOException {
        int port = Integer.parseInt(setting("aifunc.embedded-db.port", "AIFUNC_EMBEDDED_DB_PORT",
                String.valueOf(DEFAULT_PORT)));
        if (port == 0) {
            try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1,
                    java.net.InetAddress.getLoopbackAddress())) {
                port = socket.getLocalPort();
            }
        }
        return port;
    }

    /** The data folder from the settings. */
    public static Path dataDirFromSettings() {
        return Path.of(setting("aifunc.embedded-db.data-dir", "AIFUNC_EMBEDDED_DB_DATA_DIR",
                Path.of(System.getProperty("user.home"), ".aifunc", "postgres").toString()));
    }

    /** JDBC URL of the {@code postgres} database on a server of this kind listening on {@code port}. */
    public static String jdbcUrl(int port) {
        return "jdbc:postgresql://127.0.0.1:" + port + "/postgres";
    }

    /** JDBC URL of the {@code postgres} database on this server. */
    public String jdbcUrl() {
        return jdbcUrl(postgres.getPort());
    }

    public int port() {
        return postgres.getPort();
    }

    public Path dataDir() {
        return dataDir;
    }

    /** True when a datasource URL is configured through a system property or the environment. */
    public static boolean externalDatabaseConfigured() {
        String url = setting("quarkus.datasource.jdbc.url", "QUARKUS_DATASOURCE_JDBC_URL", "");
        return !url.isBlank();
    }

    static String setting(String property, String env, String fallback) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            v = System.getenv(env);
        }
        return v == null || v.isBlank() ? fallback : v;
    }

    /** Stops the server (fast shutdown); the data folder stays. Safe to call more than once. */
    @Override
    public synchronized void close() throws IOException {
        if (!closed) {
            closed = true;
            try {
                postgres.close();
            } finally {
                lockFile.close();
            }
        }
    }

    /** {@link #close()} that logs instead of throwing, for shutdown hooks. */
    public void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            LOG.warn("Embedded PostgreSQL did not stop cleanly", e);
        }
    }
}
