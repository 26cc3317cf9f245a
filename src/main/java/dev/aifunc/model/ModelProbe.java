package dev.aifunc.model;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.FloatBuffer;
import java.util.Map;

/**
 * The program {@link ModelTrial} runs in a child JVM to try an uploaded model: reads the ONNX bytes from standard
 * input, loads them into ONNX Runtime from memory, runs the model once on an all-zero float tensor of the shape given
 * as the first argument, and prints one line per fact:
 * <pre>
 * loaded &lt;ms&gt;
 * output &lt;java type&gt; &lt;element count&gt; &lt;non-finite count&gt; &lt;shape, comma-separated&gt;
 * ran &lt;ms&gt;
 * error &lt;ONNX Runtime's message on one line&gt;
 * overtime &lt;ms&gt;
 * </pre>
 * It depends on nothing but the JDK and ONNX Runtime's Java API, so its class file and the ONNX Runtime jar are its
 * whole class path. Limits (memory, time) are the parent's: it runs under {@code ulimit -v} and is killed when late.
 */
public final class ModelProbe {

    private ModelProbe() {
    }

    /**
     * @param args the input shape, e.g. {@code 1,3,224,224}; the run's budget in ms (0: none), past which ONNX
     *             Runtime is told to terminate it
     */
    public static void main(String[] args) throws Exception {
        PrintStream out = System.out;
        long[] shape = parseShape(args[0]);
        long budgetMs = Long.parseLong(args[1]);
        byte[] model;
        try (InputStream in = System.in) {
            model = in.readAllBytes();
        }
        try {
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            long t0 = System.nanoTime();
            try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
                options.setIntraOpNumThreads(1);
                options.setInterOpNumThreads(1);
                try (OrtSession session = env.createSession(model, options)) {
                    out.println("loaded " + (System.nanoTime() - t0) / 1_000_000);
                    out.flush();
                    long count = 1;
                    for (long d : shape) {
                        count = Math.multiplyExact(count, d);
                    }
                    String input = session.getInputNames().iterator().next();
                    long t1 = System.nanoTime();
                    OrtSession.RunOptions run = new OrtSession.RunOptions();
                    if (budgetMs > 0) {
                        Thread watchdog = new Thread(() -> {
                            try {
                                Thread.sleep(budgetMs);
                                run.setTerminate(true);
                            } catch (InterruptedException | OrtException e) {
                                // the run ended first
                            }
                        });
                        watchdog.setDaemon(true);
                        watchdog.start();
                    }
                    try (OnnxTensor tensor = OnnxTensor.createTensor(env, FloatBuffer.wrap(new float[(int) count]), shape);
                         OrtSession.Result result = session.run(Map.of(input, tensor), run)) {
                        long ms = (System.nanoTime() - t1) / 1_000_000;
                        for (Map.Entry<String, OnnxValue> e : result) {
                            describe(out, e.getValue());
                        }
                        out.println("ran " + ms);
                    }
                }
            }
        } catch (OrtException e) {
            if (String.valueOf(e.getMessage()).contains("terminate flag")) {
                out.println("overtime " + args[1]);
                out.flush();
                System.exit(4);
            }
            String message = String.valueOf(e.getMessage()).replaceAll("\\s+", " ");
            out.println("error " + (message.length() > 2000 ? message.substring(0, 2000) : message));
            out.flush();
            System.exit(3);
        }
        out.flush();
    }

    private static void describe(PrintStream out, OnnxValue value) throws OrtException {
        if (!(value instanceof OnnxTensor tensor)) {
            out.println("output " + value.getType() + " 0 0 ");
            return;
        }
        TensorInfo info = tensor.getInfo();
        long nonFinite = 0;
        if (info.type == OnnxJavaType.FLOAT) {
            FloatBuffer values = tensor.getFloatBuffer();
            while (values.hasRemaining()) {
                if (!Float.isFinite(values.get())) {
                    nonFinite++;
                }
            }
        }
        StringBuilder dims = new StringBuilder();
        for (long d : info.getShape()) {
            dims.append(dims.length() == 0 ? "" : ",").append(d);
        }
        out.println("output " + info.type + " " + info.getNumElements() + " " + nonFinite + " " + dims);
    }

    private static long[] parseShape(String text) {
        String[] parts = text.split(",");
        long[] shape = new long[parts.length];
        for (int i = 0; i < parts.length; i++) {
            shape[i] = Long.parseLong(parts[i]);
        }
        return shape;
    }

}
