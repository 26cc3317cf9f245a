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
import java.util.Map;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;
import dev.aifunc.security.WarmupCredential;
import org.jboss.logging.Logger;

/**
 * After a start, prepares the active version of every scenario (examples and FAQ entries embedded, recommendation
 * models learned) once the preloaded model packs are up, and runs its template's example input through it: a few
 * times in process, then (for the first scenario of each template) {@value #HTTP_RUNS} times over loopback HTTP
 * (with {@link WarmupCredential}, so the calls pass the access checks and are not recorded as usage), so the code
 * on a call's path is loaded and compiled and the first call after a restart costs about what the next one does.
 * {@code /q/health/ready} reports {@code scenarios} DOWN until that is done: a load balancer sends no call to a
 * replica that would answer it slowly. A scenario that cannot be prepared (its model pack failed, no dataset yet, an
 * uploaded model that fails its check) is left for its first call, which answers 503 with the reason, and does not hold
 * readiness back; a scenario whose example fails or overruns stops being warmed at once. Readiness never waits longer
 * than {@code aifunc.warmup.max-duration} (2 minutes): past it the replica reports ready and the scenarios not yet
 * prepared are prepared by their first calls.
 */
@Readiness
@ApplicationScoped
public class StartupWarmup implements HealthCheck {

    private static final Logger LOG = Logger.getLogger(StartupWarmup.class);

    private final ModelRegistry models;
    private final InvokeService invoke;
    private final AgroalDataSource dataSource;
    private final dev.aifunc.scenario.TemplateCatalog catalog;
    private final com.fasterxml.jackson.databind.ObjectMapper mapper;
    private final io.quarkus.vertx.http.HttpServer http;
    private final WarmupCredential credential;
    private final dev.aifunc.security.ApiKeys keys;
    private volatile boolean done;
    private volatile long startedNanos;
    private final long maxDurationMs;
    private volatile int prepared;
    private volatile int total = -1;

    /** Runs of the example input per scenario, in process and over HTTP. */
    static final int EXAMPLE_RUNS = 5;
    static final int HTTP_RUNS = 30;

    public StartupWarmup(ModelRegistry models, InvokeService invoke, AgroalDataSource dataSource,
                         dev.aifunc.scenario.TemplateCatalog catalog, com.fasterxml.jackson.databind.ObjectMapper mapper,
                         io.quarkus.vertx.http.HttpServer http, WarmupCredential credential,
                         dev.aifunc.security.ApiKeys keys,
                         @org.eclipse.microprofile.config.inject.ConfigProperty(name = "aifunc.warmup.max-duration",
                                 defaultValue = "120s") java.time.Duration maxDuration) {
        this.maxDurationMs = maxDuration.toMillis();
        this.keys = keys;
        this.http = http;
        this.credential = credential;
        this.catalog = catalog;
        this.mapper = mapper;
        this.models = models;
        this.invoke = invoke;
        this.dataSource = dataSource;
    }

    void start(@Observes @Priority(20) StartupEvent event) {
        startedNanos = System.nanoTime();
        Thread t = new Thread(this::run, "aifunc-startup-warmup");
        t.setDaemon(true);
        t.start();
    }

    /** True once every saved scenario has been prepared and warmed up after the start (or that failed). */
    public boolean finished() {
        return done;
    }

    /** Whether the warm-up has run longer than {@code aifunc.warmup.max-duration}. */
    private boolean overBudget() {
        return startedNanos != 0 && (System.nanoTime() - startedNanos) / 1_000_000 > maxDurationMs;
    }

    @Override
    public HealthCheckResponse call() {
        boolean late = !done && overBudget();
        var response = HealthCheckResponse.named("scenarios").status(done || late)
                .withData("prepared", prepared + (total < 0 ? "" : " of " + total));
        if (late) {
            response.withData("warm-up", "over aifunc.warmup.max-duration; the rest are prepared by their first calls");
        }
        return response.build();
    }

    private void run() {
        long t0 = System.nanoTime();
        try {
            while (!models.ready() && !models.anyFailed()) {
                Thread.sleep(20);
            }
            Map<String, String> scenarios = scenarioTemplates();
            total = scenarios.size();
            if (!scenarios.isEmpty()) {
                inRequestContext(this::warmKeyChecks);
            }
            java.util.Set<String> warmedTemplates = new java.util.HashSet<>();
            for (Map.Entry<String, String> s : scenarios.entrySet()) {
                String id = s.getKey();
                byte[] example = example(s.getValue());
                try {
                    inRequestContext(() -> {
                        invoke.warm(id);
                        runExample(id, example);
                    });
                } catch (RuntimeException e) {
                    LOG.warnf("Scenario '%s' could not be prepared after the start (%s); its first call will try",
                            id, e.getMessage());
                }
                if (!overBudget() && warmedTemplates.add(s.getValue())) {
                    callExample(id, example); // once per template: its scenarios share the code on the path
                }
                prepared++;
            }
            if (!scenarios.isEmpty()) {
                LOG.infof("Prepared %d scenario(s) in %d ms", scenarios.size(), (System.nanoTime() - t0) / 1_000_000);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (SQLException | RuntimeException e) {
            LOG.warnf(e, "Preparing the scenarios after the start failed; their first calls prepare them");
        } finally {
            done = true;
        }
    }

    /** Runs {@code work} in a CDI request context (preparing reads versions with Hibernate, which needs one). */
    private static void inRequestContext(Runnable work) {
        io.quarkus.arc.ManagedContext request = io.quarkus.arc.Arc.container().requestContext();
        request.activate();
        try {
            work.run();
        } finally {
            request.terminate();
        }
    }

    /** The template's example input as a JSON body, or null when the template has none. */
    private byte[] example(String templateId) {
        com.fasterxml.jackson.databind.JsonNode example = catalog.get(templateId)
                .map(dev.aifunc.scenario.Template::exampleInput).orElse(null);
        try {
            return example == null ? null : mapper.writeValueAsBytes(example);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    /** The example through the scenario and its output to JSON, as a call would; errors ignored. */
    private void runExample(String scenarioId, byte[] example) {
        if (example == null) {
            return;
        }
        try {
            for (int i = 0; i < EXAMPLE_RUNS; i++) {
                mapper.writeValueAsBytes(invoke.invoke(scenarioId, example).output());
            }
        } catch (com.fasterxml.jackson.core.JsonProcessingException | RuntimeException e) {
            // an example the scenario's data cannot answer (an unknown item id): the preparation is what counts
        }
    }

    /** The example over loopback HTTP, once the server listens; errors ignored (e.g. a host that is not loopback). */
    private void callExample(String scenarioId, byte[] example) throws InterruptedException {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (http.getPort() <= 0 && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        if (example == null || http.getPort() <= 0) {
            return;
        }
        java.net.http.HttpClient client = java.net.http.HttpClient.newBuilder()
                .version(java.net.http.HttpClient.Version.HTTP_1_1)
                .connectTimeout(java.time.Duration.ofSeconds(2)).build();
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                        "http://127.0.0.1:" + http.getPort() + "/api/scenarios/"
                                + java.net.URLEncoder.encode(scenarioId, java.nio.charset.StandardCharsets.UTF_8)
                                .replace("+", "%20") + "/invoke"))
                .timeout(java.time.Duration.ofSeconds(30))
                .header("Content-Type", "application/json").header(WarmupCredential.HEADER, credential.secret())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(example)).build();
        try {
            for (int i = 0; i < HTTP_RUNS && !overBudget(); i++) {
                int status = client.send(request, java.net.http.HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status >= 500) {
                    return; // failing or overrunning: warming it further only holds readiness back
                }
            }
        } catch (java.io.IOException e) {
            LOG.debugf("Warm-up calls over loopback failed (%s); the first calls warm up instead", e.getMessage());
        }
    }

    /**
     * Runs the API-key check (hash, cache, database lookup) with made-up keys of the right shape, so a caller's first
     * call with a key is not the one that loads that code; they are unknown, so they open nothing.
     */
    private void warmKeyChecks() {
        try {
            for (int i = 0; i < EXAMPLE_RUNS; i++) {
                byte[] secret = new byte[32];
                new java.security.SecureRandom().nextBytes(secret);
                keys.authenticate("afk_00000000_" + java.util.Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(secret));
            }
        } catch (RuntimeException e) {
            LOG.debugf("Warming up the key checks failed: %s", e.getMessage());
        }
    }

    /** Scenario id → template id, by id. */
    private Map<String, String> scenarioTemplates() throws SQLException {
        Map<String, String> scenarios = new java.util.LinkedHashMap<>();
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT id, template FROM scenario ORDER BY id");
             ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                scenarios.put(rs.getString(1), rs.getString(2));
            }
        }
        return scenarios;
    }
}
