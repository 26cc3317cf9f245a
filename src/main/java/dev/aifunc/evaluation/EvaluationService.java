package dev.aifunc.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifunc.dataset.DatasetService;
import dev.aifunc.invoke.ScenarioRuntimes;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.task.ScenarioSnapshot;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * Evaluations of scenario versions on labelled data: checks and stores the data, runs it as a job (one at a time per
 * replica, {@code aifunc.evaluation.max-queued} waiting), and compares two evaluations of the same data. Results are
 * stored with the version they measured, so they stay valid after the scenario changes.
 */
@ApplicationScoped
public class EvaluationService {

    /**
     * An evaluation as the API shows it.
     *
     * @param progress       rowsDone / rows, 0..1
     * @param headline       name of the metric that sums it up ({@code accuracy}, {@code top1Accuracy}, {@code cer},
     *                       {@code ndcgAtK})
     * @param headlineValue  its value, once done
     * @param metrics        all metrics, once done (see the README's table per template)
     * @param wrong          the rows it got wrong, up to {@code aifunc.evaluation.max-wrong-shown} (only in a single
     *                       evaluation's view)
     * @param wrongCount     how many rows it got wrong
     * @param dataSha256     SHA-256 of the labelled data as stored; equal for two runs on the same data
     */
    public record View(long id, String scenarioId, int version, String status, int rows, int rowsDone,
                       double progress, Integer k, String headline, Double headlineValue, JsonNode metrics,
                       List<JsonNode> wrong, Integer wrongCount, String error, String dataSha256, String createdBy,
                       Instant createdAt, Instant finishedAt) {
    }

    /**
     * Two evaluations of the same data side by side.
     *
     * @param deltas        candidate minus base, for every number both have at the top level of their metrics
     * @param disagreements rows where the two answered differently
     * @param examples      those rows, up to 200
     */
    public record Comparison(View base, View candidate, String headline, boolean higherIsBetter,
                             Map<String, Double> deltas, int rows, int disagreements, List<Disagreement> examples) {
    }

    /** One row on which two versions answered differently. */
    public record Disagreement(int row, String input, JsonNode expected, JsonNode base, boolean baseCorrect,
                               JsonNode candidate, boolean candidateCorrect) {
    }

    private final ScenarioRuntimes runtimes;
    private final Scorers scorers;
    private final DatasetService datasets;
    private final EvaluationStore store;
    private final EvaluationRun run;
    private final EvaluationConfig config;
    private final ObjectMapper mapper;
    private final ThreadPoolExecutor executor;
    /** One running plus {@code aifunc.evaluation.max-queued} waiting on this replica. */
    private final java.util.concurrent.Semaphore places;

    @jakarta.inject.Inject
    dev.aifunc.security.Actors actors;

    public EvaluationService(ScenarioRuntimes runtimes, Scorers scorers, DatasetService datasets, EvaluationStore store,
                             EvaluationRun run, EvaluationConfig config, ObjectMapper mapper) {
        this.runtimes = runtimes;
        this.scorers = scorers;
        this.datasets = datasets;
        this.store = store;
        this.run = run;
        this.config = config;
        this.mapper = mapper;
        this.places = new java.util.concurrent.Semaphore(config.maxQueued() + 1);
        this.executor = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(), r -> {
            Thread t = new Thread(r, "aifunc-evaluation");
            t.setDaemon(true);
            return t;
        });
    }

    void stop(@Observes ShutdownEvent event) {
        // the running job sees the interrupt and stores itself as cancelled; the queued ones never start
        for (Runnable r : executor.shutdownNow()) {
            if (r instanceof EvaluationTask t) {
                store.finish(t.job.id(), "failed", 0, null, null, "the service stopped before it ran; start it again");
            }
        }
    }

    /**
     * Checks labelled data and starts evaluating a version on it.
     *
     * @param version    the version to measure; null for the active one
     * @param k          cut-off of ranking metrics; null for the scenario's {@code topK} (10 when it has none)
     * @param sameDataAs id of an earlier evaluation whose data to use instead of {@code body}
     * @throws ProblemException 404 unknown scenario, version or evaluation; 415 neither CSV nor JSON Lines; 422 a
     *                          template that cannot be evaluated, or rows that miss a column (with their lines);
     *                          413 more than {@code aifunc.evaluation.max-rows} rows; 503 with Retry-After when the
     *                          queue is full
     */
    public View start(String scenarioId, Integer version, String contentType, InputStream body, Integer k,
                      Long sameDataAs) {
        ScenarioSnapshot snapshot = runtimes.snapshot(scenarioId, version);
        Scorer scorer = scorers.forTask(snapshot.template().task()).orElseThrow(() -> ProblemException.unprocessable(
                "Template '" + snapshot.template().id() + "' answers with no label, text or ranking to check against "
                        + "expected answers, so it cannot be evaluated.", "template", null));
        Integer cutOff = null;
        if (scorer instanceof RankingScorer) {
            cutOff = k != null ? k : snapshot.config().path("topK").asInt(10);
            if (cutOff < 1 || cutOff > 100) {
                throw ProblemException.unprocessable("'k' is " + cutOff + "; it must be 1 to 100.", "k", "1..100");
            }
        }
        List<JsonNode> rows = sameDataAs != null ? storedRows(scenarioId, sameDataAs) : read(snapshot, scorer, contentType, body);
        byte[] data = gzipLines(rows);
        String sha = sha256(rows);
        if (!places.tryAcquire()) {
            throw busy();
        }
        long id;
        try {
            id = store.create(scenarioId, snapshot.version(), rows.size(), cutOff, sha, data, actors.current());
            executor.execute(new EvaluationTask(new EvaluationRun.Job(id, scenarioId, snapshot.version(), scorer, rows,
                    cutOff)));
        } catch (RuntimeException e) {
            places.release();
            throw e instanceof RejectedExecutionException ? busy() : e;
        }
        return view(store.get(scenarioId, id, false).orElseThrow(), scorer.headline());
    }

    /** The runnable of one job (named, so a thread dump shows which evaluation runs). */
    private final class EvaluationTask implements Runnable {
        private final EvaluationRun.Job job;

        EvaluationTask(EvaluationRun.Job job) {
            this.job = job;
        }

        @Override
        public void run() {
            try {
                run.run(job, EvaluationService.this::queuedIds);
            } finally {
                places.release();
            }
        }

        @Override
        public String toString() {
            return "evaluation " + job.id() + " of " + job.scenarioId() + " v" + job.version();
        }
    }

    /** Ids of the evaluations waiting on this replica. */
    private java.util.Collection<Long> queuedIds() {
        return executor.getQueue().stream().filter(r -> r instanceof EvaluationTask)
                .map(r -> ((EvaluationTask) r).job.id()).toList();
    }

    /** Takes a queued evaluation off this replica's queue; true when it was waiting here. */
    private boolean unqueue(long id) {
        for (Runnable r : executor.getQueue()) {
            if (r instanceof EvaluationTask t && t.job.id() == id && executor.remove(r)) {
                places.release();
                return true;
            }
        }
        return false;
    }

    private ProblemException busy() {
        return ProblemException.unavailable(config.maxQueued() + " evaluations are already waiting on this replica; "
                + "try again when one has finished.", 30);
    }

    /**
     * Waits until an evaluation is no longer running, at most {@code wait} (the {@code Prefer: wait=N} header).
     *
     * @return its view then, with the wrong rows when it is done
     */
    public View await(String scenarioId, long id, Duration wait) {
        long until = System.nanoTime() + wait.toNanos();
        // polls the status only; the rows are read once, at the end
        while (store.get(scenarioId, id, false).map(r -> r.status().equals("running") || r.status().equals("queued")).orElse(false)
                && System.nanoTime() < until) {
            try {
                Thread.sleep(Math.min(100, Math.max(1, (until - System.nanoTime()) / 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        return get(scenarioId, id);
    }

    /**
     * One evaluation with its metrics and wrong rows.
     *
     * @throws ProblemException 404 unknown scenario or evaluation
     */
    public View get(String scenarioId, long id) {
        String headline = headline(scenarioId);
        return store.get(scenarioId, id, true).map(r -> view(r, headline)).orElseThrow(() -> notFound(scenarioId, id));
    }

    /** The newest evaluations of a scenario first (at most 100), without their rows. */
    public List<View> list(String scenarioId) {
        String headline = headline(scenarioId); // 404 for an unknown scenario
        return store.list(scenarioId, 100).stream().map(r -> view(r, headline)).toList();
    }

    /**
     * Stops a running evaluation (on whichever replica runs it, within a second or so).
     *
     * @return true when it was running
     * @throws ProblemException 404 unknown evaluation
     */
    public boolean cancel(String scenarioId, long id) {
        get(scenarioId, id);
        if (!store.requestCancel(scenarioId, id)) {
            return false;
        }
        if (unqueue(id)) {
            store.finish(id, "cancelled", 0, null, null, "cancelled before it started");
        } else {
            run.cancel(id); // running here, or queued or running on another replica: it reads the request
        }
        return true;
    }

    /** Deletes an evaluation (a queued one leaves the queue, a running one stops); false when it did not exist. */
    public boolean delete(String scenarioId, long id) {
        if (!unqueue(id)) {
            run.cancel(id);
            store.requestCancel(scenarioId, id);
        }
        return store.delete(scenarioId, id);
    }

    /**
     * Compares two finished evaluations of the same data.
     *
     * @throws ProblemException 404 unknown evaluation; 409 when one is not done or they ran on different data
     */
    public Comparison compare(String scenarioId, long baseId, long candidateId) {
        EvaluationStore.Row base = store.get(scenarioId, baseId, true).orElseThrow(() -> notFound(scenarioId, baseId));
        EvaluationStore.Row candidate = store.get(scenarioId, candidateId, true)
                .orElseThrow(() -> notFound(scenarioId, candidateId));
        for (EvaluationStore.Row r : List.of(base, candidate)) {
            if (!r.status().equals("done")) {
                throw ProblemException.conflict("Evaluation " + r.id() + " is " + r.status() + "; only finished "
                        + "evaluations can be compared.");
            }
        }
        if (!base.dataSha256().equals(candidate.dataSha256()) || !java.util.Objects.equals(base.k(), candidate.k())) {
            throw ProblemException.conflict("Evaluations " + baseId + " and " + candidateId + " ran on different "
                    + "data (or a different k); evaluate the other version with ?sameDataAs=" + baseId + ".");
        }
        Map<String, Double> deltas = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = base.metrics().properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> m = it.next();
            JsonNode other = candidate.metrics().get(m.getKey());
            if (m.getValue().isNumber() && other != null && other.isNumber() && !m.getKey().equals("k")) {
                deltas.put(m.getKey(), other.asDouble() - m.getValue().asDouble());
            }
        }
        List<Disagreement> examples = new ArrayList<>();
        int disagreements = 0;
        for (int i = 0; i < base.items().size(); i++) {
            JsonNode a = base.items().get(i);
            JsonNode b = candidate.items().get(i);
            if (!a.path("answer").equals(b.path("answer")) || a.path("correct").asBoolean() != b.path("correct").asBoolean()) {
                disagreements++;
                if (examples.size() < 200) {
                    examples.add(new Disagreement(a.path("row").asInt(), a.path("input").asText(), a.get("expected"),
                            a.get("answer"), a.path("correct").asBoolean(), b.get("answer"), b.path("correct").asBoolean()));
                }
            }
        }
        Scorer scorer = scorerOf(scenarioId);
        return new Comparison(view(strip(base), scorer.headline()), view(strip(candidate), scorer.headline()),
                scorer.headline(), scorer.higherIsBetter(),
                deltas, base.items().size(), disagreements, examples);
    }

    /**
     * The scorer of a scenario's template, or null when it has none.
     *
     * @throws ProblemException 404 unknown scenario
     */
    private Scorer scorerOf(String scenarioId) {
        return scorers.forTask(runtimes.template(scenarioId).task()).orElse(null);
    }

    private static EvaluationStore.Row strip(EvaluationStore.Row r) {
        return new EvaluationStore.Row(r.id(), r.scenarioId(), r.version(), r.status(), r.rowsTotal(), r.rowsDone(),
                r.k(), r.dataSha256(), r.metrics(), null, r.error(), r.createdBy(), r.createdAt(), r.updatedAt(),
                r.finishedAt());
    }

    /** The headline metric of a scenario's evaluations (null when its template cannot be evaluated). */
    private String headline(String scenarioId) {
        Scorer scorer = scorerOf(scenarioId);
        return scorer == null ? null : scorer.headline();
    }

    private View view(EvaluationStore.Row r, String headline) {
        JsonNode value = r.metrics() == null || headline == null ? null : r.metrics().get(headline);
        List<JsonNode> wrong = null;
        Integer wrongCount = r.metrics() == null ? null
                : r.metrics().path("rows").asInt() - r.metrics().path("correct").asInt();
        if (r.items() != null) {
            wrong = new ArrayList<>();
            for (JsonNode item : r.items()) {
                if (!item.path("correct").asBoolean() && wrong.size() < config.maxWrongShown()) {
                    wrong.add(item);
                }
            }
        }
        return new View(r.id(), r.scenarioId(), r.version(), r.status(), r.rowsTotal(), r.rowsDone(),
                r.rowsTotal() == 0 ? 0 : r.rowsDone() / (double) r.rowsTotal(), r.k(), headline,
                value == null || !value.isNumber() ? null : value.asDouble(), r.metrics(), wrong, wrongCount,
                r.error(), r.dataSha256(), r.createdBy(), r.createdAt(), r.finishedAt());
    }

    private static ProblemException notFound(String scenarioId, long id) {
        return ProblemException.notFound("Scenario '" + scenarioId + "' has no evaluation " + id + ".");
    }

    private List<JsonNode> read(ScenarioSnapshot snapshot, Scorer scorer, String contentType, InputStream body) {
        DatasetService.Format format = DatasetService.formatOf(contentType);
        if (format == null) {
            throw new ProblemException(415, "Unsupported Media Type", "Send labelled data as text/csv (with a header "
                    + "row) or application/x-ndjson (JSON Lines).", "Content-Type", null, null, null);
        }
        List<String> required = new ArrayList<>();
        snapshot.template().inputSchema().path("required").forEach(r -> required.add(r.asText()));
        String expected = scorer.expectedColumn();
        if (!scorer.expectedMayBeEmpty() && !required.contains(expected)) {
            required.add(expected);
        }
        return datasets.readRows("The labelled data", "evaluated", format, body, required, null, config.maxRows(),
                config.maxCellChars(), row -> {
                    if (!row.has(expected)) {
                        return "column '" + expected + "' (the expected answer) is missing"
                                + (scorer.expectedMayBeEmpty() ? "; leave it empty where no answer is expected" : "");
                    }
                    try {
                        scorer.expected(row.get(expected));
                        return null;
                    } catch (IllegalArgumentException e) {
                        return e.getMessage();
                    }
                }, n -> { });
    }

    private List<JsonNode> storedRows(String scenarioId, long id) {
        byte[] data = store.data(scenarioId, id).orElseThrow(() -> notFound(scenarioId, id));
        List<JsonNode> rows = new ArrayList<>();
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(data))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty()) {
                    rows.add(mapper.readTree(line));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("the data of evaluation " + id + " is unreadable", e);
        }
        return rows;
    }

    private byte[] gzipLines(List<JsonNode> rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream out = new GZIPOutputStream(bytes)) {
            for (JsonNode row : rows) {
                out.write(mapper.writeValueAsBytes(row));
                out.write('\n');
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        return bytes.toByteArray();
    }

    private String sha256(List<JsonNode> rows) {
        try {
            java.security.MessageDigest digest = java.security.MessageDigest.getInstance("SHA-256");
            for (JsonNode row : rows) {
                digest.update(mapper.writeValueAsBytes(row));
                digest.update((byte) '\n');
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (java.security.NoSuchAlgorithmException | IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
