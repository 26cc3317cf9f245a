package dev.aifunc.model;

/**
 * Time the current request thread has spent waiting for model inference (ms), including the wait for its dynamic
 * batch: the {@code model} entry of {@code Server-Timing}, so a caller can tell the model's share of a call from the
 * service's. Per thread; {@link #reset} at the start of a call.
 */
public final class InferenceTime {

    private static final ThreadLocal<long[]> NANOS = ThreadLocal.withInitial(() -> new long[1]);

    private InferenceTime() {
    }

    /** Starts counting from zero on this thread. */
    public static void reset() {
        NANOS.get()[0] = 0;
    }

    /** Adds the time since {@code startNanos} ({@link System#nanoTime()}). */
    static void since(long startNanos) {
        NANOS.get()[0] += System.nanoTime() - startNanos;
    }

    /** Inference time on this thread since {@link #reset}, in ms. */
    public static double millis() {
        return NANOS.get()[0] / 1e6;
    }
}
