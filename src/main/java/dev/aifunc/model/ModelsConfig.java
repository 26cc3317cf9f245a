package dev.aifunc.model;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.List;
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

    /** Folder where ONNX files are unpacked from their jars and where DJL keeps its cache. */
    @WithDefault("${java.io.tmpdir}/aifunc-models")
    String cacheDir();
}
