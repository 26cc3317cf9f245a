package dev.aifunc.model;

import dev.aifunc.problem.ProblemException;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.jboss.logging.Logger;

/**
 * Dynamic batching for one embedding model: single texts that arrive while the model is busy run together as one
 * model call, {@code float[batch][dims]}, instead of one call each.
 *
 * <p>One worker thread per predictor takes the oldest waiting text and whatever else is waiting, up to
 * {@code maxBatchSize}. When other requests are in flight it may wait up to {@code maxWaitMs} for more to fill the
 * batch; a request alone is never held (so concurrency 1 costs no latency). A request is never held longer than its
 * own {@code maxWaitMs} for the sake of a batch. The queue is bounded: when {@code queueCapacity} texts already
 * wait, a new one is refused at once with 503 and {@code Retry-After} instead of waiting without end.
 *
 * <p>Metrics: {@code aifunc_batch_size{model}} (texts per model call) and {@code aifunc_batch_queue_seconds{model}}
 * (time from arrival to the start of its model call).
 */
final class EmbeddingBatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(EmbeddingBatcher.class);

    /** A text waiting for its batch. */
    private record Pending(String text, long arrivedNanos, long holdUntilNanos, int maxBatchSize,
                           CompletableFuture<float[]> result) {
    }

    private final String modelId;
    private final LinkedBlockingQueue<Pending> queue;
    private final int queueCapacity;
    private final Function<List<String>, float[][]> model;
    private final List<Thread> workers = new ArrayList<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final long resultTimeoutMs;
    private final DistributionSummary batchSizes;
    private final Timer queueTimes;
    private volatile boolean closed;

    /**
     * @param modelId         model pack id, for messages and metric tags
     * @param workers         model calls that may run at once (the predictor pool size)
     * @param queueCapacity   most texts waiting; beyond it a call gets 503 at once
     * @param resultTimeoutMs longest a caller waits for its result (ms) before it gets 503
     * @param model           runs one batch: texts in, {@code float[texts][dims]} out
     */
    EmbeddingBatcher(String modelId, int workers, int queueCapacity, long resultTimeoutMs,
                     Function<List<String>, float[][]> model, MeterRegistry metrics) {
        this.modelId = modelId;
        this.queueCapacity = queueCapacity;
        this.queue = new LinkedBlockingQueue<>(queueCapacity);
        this.resultTimeoutMs = resultTimeoutMs;
        this.model = model;
        this.batchSizes = DistributionSummary.builder("aifunc.batch.size").description("Texts per model call")
                .tag("model", modelId).register(metrics);
        this.queueTimes = Timer.builder("aifunc.batch.queue").description("Time from arrival to the model call")
                .tag("model", modelId).register(metrics);
        for (int i = 0; i < workers; i++) {
            Thread worker = new Thread(this::work, "aifunc-batcher-" + modelId + "-" + i);
            worker.setDaemon(true);
            worker.start();
            this.workers.add(worker);
        }
    }

    /**
     * Embeds one text as part of whatever batch forms.
     *
     * @param maxBatchSize most texts in the model call this text joins (1 turns batching off for it)
     * @param maxWaitMs    longest this text may be held to fill a batch (ms)
     * @return {@code float[dims]}
     * @throws ProblemException 503 with {@code Retry-After} when the queue is full or no result comes in time
     */
    float[] embed(String text, int maxBatchSize, long maxWaitMs) {
        if (closed) {
            throw ProblemException.unavailable("Model " + modelId + " is shutting down.", 5);
        }
        long now = System.nanoTime();
        Pending pending = new Pending(text, now, now + TimeUnit.MILLISECONDS.toNanos(Math.max(0, maxWaitMs)),
                Math.max(1, maxBatchSize), new CompletableFuture<>());
        inFlight.incrementAndGet();
        try {
            if (!queue.offer(pending)) {
                throw ProblemException.unavailable("Model " + modelId + " has " + queueCapacity
                        + " requests waiting, its limit; retry in a second.", 1);
            }
            return pending.result().get(resultTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while waiting for model " + modelId + ".", 1);
        } catch (TimeoutException e) {
            throw ProblemException.unavailable("Model " + modelId + " did not answer within " + resultTimeoutMs
                    + " ms; retry shortly.", 1);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("Inference failed on model " + modelId, e.getCause());
        } finally {
            inFlight.decrementAndGet();
        }
    }

    /** Texts waiting now, not yet taken into a batch. */
    int waiting() {
        return queue.size();
    }

    private void work() {
        while (!closed) {
            List<Pending> batch = new ArrayList<>();
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                int max = first.maxBatchSize();
                long holdUntil = first.holdUntilNanos();
                while (batch.size() < max) {
                    Pending next = queue.poll();
                    if (next == null) {
                        // hold for companions only while others are in flight and no member's wait is used up
                        long wait = holdUntil - System.nanoTime();
                        if (wait <= 0 || inFlight.get() <= batch.size()) {
                            break;
                        }
                        next = queue.poll(wait, TimeUnit.NANOSECONDS);
                        if (next == null) {
                            break;
                        }
                    }
                    batch.add(next);
                    max = Math.min(max, next.maxBatchSize());
                    holdUntil = Math.min(holdUntil, next.holdUntilNanos());
                }
                run(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                batch.forEach(p -> p.result().completeExceptionally(
                        ProblemException.unavailable("Model " + modelId + " is shutting down.", 5)));
                return;
            } catch (RuntimeException e) {
                LOG.errorf(e, "Batch of %d on model %s failed", batch.size(), modelId);
                batch.forEach(p -> p.result().completeExceptionally(e));
            }
        }
    }

    private void run(List<Pending> batch) {
        long start = System.nanoTime();
        for (Pending p : batch) {
            queueTimes.record(start - p.arrivedNanos(), TimeUnit.NANOSECONDS);
        }
        batchSizes.record(batch.size());
        float[][] vectors = model.apply(batch.stream().map(Pending::text).toList());
        for (int i = 0; i < batch.size(); i++) {
            batch.get(i).result().complete(vectors[i]);
        }
    }

    @Override
    public void close() {
        closed = true;
        workers.forEach(Thread::interrupt);
        Pending left;
        while ((left = queue.poll()) != null) {
            left.result().completeExceptionally(ProblemException.unavailable("Model " + modelId + " is shutting down.", 5));
        }
    }
}
