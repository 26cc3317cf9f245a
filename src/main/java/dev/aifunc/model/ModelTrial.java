package dev.aifunc.model;

import dev.aifunc.problem.ProblemException;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jboss.logging.Logger;

/**
 * Tries an uploaded model before the service accepts it: {@link ModelProbe} loads it and runs it once on an all-zero
 * input of the scenario's shape, in a child JVM under {@code ulimit -v} (address space,
 * {@code aifunc.models.upload-check.memory-mib}) that is killed when it overruns
 * {@code aifunc.models.upload-check.timeout}. A model whose graph folds a 3e8-float constant at load, loops without
 * end, or crashes ONNX Runtime costs that process, not the service. The model's bytes go through a pipe; the process
 * gets a private temporary folder that is removed afterwards, whatever happened to it.
 */
@ApplicationScoped
public class ModelTrial {

    private static final Logger LOG = Logger.getLogger(ModelTrial.class);

    /** Most bytes of the probe's output read (its facts are a few lines). */
    private static final int MAX_OUTPUT = 64 * 1024;

    /**
     * One output of the trial run.
     *
     * @param type      ONNX Runtime's Java type of its elements ({@code FLOAT}, {@code INT64}, …)
     * @param count     number of elements
     * @param nonFinite elements that are NaN or infinite (float outputs only)
     * @param shape     its shape
     */
    public record Output(String type, long count, long nonFinite, long[] shape) {
    }

    /**
     * What the trial saw.
     *
     * @param loadMs  time to load the model (ms)
     * @param runMs   time of the one run (ms)
     * @param outputs the model's outputs, in order
     */
    public record Result(long loadMs, long runMs, List<Output> outputs) {
    }

    private final ModelsConfig config;
    private final Semaphore places;

    public ModelTrial(ModelsConfig config) {
        this.config = config;
        this.places = new Semaphore(Math.max(1, config.uploadCheck().concurrency()), true);
    }

    /**
     * Loads and runs a model once in a separate process.
     *
     * @param onnx       the model's bytes (already inspected: {@link OnnxInspection})
     * @param inputShape the shape of the all-zero float input
     * @throws ProblemException 422 when the model does not load, fails, needs more memory or time than allowed, or
     *                          crashes the process; 503 with {@code Retry-After} when other trials keep every place busy
     */
    public Result run(byte[] onnx, long[] inputShape) {
        long timeoutMs = config.uploadCheck().timeout().toMillis();
        try {
            if (!places.tryAcquire(timeoutMs, TimeUnit.MILLISECONDS)) {
                throw ProblemException.unavailable("Other model uploads are being checked; retry shortly.", 10);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while waiting to check the model.", 5);
        }
        Path folder = null;
        try {
            folder = Files.createTempDirectory(ModelRegistry.cacheFolder(config), "trial");
            return runIn(folder, onnx, inputShape, timeoutMs);
        } catch (IOException e) {
            throw new IllegalStateException("the model check could not start: " + e.getMessage(), e);
        } finally {
            places.release();
            delete(folder);
        }
    }

    private Result runIn(Path folder, byte[] onnx, long[] inputShape, long timeoutMs) throws IOException {
        Path classes = folder.resolve("classes");
        String probe = ModelProbe.class.getName().replace('.', '/') + ".class";
        Files.createDirectories(classes.resolve(probe).getParent());
        try (InputStream in = ModelProbe.class.getClassLoader().getResourceAsStream(probe)) {
            if (in == null) {
                throw new IOException(probe + " is not on the classpath");
            }
            Files.copy(in, classes.resolve(probe));
        }
        Path tmp = Files.createDirectories(folder.resolve("tmp"));
        StringBuilder shape = new StringBuilder();
        for (long d : inputShape) {
            shape.append(shape.length() == 0 ? "" : ",").append(d);
        }
        long memoryKib = config.uploadCheck().memoryMib() * 1024;
        List<String> command = new ArrayList<>(List.of("/bin/sh", "-c", "ulimit -v \"$1\" && shift && exec \"$@\"",
                "aifunc-model-check", String.valueOf(memoryKib),
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                // a JVM small in address space, so what ulimit leaves is ONNX Runtime's
                "-Xmx64m", "-Xss512k", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-XX:CompressedClassSpaceSize=32m",
                "-XX:ReservedCodeCacheSize=16m", "-XX:MaxMetaspaceSize=64m", "-Xshare:off", "-XX:-UsePerfData",
                "-Djava.io.tmpdir=" + tmp,
                "-cp", classes + java.io.File.pathSeparator + onnxRuntimeJar(),
                ModelProbe.class.getName(), shape.toString(), String.valueOf(config.inferenceTimeout().toMillis())));
        ProcessBuilder builder = new ProcessBuilder(command).directory(folder.toFile());
        builder.environment().keySet().removeIf(k -> k.endsWith("JAVA_OPTIONS") || k.equals("JAVA_TOOL_OPTIONS"));
        builder.environment().put("MALLOC_ARENA_MAX", "2");
        long t0 = System.nanoTime();
        Process process = builder.start();
        try {
            Thread feeder = new Thread(() -> {
                try (OutputStream stdin = process.getOutputStream()) {
                    stdin.write(onnx);
                } catch (IOException e) {
                    // the process ended early; its exit says why
                }
            }, "aifunc-model-check-input");
            feeder.setDaemon(true);
            feeder.start();
            Capture stdout = new Capture(process.getInputStream());
            Capture stderr = new Capture(process.getErrorStream());
            if (!process.waitFor(timeoutMs, TimeUnit.MILLISECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                String last = lastLine(stdout.text());
                throw refused("did not " + (last.startsWith("loaded") ? "finish one run on a blank input" : "load")
                        + " within " + timeoutMs / 1000 + " s (aifunc.models.upload-check.timeout)",
                        timeoutMs / 1000 + " s");
            }
            String out = stdout.text();
            String err = stderr.text();
            int exit = process.exitValue();
            LOG.debugf("model check exit %d in %d ms: %s", exit, (System.nanoTime() - t0) / 1_000_000, out);
            if (exit != 0) {
                String error = lastLine(out);
                if (error.startsWith("overtime ")) {
                    throw refused("ran longer than the inference budget of " + error.substring(9) + " ms "
                            + "(aifunc.models.inference-timeout) on a blank input and was stopped",
                            error.substring(9) + " ms");
                }
                boolean memory = error.contains("bad_alloc") || err.contains("bad_alloc")
                        || err.contains("OutOfMemoryError") || err.contains("Cannot allocate memory")
                        || err.contains("insufficient memory");
                if (memory) {
                    throw refused("needs more memory than the check allows ("
                            + config.uploadCheck().memoryMib() + " MiB, aifunc.models.upload-check.memory-mib) to load "
                            + "and run once", config.uploadCheck().memoryMib() + " MiB");
                }
                if (error.startsWith("error ")) {
                    throw refused("does not load or run in ONNX Runtime: "
                            + error.substring(6).replaceAll("(/[^\\s:]+)+", "(file)"), null);
                }
                throw refused("ended the check process abnormally (exit " + exit + (exit > 128 ? ", signal "
                        + (exit - 128) : "") + ")", null);
            }
            return parse(out);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while checking the model.", 5);
        } finally {
            if (process.isAlive()) {
                process.destroyForcibly();
            }
        }
    }

    private static Result parse(String out) {
        long loadMs = -1;
        long runMs = -1;
        List<Output> outputs = new ArrayList<>();
        for (String line : out.split("\n")) {
            String[] f = line.strip().split(" ");
            switch (f[0]) {
                case "loaded" -> loadMs = Long.parseLong(f[1]);
                case "ran" -> runMs = Long.parseLong(f[1]);
                case "output" -> {
                    long[] shape = f.length > 4 && !f[4].isEmpty()
                            ? Stream.of(f[4].split(",")).mapToLong(Long::parseLong).toArray() : new long[0];
                    outputs.add(new Output(f[1], Long.parseLong(f[2]), Long.parseLong(f[3]), shape));
                }
                default -> {
                }
            }
        }
        if (runMs < 0 || outputs.isEmpty()) {
            throw refused("gave no output on a blank input", null);
        }
        return new Result(loadMs, runMs, List.copyOf(outputs));
    }

    private static ProblemException refused(String what, String limit) {
        return ProblemException.unprocessable("The model " + what + ".", "(body)", limit);
    }

    private static String lastLine(String text) {
        String[] lines = text.strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    /** The ONNX Runtime jar on this class path (the probe's only dependency). */
    private static String onnxRuntimeJar() throws IOException {
        URL url = ai.onnxruntime.OrtEnvironment.class.getClassLoader()
                .getResource(ai.onnxruntime.OrtEnvironment.class.getName().replace('.', '/') + ".class");
        String text = url == null ? "" : url.toString();
        if (!text.startsWith("jar:file:") || !text.contains("!/")) {
            throw new IOException("cannot find the ONNX Runtime jar (class at " + text + ")");
        }
        try {
            return Path.of(new java.net.URI(text.substring(4, text.indexOf("!/")))).toString();
        } catch (java.net.URISyntaxException e) {
            throw new IOException(e);
        }
    }

    private static void delete(Path folder) {
        if (folder == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(folder)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            LOG.debugf("removing %s failed: %s", folder, e.getMessage());
        }
    }

    /** Reads a stream on its own thread, keeping at most {@link #MAX_OUTPUT} bytes. */
    private static final class Capture {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final Thread thread;

        Capture(InputStream in) {
            thread = new Thread(() -> {
                byte[] buffer = new byte[8192];
                try (in) {
                    for (int n; (n = in.read(buffer)) > 0; ) {
                        synchronized (bytes) {
                            if (bytes.size() < MAX_OUTPUT) {
                                bytes.write(buffer, 0, Math.min(n, MAX_OUTPUT - bytes.size()));
                            }
                        }
                    }
                } catch (IOException e) {
                    // the process was killed
                }
            }, "aifunc-model-check-output");
            thread.setDaemon(true);
            thread.start();
        }

        String text() throws InterruptedException {
            thread.join(2000);
            synchronized (bytes) {
                return bytes.toString(StandardCharsets.UTF_8);
            }
        }
    }
}
