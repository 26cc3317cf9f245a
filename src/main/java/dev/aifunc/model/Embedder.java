package dev.aifunc.model;

import ai.djl.repository.zoo.ZooModel;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import dev.aifunc.problem.ProblemException;
import java.util.List;

/**
 * One loaded sentence-embedding model and its pool of predictors. The {@link ZooModel} (one ONNX Runtime session)
 * is loaded once and shared; predictors are not thread-safe, so each call borrows one from the pool.
 * Thread-safe.
 */
public final class Embedder implements AutoCloseable {

    private final ModelPack pack;
    private final ZooModel<?, ?> model;
    private final HuggingFaceTokenizer tokenizer;
    private final PredictorPool<List<String>, float[][]> pool;
    private final long acquireTimeoutMs;
    private final ModelsConfig.Batching batching;
    private final EmbeddingBatcher batcher;

    Embedder(ModelPack pack, ZooModel<?, ?> model, HuggingFaceTokenizer tokenizer,
             SentenceEmbeddingTranslator translator, int poolSize, long acquireTimeoutMs,
             ModelsConfig.Batching batching, io.micrometer.core.instrument.MeterRegistry metrics) {
        this.pack = pack;
        this.model = model;
        this.tokenizer = tokenizer;
        this.acquireTimeoutMs = acquireTimeoutMs;
        this.batching = batching;
        this.pool = new PredictorPool<>(pack.id(), poolSize, () -> model.newPredictor(translator));
        this.batcher = batching.enabled() && batching.maxBatchSize() > 1
                ? new EmbeddingBatcher(pack.id(), poolSize, batching.queueCapacity(), acquireTimeoutMs,
                this::embedChunk, metrics)
                : null;
    }

    public ModelPack pack() {
        return pack;
    }

    /** Texts per model call when a large batch is split and batching is off: keeps padding waste low. */
    static final int CHUNK = 16;

    /**
     * Embeds texts. With dynamic batching on (the default) every text goes through the model's queue, sorted by
     * length so that neighbours pad little, and joins whatever batch forms ({@link EmbeddingBatcher}); requests are
     * served in arrival order. With batching off, up to {@value #CHUNK} texts go to the model in one call and more
     * run as consecutive chunks of {@value #CHUNK}.
     *
     * @param texts 1..n texts; each is truncated to {@link ModelPack#maxTokens()} tokens
     * @return unit-length embeddings {@code float[texts.size()][pack.dimensions()]}, in input order
     * @throws ProblemException 503 with {@code Retry-After} when the model's queue has no room for the texts, or no
     *                          result (or predictor) comes within the acquire timeout
     * @throws IllegalStateException when inference itself fails
     */
    public float[][] embed(List<String> texts) {
        long start = System.nanoTime();
        try {
            return embedTimed(texts);
        } finally {
            InferenceTime.since(start);
        }
    }

    private float[][] embedTimed(List<String> texts) {
        if (batcher != null) {
            // the calling scenario's own batching settings, where it has them
            BatchingOptions own = BatchingOptions.current();
            int maxBatch = own != null && own.maxBatchSize() != null ? own.maxBatchSize() : batching.maxBatchSize();
            long maxWait = own != null && own.maxWaitMs() != null ? own.maxWaitMs() : batching.maxWaitMs();
            if (texts.size() == 1) {
                return new float[][] {batcher.embed(texts.get(0), maxBatch, maxWait)};
            }
            Integer[] order = byLength(texts);
            float[][] sorted = batcher.embedAll(java.util.Arrays.stream(order).map(texts::get).toList(), maxBatch, maxWait);
            float[][] result = new float[texts.size()][];
            for (int i = 0; i < order.length; i++) {
                result[order[i]] = sorted[i];
            }
            return result;
        }
        if (texts.size() <= CHUNK) {
            return embedChunk(texts);
        }
        Integer[] order = byLength(texts);
        float[][] result = new float[texts.size()][];
        for (int start = 0; start < order.length; start += CHUNK) {
            List<Integer> chunk = java.util.Arrays.asList(order).subList(start, Math.min(order.length, start + CHUNK));
            float[][] vectors = embedChunk(chunk.stream().map(texts::get).toList());
            for (int j = 0; j < chunk.size(); j++) {
                result[chunk.get(j)] = vectors[j];
            }
        }
        return result;
    }

    /** Indexes of the texts, shortest first. */
    private static Integer[] byLength(List<String> texts) {
        Integer[] order = new Integer[texts.size()];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        java.util.Arrays.sort(order, java.util.Comparator.comparingInt(i -> texts.get(i).length()));
        return order;
    }

    private float[][] embedChunk(List<String> texts) {
        if (texts.isEmpty()) {
            return new float[0][];
        }
        return pool.predict(texts, acquireTimeoutMs, 1);
    }

    /** Embeds one text: {@code float[pack.dimensions()]}. */
    public float[] embed(String text) {
        return embed(List.of(text))[0];
    }

    /** Number of tokens the text has after tokenisation (special tokens included, before truncation). */
    public int countTokens(String text) {
        return tokenizer.encode(text).getIds().length;
    }

    /**
     * Refuses new calls (503), lets running inferences finish (at most 30 s), then frees the model. Should one still
     * run after that, the model is left open rather than freed under it.
     */
    @Override
    public void close() {
        if (batcher != null) {
            batcher.close();
        }
        if (pool.close(30_000)) {
            model.close();
            tokenizer.close();
        }
    }
}
