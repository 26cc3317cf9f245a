package dev.aifunc.model;

import ai.djl.huggingface.tokenizers.Encoding;
import ai.djl.huggingface.tokenizers.HuggingFaceTokenizer;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.NoBatchifyTranslator;
import ai.djl.translate.TranslatorContext;
import java.util.List;
import java.util.Set;

/**
 * DJL translator of a transformer sentence encoder: texts → {@code input_ids}, {@code attention_mask}
 * (and {@code token_type_ids} when the model takes it), each {@code long[batch][tokens]} padded to the longest text
 * → model → {@code last_hidden_state float[batch][tokens][dimensions]} → pooled (mean or CLS) and L2-normalised
 * {@code float[batch][dimensions]}. Pooling is done in Java on the raw output, so it does not depend on the NDArray
 * operations an engine happens to implement.
 */
final class SentenceEmbeddingTranslator implements NoBatchifyTranslator<List<String>, float[][]> {

    private static final String MASK_KEY = "attentionMask";

    private final HuggingFaceTokenizer tokenizer;
    private final ModelPack pack;
    private final Set<String> modelInputs;

    SentenceEmbeddingTranslator(HuggingFaceTokenizer tokenizer, ModelPack pack, Set<String> modelInputs) {
        this.tokenizer = tokenizer;
        this.pack = pack;
        this.modelInputs = modelInputs;
    }

    @Override
    public NDList processInput(TranslatorContext ctx, List<String> texts) {
        Encoding[] encodings = tokenizer.batchEncode(texts);
        int batch = encodings.length;
        int tokens = encodings[0].getIds().length;
        long[] ids = new long[batch * tokens];
        long[] mask = new long[batch * tokens];
        long[] types = new long[batch * tokens];
        for (int b = 0; b < batch; b++) {
            System.arraycopy(encodings[b].getIds(), 0, ids, b * tokens, tokens);
            System.arraycopy(encodings[b].getAttentionMask(), 0, mask, b * tokens, tokens);
            System.arraycopy(encodings[b].getTypeIds(), 0, types, b * tokens, tokens);
        }
        ctx.setAttachment(MASK_KEY, new int[] {batch, tokens});
        ctx.setAttachment(MASK_KEY + ".values", mask);
        NDManager manager = ctx.getNDManager();
        Shape shape = new Shape(batch, tokens);
        NDList inputs = new NDList();
        inputs.add(named(manager.create(ids, shape), "input_ids"));
        inputs.add(named(manager.create(mask, shape), "attention_mask"));
        if (modelInputs.contains("token_type_ids")) {
            inputs.add(named(manager.create(types, shape), "token_type_ids"));
        }
        return inputs;
    }

    @Override
    public float[][] processOutput(TranslatorContext ctx, NDList outputs) {
        int[] dims = (int[]) ctx.getAttachment(MASK_KEY);
        long[] mask = (long[]) ctx.getAttachment(MASK_KEY + ".values");
        int batch = dims[0];
        int tokens = dims[1];
        NDArray hidden = outputs.get("last_hidden_state");
        if (hidden == null) {
            hidden = outputs.get(0);
        }
        int hiddenSize = (int) hidden.getShape().get(2);
        float[] values = hidden.toFloatArray();
        float[][] result = new float[batch][hiddenSize];
        for (int b = 0; b < batch; b++) {
            float[] v = result[b];
            int base = b * tokens * hiddenSize;
            if (pack.pooling() == ModelPack.Pooling.CLS) {
                System.arraycopy(values, base, v, 0, hiddenSize);
            } else {
                int count = 0;
                for (int t = 0; t < tokens; t++) {
                    if (mask[b * tokens + t] == 0) {
                        continue;
                    }
                    count++;
                    int off = base + t * hiddenSize;
                    for (int h = 0; h < hiddenSize; h++) {
                        v[h] += values[off + h];
                    }
                }
                for (int h = 0; h < hiddenSize; h++) {
                    v[h] /= Math.max(count, 1);
                }
            }
            Vectors.normalize(v);
        }
        return result;
    }

    private static NDArray named(NDArray array, String name) {
        array.setName(name);
        return array;
    }
}
