import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The limit: the raw ONNX Runtime session in-process, on the same model file and the same tokens as the service
 * (DJL's Hugging Face tokenizer, padded batch), one intra-op thread like the service's default. Prints
 * "p50_ms_one p50_ms_32 p50_ms_one_paced": one sentence and 32 sentences in one call, back to back (a hot loop:
 * the model's weights stay in the CPU caches), and one sentence with a pause of PAUSE_MS between calls, as a service
 * sees them when each call waits for its client's next request. Each is the median of N runs after a warm-up.
 * Usage: java -cp 'target/quarkus-app/lib/main/*' bench/RawOrt.java MODEL_DIR SENTENCES_FILE N [PAUSE_MS=2]
 */
public class RawOrt {
    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        List<String> sentences = Files.readAllLines(Path.of(args[1]));
        int n = Integer.parseInt(args[2]);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        OrtSession.SessionOptions options = new OrtSession.SessionOptions();
        options.setIntraOpNumThreads(1);
        options.setInterOpNumThreads(1);
        try (OrtSession session = env.createSession(dir.resolve("model.onnx").toString(), options);
             HuggingFaceTokenizer tokenizer = HuggingFaceTokenizer.builder()
                     .optTokenizerPath(dir.resolve("tokenizer.json")).optPadding(true).optTruncation(true)
                     .optMaxLength(256).build()) {
            long pauseMs = args.length > 3 ? Long.parseLong(args[3]) : 2;
            double one = median(session, env, tokenizer, sentences.subList(0, 1), n, 0);
            double many = median(session, env, tokenizer, sentences.subList(0, 32), Math.max(10, n / 10), 0);
            double paced = median(session, env, tokenizer, sentences.subList(0, 1), n, pauseMs);
            System.out.printf(java.util.Locale.ROOT, "%.3f %.3f %.3f%n", one, many, paced);
        }
    }

    private static double median(OrtSession session, OrtEnvironment env, HuggingFaceTokenizer tokenizer,
                                 List<String> texts, int n, long pauseMs) throws Exception {
        List<Long> times = new ArrayList<>();
        for (int i = 0; i < n + n / 5; i++) {
            if (pauseMs > 0) {
                Thread.sleep(pauseMs);
            }
            long t0 = System.nanoTime();
            Encoding[] encodings = tokenizer.batchEncode(texts);
            int len = encodings[0].getIds().length;
            long[][] ids = new long[texts.size()][];
            long[][] mask = new long[texts.size()][];
            long[][] types = new long[texts.size()][];
            for (int t = 0; t < texts.size(); t++) {
                ids[t] = encodings[t].getIds();
                mask[t] = encodings[t].getAttentionMask();
                types[t] = new long[len];
            }
            Map<String, OnnxTensor> inputs = new HashMap<>();
            inputs.put("input_ids", OnnxTensor.createTensor(env, ids));
            inputs.put("attention_mask", OnnxTensor.createTensor(env, mask));
            if (session.getInputNames().contains("token_type_ids")) {
                inputs.put("token_type_ids", OnnxTensor.createTensor(env, types));
            }
            try (OrtSession.Result result = session.run(inputs)) {
                result.get(0).getValue();
            }
            inputs.values().forEach(OnnxTensor::close);
            if (i >= n / 5) {
                times.add(System.nanoTime() - t0);
            }
        }
        Collections.sort(times);
        return times.get(times.size() / 2) / 1e6;
    }
}
