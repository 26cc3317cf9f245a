package dev.aifunc.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.function.Supplier;

/**
 * A scenario's own dynamic-batching settings (its config's {@code batching: {maxBatchSize, maxWaitMs}}), in force
 * while one of its calls runs on this thread; {@link Embedder} reads them for single texts, and falls back to
 * {@code aifunc.models.batching.*} for what a scenario does not set.
 *
 * @param maxBatchSize most texts in a model call that includes this call's, or null for the service's default
 * @param maxWaitMs    longest this call may be held for companions (ms), or null for the service's default
 */
public record BatchingOptions(Integer maxBatchSize, Long maxWaitMs) {

    private static final ThreadLocal<BatchingOptions> CURRENT = new ThreadLocal<>();

    /** The options of the call running on this thread, or null outside one. */
    static BatchingOptions current() {
        return CURRENT.get();
    }

    /**
     * Runs {@code call} with the batching settings of a scenario config in force.
     *
     * @param config the scenario's effective config (its {@code batching} object, when there is one, is read)
     */
    public static <T> T with(JsonNode config, Supplier<T> call) {
        JsonNode batching = config == null ? null : config.get("batching");
        if (batching == null || !batching.isObject()) {
            return call.get();
        }
        BatchingOptions options = new BatchingOptions(
                batching.path("maxBatchSize").isIntegralNumber() ? batching.get("maxBatchSize").asInt() : null,
                batching.path("maxWaitMs").isIntegralNumber() ? batching.get("maxWaitMs").asLong() : null);
        BatchingOptions before = CURRENT.get();
        CURRENT.set(options);
        try {
            return call.get();
        } finally {
            CURRENT.set(before);
        }
    }
}
