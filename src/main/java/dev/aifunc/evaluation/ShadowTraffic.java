package dev.aifunc.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifunc.invoke.ScenarioRuntimes;
import dev.aifunc.model.BatchingOptions;
import dev.aifunc.task.DecodedImage;
import io.agroal.api.AgroalDataSource;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * Shadow mode's hot path. After the active version has answered a call, {@link #offer} hands the same input to the
 * scenario's candidate version on a background thread; the caller's response is never held or changed. Each run
 * stores one {@code shadow_result} row: whether the two answers agree (by the task's {@link Scorer}) and the task
 * time of each (ms). Calls of the start-up warm-up are not compared. At most {@value #QUEUE} runs wait; under more load new ones are skipped and counted
 * ({@code aifunc_shadow_skipped_total}), so shadow mode can never slow the active version down by more than the CPU
 * its one thread takes.
 */
@ApplicationScoped
public class ShadowTraffic {

    private static final Logger LOG = Logger.getLogger(ShadowTraffic.class);

    /** Shadow runs that may wait for the shadow thread. */
    static final int QUEUE = 1000;

    private final ScenarioRuntimes runtimes;
    private final Scorers scorers;
    private final AgroalDataSource dataSource;
    private final ObjectMapper mapper;
    private final Counter skipped;
    private final ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE), r -> {
                Thread t = new Thread(r, "aifunc-shadow");
                t.setDaemon(true);
                return t;
            });

    @jakarta.inject.Inject
    @org.eclipse.microprofile.health.Readiness
    dev.aifunc.invoke.StartupWarmup warmup;

    public ShadowTraffic(ScenarioRuntimes runtimes, Scorers scorers, AgroalDataSource dataSource, ObjectMapper mapper,
                         MeterRegistry metrics) {
        this.runtimes = runtimes;
        this.scorers = scorers;
        this.dataSource = dataSource;
        this.mapper = mapper;
        this.skipped = Counter.builder("aifunc.shadow.skipped").description("Shadow runs skipped because the shadow "
                + "queue was full").register(metrics);
    }

    void stop(@Observes ShutdownEvent event) {
        executor.shutdown();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }

    /** Runs skipped on this replica since it started because the queue was full. */
    public long skipped() {
        return (long) skipped.count();
    }

    /**
     * Offers one answered call to the scenario's shadow candidate, if it has one; returns at once.
     *
     * @param active   the runtime that answered
     * @param input    the input (for an image task: the other fields)
     * @param image    the decoded image, or null for JSON tasks
     * @param output   the active version's output
     * @param activeMs the active version's task time, ms
     */
    public void offer(ScenarioRuntimes.Runtime active, JsonNode input, DecodedImage image, Object output,
                      double activeMs) {
        String id = active.snapshot().scenarioId();
        Integer candidate = runtimes.shadowVersion(id);
        // the start-up warm-up's calls are no one's traffic: comparisons begin once the replica is ready
        if (candidate == null || candidate == active.snapshot().version() || !warmup.finished()) {
            return;
        }
        Scorer scorer = scorers.forTask(active.snapshot().template().task()).orElse(null);
        if (scorer == null) {
            return;
        }
        Instant at = Instant.now();
        try {
            executor.execute(() -> shadow(active, candidate, scorer, input, image, output, activeMs, at));
        } catch (RejectedExecutionException e) {
            skipped.increment();
        }
    }

    private void shadow(ScenarioRuntimes.Runtime active, int candidate, Scorer scorer, JsonNode input,
                        DecodedImage image, Object output, double activeMs, Instant at) {
        String id = active.snapshot().scenarioId();
        JsonNode activeOut = mapper.valueToTree(output);
        ManagedContext request = Arc.container().requestContext();
        request.activate(); // preparing the candidate reads its version with Hibernate
        Boolean agree = null;
        Double candidateMs = null;
        String candidateAnswer = null;
        String error = null;
        try {
            ScenarioRuntimes.Runtime c = runtimes.runtime(id, candidate);
            long t0 = System.nanoTime();
            Object out = image != null ? c.task().invokeImage(c.state(), input, image)
                    : BatchingOptions.with(c.snapshot().config(), () -> c.task().invoke(c.state(), input));
            candidateMs = (System.nanoTime() - t0) / 1e6;
            JsonNode candidateOut = mapper.valueToTree(out);
            agree = scorer.agree(activeOut, candidateOut);
            candidateAnswer = text(scorer.answer(candidateOut));
        } catch (RuntimeException e) {
            error = e.getMessage() == null ? e.toString() : e.getMessage();
        } finally {
            request.terminate();
        }
        String sql = "INSERT INTO shadow_result (scenario_id, active_version, candidate_version, at, agree, active_ms, "
                + "candidate_ms, input, active_answer, candidate_answer, candidate_error) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        try (Connection conn = dataSource.getConnection(); PreparedStatement ps = conn.prepareStatement(sql)) {
            ps.setString(1, id);
            ps.setInt(2, active.snapshot().version());
            ps.setInt(3, candidate);
            ps.setTimestamp(4, Timestamp.from(at));
            ps.setObject(5, agree);
            ps.setDouble(6, activeMs);
            ps.setObject(7, candidateMs);
            ps.setString(8, image != null ? "(image)" : EvaluationRun.shortInput(input, scorer));
            ps.setString(9, text(scorer.answer(activeOut)));
            ps.setString(10, candidateAnswer);
            ps.setString(11, error == null ? null : error.substring(0, Math.min(error.length(), 1000)));
            ps.executeUpdate();
        } catch (SQLException e) {
            // the scenario was deleted meanwhile, or the database is away: one comparison is lost, nothing else
            LOG.debugf(e, "shadow result of %s not stored", id);
        }
    }

    private static String text(JsonNode answer) {
        String t = answer == null || answer.isNull() ? null : answer.isTextual() ? answer.asText() : answer.toString();
        return t == null || t.length() <= 500 ? t : t.substring(0, 499) + "…";
    }
}
