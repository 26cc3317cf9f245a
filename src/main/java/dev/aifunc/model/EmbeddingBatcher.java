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
 * {@code maxBatchSize} and up to its share of the queue (waiting texts / workers, so both predictors work when
 * there is work for two). When other requests are in flight it may wait up to {@code maxWaitMs} for more to fill the
 * batch; a request alone is never held (so concurrency 1 costs no latency). A request is never held longer than its
 * own {@code maxWaitMs} for the sake of a batch. A request of many texts ({@code invoke-batch}) queues them all at
 * once, in order, so requests are served first come, first served.
 *
 * <p>The queue is bounded in texts: when a request's texts do not fit into the {@code queueCapacity} free places, it
 * is refused at once with 503 and {@code Retry-After} instead of waiting without end. A request that gets no result
 * within {@code resultTimeoutMs} gets 503, and its texts not yet started are dropped from the queue.
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
    private final LinkedBlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    /** Free places in the queue, in texts: taken by a request before it queues, given back as texts are taken. */
    private final java.util.concurrent.Semaphore places;
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
        this.places = new java.util.concurrent.Semaphore(queueCapacity);
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
        return embedAll(List.of(text), maxBatchSize, maxWaitMs)[0];
    }

    /**
     * Embeds texts through the queue, in order, as parts of whatever batches form.
     *
     * @return {@code float[texts.size()][dims]}, in input order
     * @throws ProblemException 503 with {@code Retry-After} when the texts do not fit into the queue's free places,
     *                          or when the results do not all come within the result timeout
     */
    float[][] embedAll(List<String> texts, int maxBatchSize, long maxWaitMs) {
        if (closed) {
            throw ProblemException.unavailable("Model " + modelId + " is shutting down.", 5);
        }
        int n = texts.size();
        if (!places.tryAcquire(n)) {
            throw ProblemException.unavailable("Model " + modelId + " has " + (queueCapacity - places.availablePermits())
                    + " texts waiting and room for " + queueCapacity + (n > 1 ? "; these " + n + " do not fit" : "")
                    + "; retry in a second.", 1);
        }
        long now = System.nanoTime();
        long holdUntil = now + TimeUnit.MILLISECONDS.toNanos(Math.max(0, maxWaitMs));
        List<Pending> mine = new ArrayList<>(n);
        for (String text : texts) {
            mine.add(new Pending(text, now, holdUntil, Math.max(1, maxBatchSize), new CompletableFuture<>()));
        }
        inFlight.addAndGet(n);
        try {
            queue.addAll(mine);
            long deadline = now + TimeUnit.MILLISECONDS.toNanos(resultTimeoutMs);
            float[][] out = new float[n][];
            for (int i = 0; i < n; i++) {
                out[i] = mine.get(i).result().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            }
            return out;
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
            // texts not yet started are skipped by the workers (nobody waits for them any more)
            mine.forEach(p -> p.result().cancel(false));
            inFlight.addAndGet(-n);
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
                Pending first = take(queue.poll(200, TimeUnit.MILLISECONDS));
                if (first == null) {
                    continue;
                }
                batch.add(first);
                // at most this worker's share of what waits, so that every predictor gets work when there is enough
                int share = (queue.size() + 1 + workers.size() - 1) / workers.size();
                int max = Math.min(first.maxBatchSize(), Math.max(1, share));
                long holdUntil = first.holdUntilNanos();
                while (batch.size() < max) {
                    Pending next = take(queue.poll());
                    if (next == null) {
                        // hold for companions only while others are in flight and no member's wait is used up
                        long wait = holdUntil - System.nanoTime();
                        if (wait <= 0 || inFlight.get() <= batch.size()) {
                            break;
                        }
                        next = take(queue.poll(wait, TimeUnit.NANOSECONDS));
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

    /**
     * A text taken off the queue (its place is free again), or null when there was none; one whose caller stopped
     * waiting is dropped and the next one taken instead.
     */
    private Pending take(Pending polled) {
        Pending p = polled;
        while (p != null) {
            places.release();
            if (!p.result().isDone()) {
                return p;
            }
            p = queue.poll();
        }
        return null;
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
