package dev.aifunc.model;

import ai.djl.inference.Predictor;
import ai.djl.translate.TranslateException;
import dev.aifunc.problem.ProblemException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The predictors of one loaded model (DJL predictors are not thread-safe; the ONNX Runtime session under them is
 * shared): a call borrows one, runs, and gives it back. {@link #close} stops lending and closes them only once every
 * borrowed one is back, so a shutdown never frees a session under a running inference (which crashes the JVM in
 * native code). Thread-safe.
 *
 * @param <I> predictor input
 * @param <O> predictor output
 */
final class PredictorPool<I, O> {

    private final String modelId;
    private final BlockingQueue<Predictor<I, O>> idle;
    private final int size;
    private volatile boolean closed;

    /**
     * @param modelId model id, for messages
     * @param size    predictors, i.e. inferences that may run at once
     */
    PredictorPool(String modelId, int size, Supplier<Predictor<I, O>> factory) {
        this.modelId = modelId;
        this.size = size;
        this.idle = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            idle.add(factory.get());
        }
    }

    /**
     * Runs one input on a borrowed predictor.
     *
     * @param acquireTimeoutMs longest wait for a free predictor (ms)
     * @throws ProblemException 503 with {@code Retry-After} when none frees up in time or the model is closing
     * @throws IllegalStateException when inference itself fails
     */
    O predict(I input, long acquireTimeoutMs, int retryAfterSeconds) {
        if (closed) {
            throw ProblemException.unavailable("Model " + modelId + " is shutting down.", 5);
        }
        Predictor<I, O> predictor;
        try {
            predictor = idle.poll(acquireTimeoutMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while waiting for model " + modelId + ".", 1);
        }
        if (predictor == null) {
            throw closed ? ProblemException.unavailable("Model " + modelId + " is shutting down.", 5)
                    : ProblemException.unavailable("Model " + modelId + " is busy; retry shortly.", retryAfterSeconds);
        }
        InferenceShutdown.started();
        try {
            return predictor.predict(input);
        } catch (TranslateException e) {
            throw new IllegalStateException("Inference failed on model " + modelId, e);
        } finally {
            InferenceShutdown.ended();
            idle.add(predictor);
        }
    }

    /**
     * Stops lending, waits up to {@code waitMs} for the predictors in use to come back, and closes those back.
     *
     * @return true when all came back (then the model under them may be closed too)
     */
    boolean close(long waitMs) {
        closed = true;
        List<Predictor<I, O>> back = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(waitMs);
        while (back.size() < size) {
            long left = deadline - System.nanoTime();
            Predictor<I, O> p;
            try {
                p = left > 0 ? idle.poll(left, TimeUnit.NANOSECONDS) : idle.poll();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            if (p == null) {
                break;
            }
            back.add(p);
        }
        back.forEach(Predictor::close);
        return back.size() == size;
    }
}
