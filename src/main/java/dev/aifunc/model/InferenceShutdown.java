package dev.aifunc.model;

import java.lang.reflect.Field;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jboss.logging.Logger;

/**
 * Keeps a SIGTERM from crashing the JVM while an inference runs. ONNX Runtime's Java API registers a JVM shutdown
 * hook that releases its native environment; the JVM starts every hook at once, so that release ran under an
 * inference still in {@code OrtSession.run} and the process died with SIGSEGV in {@code libonnxruntime.so}
 * (reproduced by {@code LoopingModelRestartIT}). {@link #install} takes that hook out and puts in its place one that
 * first waits for the running inferences ({@link OnnxModel}, and the text models' {@link PredictorPool}) to end (they
 * end at their time budget at the latest, or earlier when the models are closed at shutdown; at most 20 s), then
 * releases the environment as ONNX Runtime's would.
 *
 * <p>The hook lives in {@code java.lang.ApplicationShutdownHooks}, which needs {@code java.base/java.lang} opened:
 * the packaged jar's manifest says {@code Add-Opens: java.base/java.lang}, and the test JVMs get the same option.
 * Without it the hook stays as it is and a warning says so.
 */
final class InferenceShutdown {

    private static final Logger LOG = Logger.getLogger(InferenceShutdown.class);
    private static final String ORT_CLOSER = "ai.onnxruntime.OrtEnvironment$OrtEnvCloser";
    private static final AtomicInteger RUNNING = new AtomicInteger();
    private static volatile boolean installed;

    private InferenceShutdown() {
    }

    /** Counts an inference as running (until {@link #ended}). */
    static void started() {
        RUNNING.incrementAndGet();
    }

    static void ended() {
        RUNNING.decrementAndGet();
    }

    /** Longest the new hook waits for running inferences (ms): above the default inference budget of 10 s. */
    private static final long WAIT_MS = 20_000;

    /** Replaces ONNX Runtime's shutdown hook once its environment exists; later calls do nothing. */
    static void install() {
        if (!installed) {
            installOnce();
        }
    }

    private static synchronized void installOnce() {
        if (installed) {
            return;
        }
        installed = true;
        List<Thread> ortHooks = new ArrayList<>();
        try {
            Class<?> hooksClass = Class.forName("java.lang.ApplicationShutdownHooks");
            Field hooksField = hooksClass.getDeclaredField("hooks");
            hooksField.setAccessible(true);
            Field target = Thread.class.getDeclaredField("target");
            target.setAccessible(true);
            synchronized (hooksClass) {
                @SuppressWarnings("unchecked")
                IdentityHashMap<Thread, Thread> hooks = (IdentityHashMap<Thread, Thread>) hooksField.get(null);
                if (hooks == null) {
                    return; // already shutting down
                }
                for (Thread hook : hooks.keySet()) {
                    Object runnable = target.get(hook);
                    if (runnable != null && ORT_CLOSER.equals(runnable.getClass().getName())) {
                        ortHooks.add(hook);
                    }
                }
            }
        } catch (ReflectiveOperationException | RuntimeException e) {
            LOG.warnf("ONNX Runtime's shutdown hook cannot be put after running inferences (%s): a SIGTERM during an "
                    + "inference may crash the JVM. Start java with --add-opens java.base/java.lang=ALL-UNNAMED "
                    + "(the packaged jar's manifest does this for java -jar).", e.toString());
            return;
        }
        for (Thread hook : ortHooks) {
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                return;
            }
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MS);
            while (RUNNING.get() > 0 && System.nanoTime() < deadline) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    break;
                }
            }
            if (RUNNING.get() > 0) {
                LOG.warnf("%d inference(s) still running at exit; ONNX Runtime's environment is left as it is",
                        RUNNING.get());
                return;
            }
            ortHooks.forEach(Thread::run); // ONNX Runtime's own release, on this thread
        }, "aifunc-inference-shutdown"));
    }
}
