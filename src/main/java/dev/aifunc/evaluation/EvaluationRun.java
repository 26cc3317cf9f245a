package dev.aifunc.evaluation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aifunc.invoke.ImageDecoder;
import dev.aifunc.invoke.InvokeService;
import dev.aifunc.invoke.ScenarioRuntimes;
import dev.aifunc.model.BatchingOptions;
import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.scenario.JsonSchemas;
import io.quarkus.arc.Arc;
import io.quarkus.arc.ManagedContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jboss.logging.Logger;

/**
 * Runs one evaluation: every labelled row through the scenario version's task, as {@code invoke} would (the same
 * input schema, text rows in model batches of {@value #CHUNK}), judged by the task's {@link Scorer}. Progress is
 * stored about twice a second; a cancel request (from any replica) stops the run at the next chunk.
 */
@ApplicationScoped
public class EvaluationRun {

    private static final Logger LOG = Logger.getLogger(EvaluationRun.class);

    /** Rows per model call for text tasks. */
    static final int CHUNK = 32;

    /** How long a run waits for a model pack that is still loading before it fails (ms). */
    private static final long MODEL_WAIT_MS = 120_000;

    /**
     * What to run.
     *
     * @param id       evaluation id
     * @param version  the version measured
     * @param rows     the labelled rows
     * @param k        cut-off of ranking metrics, or null
     */
    record Job(long id, String scenarioId, int version, Scorer scorer, List<JsonNode> rows, Integer k) {
    }

    private final ScenarioRuntimes runtimes;
    private final EvaluationStore store;
    private final ImageDecoder images;
    private final ObjectMapper mapper;
    private final java.util.Set<Long> cancelled = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public EvaluationRun(ScenarioRuntimes runtimes, EvaluationStore store, ImageDecoder images, ObjectMapper mapper) {
        this.runtimes = runtimes;
        this.store = store;
        this.images = images;
        this.mapper = mapper;
    }

    /** Asks the run of an evaluation on this replica to stop at its next chunk. */
    void cancel(long id) {
        cancelled.add(id);
    }

    /**
     * Runs the job to its end and stores the outcome (done, failed or cancelled); never throws.
     *
     * @param queued the ids of the evaluations waiting behind it on this replica (their heartbeat is renewed)
     */
    void run(Job job, java.util.function.Supplier<java.util.Collection<Long>> queued) {
        ManagedContext request = Arc.container().requestContext();
        request.activate(); // preparing a version reads it with Hibernate
        int done = 0;
        try {
            if (cancelled.remove(job.id()) || store.progress(job.id(), 0, queued.get())) {
                store.finish(job.id(), "cancelled", 0, null, null, "cancelled before it started");
                return;
            }
            ScenarioRuntimes.Runtime runtime = runtime(job);
            List<Scorer.Item> items = new ArrayList<>(job.rows().size());
            long lastProgress = System.nanoTime();
            for (int start = 0; start < job.rows().size(); start += CHUNK) {
                List<JsonNode> chunk = job.rows().subList(start, Math.min(job.rows().size(), start + CHUNK));
                items.addAll(judge(job, runtime, start, chunk));
                done = items.size();
                boolean stop = Thread.currentThread().isInterrupted() || cancelled.remove(job.id());
                if (stop || System.nanoTime() - lastProgress > 500_000_000L || done == job.rows().size()) {
                    stop |= store.progress(job.id(), done, queued.get());
                    lastProgress = System.nanoTime();
                }
                if (stop) {
                    store.finish(job.id(), "cancelled", done, null, null, Thread.currentThread().isInterrupted()
                            ? "the service stopped during the run; start it again" : "cancelled after " + done + " rows");
                    return;
                }
            }
            int k = job.k() == null ? 0 : job.k();
            Map<String, Object> metrics = new LinkedHashMap<>();
            metrics.put("rows", items.size());
            metrics.put("correct", items.stream().filter(Scorer.Item::correct).count());
            metrics.put("errors", items.stream().filter(i -> i.error() != null).count());
            metrics.putAll(job.scorer().metrics(items, runtime.snapshot(), k));
            store.finish(job.id(), "done", done, metrics, items, null);
        } catch (ProblemException e) {
            store.finish(job.id(), "failed", done, null, null, e.getMessage());
        } catch (RuntimeException e) {
            LOG.errorf(e, "Evaluation %d of scenario %s failed", job.id(), job.scenarioId());
            store.finish(job.id(), "failed", done, null, null, "the run failed: " + e + "; see the service log");
        } finally {
            cancelled.remove(job.id());
            request.terminate();
        }
    }

    /** The version's runtime, waiting (bounded) while its model pack loads. */
    private ScenarioRuntimes.Runtime runtime(Job job) {
        long until = System.currentTimeMillis() + MODEL_WAIT_MS;
        while (true) {
            try {
                return runtimes.runtime(job.scenarioId(), job.version());
            } catch (ProblemException e) {
                if (e.status() != 503 || System.currentTimeMillis() > until) {
                    throw e;
                }
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
            }
        }
    }

    private List<Scorer.Item> judge(Job job, ScenarioRuntimes.Runtime runtime, int start, List<JsonNode> chunk) {
        Scorer scorer = job.scorer();
        int k = job.k() == null ? 0 : job.k();
        JsonNode schema = runtime.snapshot().template().inputSchema();
        Scorer.Item[] out = new Scorer.Item[chunk.size()];
        List<Integer> valid = new ArrayList<>();
        List<JsonNode> inputs = new ArrayList<>();
        for (int i = 0; i < chunk.size(); i++) {
            JsonNode row = chunk.get(i);
            JsonNode expected = scorer.expected(row.get(scorer.expectedColumn()));
            ObjectNode input = input(row, schema, job.k());
            List<Problem.FieldError> errors = JsonSchemas.validate(runtime.snapshot().template().compiledInputSchema(),
                    input, "");
            if (!errors.isEmpty()) {
                Problem.FieldError first = errors.get(0);
                out[i] = failed(scorer, start + i, row, expected, "the row does not fit the input: "
                        + (first.field() == null || first.field().isEmpty() ? "" : first.field() + " ") + first.message());
            } else if (runtime.task().takesImage()) {
                out[i] = judgeImage(scorer, runtime, start + i, row, input, expected, k);
            } else {
                valid.add(i);
                inputs.add(input);
            }
        }
        if (!inputs.isEmpty()) {
            List<Object> outputs = null;
            try {
                outputs = BatchingOptions.with(runtime.snapshot().config(),
                        () -> runtime.task().invokeAll(runtime.state(), inputs));
            } catch (ProblemException batchFailure) {
                if (batchFailure.status() == 503) {
                    throw batchFailure;
                }
            }
            for (int j = 0; j < valid.size(); j++) {
                int i = valid.get(j);
                JsonNode expected = scorer.expected(chunk.get(i).get(scorer.expectedColumn()));
                try {
                    Object output = outputs != null ? outputs.get(j) : runtime.task().invoke(runtime.state(), inputs.get(j));
                    out[i] = judged(scorer, start + i, chunk.get(i), expected, mapper.valueToTree(output), k);
                } catch (ProblemException itemFailure) {
                    out[i] = failed(scorer, start + i, chunk.get(i), expected, itemFailure.getMessage());
                }
            }
        }
        return List.of(out);
    }

    private Scorer.Item judgeImage(Scorer scorer, ScenarioRuntimes.Runtime runtime, int row, JsonNode data,
                                   ObjectNode input, JsonNode expected, int k) {
        try {
            ObjectNode fields = input.deepCopy();
            byte[] bytes = InvokeService.base64Image(fields.remove("image"), "image");
            Object output = runtime.task().invokeImage(runtime.state(), fields, images.decode(bytes, "image"));
            return judged(scorer, row, data, expected, mapper.valueToTree(output), k);
        } catch (ProblemException e) {
            if (e.status() == 503) {
                throw e;
            }
            return failed(scorer, row, data, expected, e.getMessage());
        }
    }

    /** The row's columns that the template's input has; a ranking's {@code topK} is k unless the row sets it. */
    private static ObjectNode input(JsonNode row, JsonNode schema, Integer k) {
        ObjectNode input = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
        JsonNode properties = schema.path("properties");
        row.properties().forEach(cell -> {
            if (properties.has(cell.getKey()) && !(cell.getValue().isTextual() && cell.getValue().asText().isEmpty())) {
                input.set(cell.getKey(), cell.getValue());
            }
        });
        if (k != null && properties.has("topK") && !input.has("topK")) {
            input.put("topK", k);
        }
        InvokeService.coerce(input, schema); // CSV cells are text: "5" for an integer field becomes 5
        return input;
    }

    private Scorer.Item judged(Scorer scorer, int row, JsonNode data, JsonNode expected, JsonNode output, int k) {
        Scorer.Judged j = scorer.judge(expected, output, k);
        return new Scorer.Item(row, shortInput(data, scorer), expected, j.answer(), j.correct(), j.values(), null);
    }

    private static Scorer.Item failed(Scorer scorer, int row, JsonNode data, JsonNode expected, String error) {
        Scorer.Judged j = scorer.failed(expected);
        return new Scorer.Item(row, shortInput(data, scorer), expected, j.answer(), false, j.values(), error);
    }

    /** A row's input for people: its text fields (300 characters at most), an image as its size. */
    static String shortInput(JsonNode row, Scorer scorer) {
        StringBuilder b = new StringBuilder();
        row.properties().forEach(cell -> {
            if (cell.getKey().equals(scorer.expectedColumn())) {
                return;
            }
            String value = cell.getValue().isTextual() ? cell.getValue().asText() : cell.getValue().toString();
            if (cell.getKey().equals("image")) {
                value = "(image, " + (value.length() * 3 / 4) + " bytes)";
            }
            b.append(b.length() == 0 ? "" : "; ").append(row.size() > 2 ? cell.getKey() + ": " : "").append(value);
        });
        return b.length() <= 300 ? b.toString() : b.substring(0, 299) + "…";
    }
}
