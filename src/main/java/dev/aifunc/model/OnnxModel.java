package dev.aifunc.model;

import ai.djl.MalformedModelException;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.types.Shape;
import ai.djl.repository.zoo.Criteria;
import ai.djl.repository.zoo.ModelNotFoundException;
import ai.djl.repository.zoo.ZooModel;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import dev.aifunc.problem.ProblemException;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A single-input, single-output ONNX model run through DJL's ONNX Runtime engine with a pool of predictors (vision
 * models: one float tensor in, one float tensor out). The model is loaded once; each call borrows a predictor.
 * Pre- and post-processing stay in plain Java arrays, so nothing depends on NDArray operations the ONNX Runtime
 * engine does not implement (MODELS.md).
 */
public final class OnnxModel implements AutoCloseable {

    /** A dense float tensor: {@code data} in row-major order with {@code shape}. */
    public record Tensor(float[] data, long[] shape) {
    }

    private final String id;
    private final ZooModel<Tensor, Tensor> model;
    private final PredictorPool<Tensor, Tensor> pool;

    private OnnxModel(String id, ZooModel<Tensor, Tensor> model, int poolSize) {
        this.id = id;
        this.model = model;
        this.pool = new PredictorPool<>(id, poolSize, model::newPredictor);
    }

    /**
     * Loads an ONNX file shipped on the classpath (unpacked once into {@code cacheDir/<id>/model.onnx}).
     *
     * @param id            name for logs and errors
     * @param resource      classpath resource of the {@code .onnx} file
     * @param inputName     the model's input name (e.g. {@code x} for PaddleOCR models)
     * @param poolSize      concurrent inferences
     * @param intraOpThreads ONNX Runtime threads per inference
     * @throws IOException when the resource is missing or the model does not load
     */
    public static OnnxModel load(String id, String resource, String inputName, Path cacheDir, int poolSize,
                                 int intraOpThreads) throws IOException {
        Path dir = cacheDir.resolve(id);
        ModelFiles.unpack(resource, dir.resolve("model.onnx"));
        return loadFolder(id, dir, inputName, poolSize, intraOpThreads);
    }

    /**
     * Loads {@code dir/model.onnx}.
     *
     * @param inputName the model's input name, or null to feed its (single) input by position
     * @throws IOException when the file is not a loadable ONNX model
     */
    public static OnnxModel loadFolder(String id, Path dir, String inputName, int poolSize, int intraOpThreads)
            throws IOException {
        Path file = dir.resolve("model.onnx");
        Criteria<Tensor, Tensor> criteria = Criteria.builder()
                .setTypes(Tensor.class, Tensor.class)
                .optModelPath(dir)
                .optModelName("model")
                .optEngine("OnnxRuntime")
                .optTranslator(new TensorTranslator(inputName))
                .optOption("intraOpNumThreads", String.valueOf(intraOpThreads))
                .optOption("interOpNumThreads", "1")
                .build();
        try {
            return new OnnxModel(id, criteria.loadModel(), Math.max(1, poolSize));
        } catch (ModelNotFoundException | MalformedModelException | RuntimeException e) {
            throw new IOException("model " + id + " did not load from " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs the model.
     *
     * @param input one float tensor
     * @return the first output tensor
     * @throws ProblemException 503 when no predictor frees up within 30 s
     */
    public Tensor run(Tensor input) {
        long start = System.nanoTime();
        try {
            return runTimed(input);
        } finally {
            InferenceTime.since(start);
        }
    }

    private Tensor runTimed(Tensor input) {
        return pool.predict(input, 30_000, 2);
    }

    /**
     * Size of the last dimension of the first output that an ONNX file declares (e.g. 10 for logits
     * {@code float[batch][10]}), or -1 when the file leaves it symbolic. Read with ONNX Runtime's own session API
     * (DJL does not describe ONNX outputs); call it after DJL's engine has started (MODELS.md).
     *
     * @throws IOException when the file does not load
     */
    public static long outputSize(Path file) throws IOException {
        try (ai.onnxruntime.OrtSession.SessionOptions options = new ai.onnxruntime.OrtSession.SessionOptions();
             ai.onnxruntime.OrtSession session = ai.onnxruntime.OrtEnvironment.getEnvironment()
                     .createSession(file.toString(), options)) {
            var first = session.getOutputInfo().values().iterator().next().getInfo();
            if (first instanceof ai.onnxruntime.TensorInfo t && t.getShape().length > 0) {
                long last = t.getShape()[t.getShape().length - 1];
                return last > 0 ? last : -1;
            }
            return -1;
        } catch (ai.onnxruntime.OrtException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** Refuses new calls (503), lets running inferences finish (at most 30 s), then frees the model. */
    @Override
    public void close() {
        if (pool.close(30_000)) {
            model.close();
        }
    }

    /** Float array in, first output copied out as a float array: no NDArray outlives the call. */
    private record TensorTranslator(String inputName) implements NoBatchifyTranslator<Tensor, Tensor> {

        @Override
        public NDList processInput(TranslatorContext ctx, Tensor input) {
            NDArray array = ctx.getNDManager().create(input.data(), new Shape(input.shape()));
            if (inputName != null) {
                array.setName(inputName);
            }
            return new NDList(array);
        }

        @Override
        public Tensor processOutput(TranslatorContext ctx, NDList list) {
            NDArray out = list.get(0);
            return new Tensor(out.toFloatArray(), out.getShape().getShape());
        }
    }
}
