package dev.aifunc.model;

import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDList;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoopTranslator;
import dev.aifunc.problem.ProblemException;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import org.jboss.logging.Logger;

/**
 * Resolves model packs, loads each once with DJL + ONNX Runtime, shares it across scenarios, and reports whether
 * the preloaded packs are ready. Packs load in the background at start-up (preload list) or on first use; until a
 * pack is loaded, {@link #embedder(String)} answers 503 with {@code Retry-After}.
 *
 * <p>DJL's offline mode and telemetry opt-out are set here before the engine starts, so nothing calls home.
 */
@ApplicationScoped
public class ModelRegistry {

    private static final Logger LOG = Logger.getLogger(ModelRegistry.class);

    static {
        System.setProperty("ai.djl.offline", "true");
        System.setProperty("OPT_OUT_TRACKING", "true");
    }

    private final ModelsConfig config;
    private final Map<String, ModelPack> packs = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Embedder>> loaded = new ConcurrentHashMap<>();
    private final Map<String, Long> loadMillis = new ConcurrentHashMap<>();

    @jakarta.inject.Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    public ModelRegistry(ModelsConfig config) {
        this.config = config;
        ModelPack.BUILT_IN.forEach(p -> packs.put(p.id(), p));
        config.packs().forEach((id, custom) -> packs.put(id, new ModelPack(id, custom.language(), custom.dimensions(),
                custom.pooling(), custom.maxTokens(), custom.queryInstruction(), null, null, null, null,
                "configured: " + custom.url(), custom.url())));
        Path cache = cacheFolder(config);
        System.setProperty("DJL_CACHE_DIR", cache.resolve("djl").toString());
        System.setProperty("ENGINE_CACHE_DIR", cache.resolve("djl").toString());
    }

    /**
     * The model cache folder ({@code aifunc.models.cache-dir}), created owner-only.
     *
     * @throws java.io.UncheckedIOException when it belongs to another user or cannot be made private
     */
    static Path cacheFolder(ModelsConfig config) {
        try {
            return ModelFiles.privateFolder(Path.of(config.cacheDir()));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Starts loading the preloaded packs, right after the access settings are checked and before other work. */
    void onStart(@Observes @jakarta.annotation.Priority(2) StartupEvent event) {
        for (String id : config.preload()) {
            if (!packs.containsKey(id)) {
                throw new IllegalStateException("aifunc.models.preload names unknown model pack '" + id
                        + "'; known: " + packs.keySet());
            }
            load(id);
        }
    }

    void onStop(@Observes ShutdownEvent event) {
        loaded.values().forEach(f -> f.thenAccept(Embedder::close));
    }

    /** All known packs. */
    public List<ModelPack> packs() {
        return packs.values().stream().sorted((a, b) -> a.id().compareTo(b.id())).toList();
    }

    /** The pack with this id, if known. */
    public Optional<ModelPack> pack(String id) {
        return Optional.ofNullable(packs.get(id));
    }

    /**
     * The loaded embedder of a pack, starting its load if needed.
     *
     * @throws ProblemException 503 with {@code Retry-After} while the pack loads or if loading failed; 422 for an
     *                          unknown pack id
     */
    public Embedder embedder(String id) {
        if (!packs.containsKey(id)) {
            throw ProblemException.unprocessable("This scenario names model pack '" + id + "', which this service "
                    + "does not have; available: " + packs.keySet() + ". Save the scenario with another modelPack.",
                    "config.modelPack", null);
        }
        CompletableFuture<Embedder> future = load(id);
        if (future.isDone() && !future.isCompletedExceptionally()) {
            return future.join();
        }
        if (future.isCompletedExceptionally()) {
            loaded.remove(id, future); // let the next request try again
            throw ProblemException.unavailable("Model pack " + id + " failed to load; see the service log.", 30);
        }
        throw ProblemException.unavailable("Model pack " + id + " is still loading.", 5);
    }

    /** True when every preloaded pack is loaded and warmed up. */
    public boolean ready() {
        return config.preload().stream().allMatch(id -> {
            CompletableFuture<Embedder> f = loaded.get(id);
            return f != null && f.isDone() && !f.isCompletedExceptionally();
        });
    }

    /** True when a preloaded pack failed to load (it stays failed until a call retries it). */
    public boolean anyFailed() {
        return config.preload().stream().anyMatch(id -> {
            CompletableFuture<Embedder> f = loaded.get(id);
            return f != null && f.isCompletedExceptionally();
        });
    }

    /** Load status per pack ({@code loading}, {@code ready in N ms}, {@code failed}) for the readiness check. */
    public Map<String, String> status() {
        Map<String, String> status = new java.util.TreeMap<>();
        loaded.forEach((id, f) -> status.put(id, !f.isDone() ? "loading"
                : f.isCompletedExceptionally() ? "failed" : "ready in " + loadMillis.get(id) + " ms"));
        return status;
    }

    /** Starts loading a pack (once) and returns its future. */
    CompletableFuture<Embedder> load(String id) {
        return loaded.computeIfAbsent(id, key -> CompletableFuture.supplyAsync(() -> {
            long t0 = System.nanoTime();
            try {
                Embedder embedder = open(packs.get(key));
                InferenceShutdown.install(); // DJL has created ONNX Runtime's environment (and its shutdown hook)
                embedder.embed("warm-up"); // first run allocates ORT buffers; keep it off a caller's request
                long ms = (System.nanoTime() - t0) / 1_000_000;
                loadMillis.put(key, ms);
                LOG.infof("Model pack %s loaded and warmed up in %d ms", key, ms);
                return embedder;
            } catch (IOException | RuntimeException | ai.djl.MalformedModelException
                     | ai.djl.repository.zoo.ModelNotFoundException e) {
                LOG.errorf(e, "Model pack %s failed to load", key);
                throw new IllegalStateException(e);
            }
        }));
    }

    /**
     * Loads a pack: shipped packs are unpacked from the classpath into {@code cache-dir/<id>/}; operator packs load
     * from their folder, zip or URL through DJL. Either way the folder holds {@code model.onnx} and
     * {@code tokenizer.json}.
     */
    private Embedder open(ModelPack pack) throws IOException, ai.djl.MalformedModelException,
            ai.djl.repository.zoo.ModelNotFoundException {
        int threads = config.intraOpThreads();
        Criteria.Builder<NDList, NDList> builder = Criteria.builder()
                .setTypes(NDList.class, NDList.class)
                .optModelName("model")
                .optEngine("OnnxRuntime")
                .optTranslator(new NoopTranslator())
                .optOption("intraOpNumThreads", String.valueOf(threads))
                .optOption("interOpNumThreads", "1");
        if (pack.url() == null) {
            Path dir = cacheFolder(config).resolve(pack.id());
            ModelFiles.unpack(pack.modelResource(), dir.resolve("model.onnx"), pack.modelSha256());
            ModelFiles.unpack(pack.tokenizerResource(), dir.resolve("tokenizer.json"), pack.tokenizerSha256());
            builder.optModelPath(dir);
        } else if (pack.url().contains("://") || pack.url().startsWith("file:") || pack.url().startsWith("jar:")) {
            builder.optModelUrls(pack.url());
        } else if (pack.url().endsWith(".zip")) {
            builder.optModelUrls(Path.of(pack.url()).toAbsolutePath().toUri().toString());
        } else {
            builder.optModelPath(Path.of(pack.url()));
        }
        ZooModel<NDList, NDList> model = builder.build().loadModel();
        Path tokenizerFile = model.getModelPath().resolve("tokenizer.json");
        if (!Files.exists(tokenizerFile)) {
            model.close();
            throw new IOException("model pack " + pack.id() + " has no tokenizer.json next to its model in "
                    + model.getModelPath());
        }
        HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                .optTokenizerPath(tokenizerFile)
                .optMaxLength(pack.maxTokens())
                .optTruncation(true)
                .optPadding(true)
                .build();
        Set<String> inputs = new HashSet<>(model.describeInput().keys());
        int poolSize = config.poolSize().orElse(Runtime.getRuntime().availableProcessors());
        return new Embedder(pack, model, tokenizer, new SentenceEmbeddingTranslator(tokenizer, pack, inputs),
                Math.max(1, poolSize), config.acquireTimeoutMs(), config.batching(),
                metrics != null ? metrics : io.micrometer.core.instrument.Metrics.globalRegistry);
    }
}
