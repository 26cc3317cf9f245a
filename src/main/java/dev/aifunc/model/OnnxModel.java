package dev.aifunc.model;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.aifunc.problem.ProblemException;
import java.io.IOException;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * A single-input ONNX model (vision: one float tensor in, its first output read as floats) run on ONNX Runtime's own
 * session API, loaded from bytes in memory: no file on disk is read, so nothing another local user can reach decides
 * what runs. The session is shared by all calls (ONNX Runtime runs are thread-safe); {@code poolSize} bounds how
 * many run at once.
 *
 * <p>Every run has a time budget ({@link Settings#runTimeoutMs}): past it ONNX Runtime is told to terminate the run
 * (it stops between kernels, also inside {@code Loop} bodies), the core is freed and the caller gets 503. {@link #close}
 * terminates running inferences first and frees the session only once none runs, so deleting a scenario or a
 * shutdown never frees a session under a running kernel (which would crash the JVM in native code).
 */
public final class OnnxModel implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(OnnxModel.class);

    /** A dense float tensor: {@code data} in row-major order with {@code shape}. */
    public record Tensor(float[] data, long[] shape) {
    }

    /**
     * How a model runs.
     *
     * @param poolSize         inferences that may run at once
     * @param intraOpThreads   ONNX Runtime threads per inference
     * @param acquireTimeoutMs longest wait for a free place (ms) before 503
     * @param runTimeoutMs     longest one inference may run (ms) before it is terminated; 0 for no limit
     */
    public record Settings(int poolSize, int intraOpThreads, long acquireTimeoutMs, long runTimeoutMs) {

        /** The settings of {@code aifunc.models.*}. */
        public static Settings of(ModelsConfig config) {
            return new Settings(Math.max(1, config.poolSize().orElse(Runtime.getRuntime().availableProcessors())),
                    config.intraOpThreads(), config.acquireTimeoutMs(), config.inferenceTimeout().toMillis());
        }
    }

    /** Ends runs that are over their budget; one daemon thread for all models. */
    private static final ScheduledExecutorService WATCHDOG = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "aifunc-inference-watchdog");
        t.setDaemon(true);
        return t;
    });

    private final String id;
    private final OrtEnvironment environment;
    private final OrtSession session;
    private final String inputName;
    private final Settings settings;
    private final Semaphore places;
    private final Set<Run> running = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;

    private OnnxModel(String id, OrtEnvironment environment, OrtSession session, String inputName, Settings settings) {
        this.id = id;
        this.environment = environment;
        this.session = session;
        this.inputName = inputName;
        this.settings = settings;
        this.places = new Semaphore(settings.poolSize(), true);
    }

    /**
     * Loads a model shipped on the classpath after checking its SHA-256 against the pinned one.
     *
     * @param id        name for logs and errors
     * @param resource  classpath resource of the {@code .onnx} file
     * @param sha256    the file's expected SHA-256 (hex), or null for a model built into aifunc's own jar
     * @param inputName the model's input name, or null for its only input
     * @throws IOException when the resource is missing, differs from the pinned hash, or does not load
     */
    public static OnnxModel load(String id, String resource, String sha256, String inputName, Settings settings)
            throws IOException {
        byte[] bytes = ModelFiles.bytes(resource);
        if (sha256 != null && !sha256.equals(ModelFiles.sha256(bytes))) {
            throw new IOException("model resource " + resource + " does not have the pinned SHA-256 " + sha256
                    + "; its Maven artifact is not the one aifunc was built with");
        }
        return fromBytes(id, bytes, inputName, settings);
    }

    /**
     * Loads a model from its bytes.
     *
     * @param inputName the model's input name, or null to feed its first input
     * @throws IOException when ONNX Runtime does not load the bytes
     */
    public static OnnxModel fromBytes(String id, byte[] onnx, String inputName, Settings settings) throws IOException {
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(settings.intraOpThreads());
            options.setInterOpNumThreads(1);
            options.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            OrtEnvironment environment = environment();
            OrtSession session = environment.createSession(onnx, options);
            String input = inputName != null ? inputName : session.getInputNames().iterator().next();
            return new OnnxModel(id, environment, session, input, settings);
        } catch (OrtException | RuntimeException e) {
            throw new IOException("model " + id + " did not load: " + e.getMessage(), e);
        }
    }

    /**
     * ONNX Runtime's environment, after DJL's engine has created it (creating it first makes DJL fail), with its
     * shutdown hook put after the running inferences. Called when a model loads, not per inference.
     */
    private static OrtEnvironment environment() {
        ai.djl.engine.Engine.getEngine("OnnxRuntime");
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        InferenceShutdown.install();
        return env;
    }

    /**
     * Runs the model.
     *
     * @param input one float tensor
     * @return the first output tensor
     * @throws ProblemException 503 with {@code Retry-After} when no place frees up in time, the model is closing, or
     *                          the run went over its time budget; 422 when the model refuses the input's shape
     * @throws IllegalStateException when ONNX Runtime fails otherwise
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
        if (closed) {
            throw closing();
        }
        try {
            if (!places.tryAcquire(settings.acquireTimeoutMs(), TimeUnit.MILLISECONDS)) {
                throw ProblemException.unavailable("Model " + id + " is busy; retry shortly.", 2);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while waiting for model " + id + ".", 1);
        }
        Run run = null;
        ScheduledFuture<?> timer = null;
        try {
            if (closed) {
                throw closing();
            }
            run = new Run();
            running.add(run);
            if (settings.runTimeoutMs() > 0) {
                Run r = run;
                timer = WATCHDOG.schedule(() -> r.terminate(true), settings.runTimeoutMs(), TimeUnit.MILLISECONDS);
            }
            InferenceShutdown.started();
            try (OnnxTensor tensor = OnnxTensor.createTensor(environment, FloatBuffer.wrap(input.data()), input.shape());
                 OrtSession.Result result = session.run(Map.of(inputName, tensor), run.options)) {
                return firstOutput(result);
            } finally {
                InferenceShutdown.ended();
            }
        } catch (OrtException e) {
            if (run != null && run.timedOut) {
                throw new ProblemException(503, "Inference Time Budget Exceeded", "Model " + id + " ran longer than "
                        + "its budget of " + settings.runTimeoutMs() + " ms (aifunc.models.inference-timeout) and was "
                        + "stopped.", null, settings.runTimeoutMs() + " ms", null, 30);
            }
            if (closed) {
                throw closing();
            }
            if (e.getCode() == OrtException.OrtErrorCode.ORT_INVALID_ARGUMENT) {
                throw ProblemException.unprocessable("Model " + id + " refuses an input of shape "
                        + Arrays.toString(input.shape()) + ": " + ortMessage(e) + " Save the scenario with the input "
                        + "size and channels the model was trained with.", "config", null);
            }
            throw new IllegalStateException("Inference failed on model " + id + ": " + ortMessage(e), e);
        } finally {
            if (timer != null) {
                timer.cancel(false);
            }
            if (run != null) {
                running.remove(run);
                run.close();
            }
            places.release();
        }
    }

    private Tensor firstOutput(OrtSession.Result result) throws OrtException {
        OnnxValue value = result.get(0);
        if (value instanceof OnnxTensor tensor && tensor.getInfo().type == ai.onnxruntime.OnnxJavaType.FLOAT) {
            FloatBuffer buffer = tensor.getFloatBuffer();
            float[] data = new float[buffer.remaining()];
            buffer.get(data);
            return new Tensor(data, tensor.getInfo().getShape());
        }
        throw ProblemException.unprocessable("Model " + id + " gives a first output of type " + value.getInfo()
                + "; aifunc reads float tensors.", "model", "float output");
    }

    private ProblemException closing() {
        return ProblemException.unavailable("Model " + id + " was replaced, removed or is shutting down; retry.", 1);
    }

    /** ONNX Runtime's message without file paths of this machine. */
    private static String ortMessage(OrtException e) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        return message.replaceAll("(/[^\\s:]+)+", "(file)");
    }

    /**
     * Refuses new calls (503), terminates the running inferences, waits for them to end (at most 30 s), then frees
     * the session. A run that does not end in time keeps the session alive (it is leaked, not freed under the run).
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        running.forEach(r -> r.terminate(false));
        try {
            if (places.tryAcquire(settings.poolSize(), 30, TimeUnit.SECONDS)) {
                session.close();
            } else {
                LOG.warnf("Model %s: an inference did not stop within 30 s; its session is left open", id);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (OrtException e) {
            LOG.warnf("Model %s did not close cleanly: %s", id, e.getMessage());
        }
    }

    /** One inference in progress: its run options, through which it can be terminated from another thread. */
    private static final class Run {
        final OrtSession.RunOptions options;
        volatile boolean timedOut;
        private boolean finished;

        Run() throws OrtException {
            this.options = new OrtSession.RunOptions();
        }

        synchronized void terminate(boolean overBudget) {
            if (finished) {
                return;
            }
            timedOut |= overBudget;
            try {
                options.setTerminate(true);
            } catch (OrtException e) {
                LOG.debugf("terminating a run failed: %s", e.getMessage());
            }
        }

        synchronized void close() {
            finished = true;
            options.close();
        }
    }
}
