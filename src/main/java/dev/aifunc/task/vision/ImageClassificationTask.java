package dev.aifunc.task.vision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.model.OnnxModel;
import dev.aifunc.model.UploadedModels;
import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.task.DecodedImage;
import dev.aifunc.task.ModelOutput;
import dev.aifunc.task.ScenarioSnapshot;
import dev.aifunc.task.Task;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * {@code image-classification}: runs the scenario's own ONNX classifier (uploaded with
 * {@code PUT /api/scenarios/{id}/model}) on an image resized to {@code inputWidth x inputHeight}, normalised as
 * {@code (pixel / 255 - mean) / std} in {@code channelOrder}, as {@code float[1][3][H][W]}. The first output,
 * {@code float[1][labels]}, is read as logits (softmax applied) unless it already sums to 1; the answer is the
 * top-k labels with their probabilities.
 */
@ApplicationScoped
public class ImageClassificationTask implements Task<ImageClassificationTask.State> {

    /** One label and its probability. */
    public record Scored(String label, double score) {
    }

    /** Output of one call. */
    public record Output(String label, double score, List<Scored> top, String model) implements ModelOutput {
    }

    /** Prepared scenario: its config and its loaded model. */
    public record State(ScenarioSnapshot scenario, OnnxModel model, String modelId) {
    }

    private final UploadedModels uploaded;

    public ImageClassificationTask(UploadedModels uploaded) {
        this.uploaded = uploaded;
    }

    @Override
    public String id() {
        return "image-classification";
    }

    @Override
    public boolean takesImage() {
        return true;
    }

    @Override
    public List<Problem.FieldError> validateConfig(JsonNode config) {
        List<Problem.FieldError> errors = new ArrayList<>();
        for (String field : new String[] {"mean", "std"}) {
            if (config.has(field) && config.get(field).size() != 3) {
                errors.add(new Problem.FieldError("config." + field, null, "needs one value per channel (3)"));
            }
        }
        return errors;
    }

    @Override
    public State prepare(ScenarioSnapshot scenario) {
        String modelId = "uploaded:" + scenario.datasetRevisions().getOrDefault("model", 0L);
        return new State(scenario, uploaded.forScenario(scenario.scenarioId()), modelId);
    }

    @Override
    public Object invoke(State state, JsonNode input) {
        throw new UnsupportedOperationException("image-classification takes an image");
    }

    @Override
    public Object invokeImage(State state, JsonNode input, DecodedImage image) {
        JsonNode config = state.scenario().config();
        int width = config.path("inputWidth").asInt(224);
        int height = config.path("inputHeight").asInt(224);
        boolean bgr = "BGR".equals(config.path("channelOrder").asText("RGB"));
        float[] mean = triple(config.path("mean"), new float[] {0.485f, 0.456f, 0.406f});
        float[] std = triple(config.path("std"), new float[] {0.229f, 0.224f, 0.225f});
        int topK = input.path("topK").asInt(config.path("topK").asInt(5));
        List<String> labels = new ArrayList<>();
        config.path("labels").forEach(l -> labels.add(l.asText()));
        float[] tensor = new float[3 * height * width];
        try (Mat bgrMat = VisionOps.toBgrMat(image.image()); Mat resized = VisionOps.resized(bgrMat, width, height)) {
            VisionOps.toChw(resized, mean, std, tensor, 0, width);
            if (!bgr) {
                swapFirstAndThirdPlane(tensor, width * height);
            }
        }
        OnnxModel.Tensor out = state.model().run(new OnnxModel.Tensor(tensor, new long[] {1, 3, height, width}));
        float[] values = out.data();
        if (values.length != labels.size()) {
            throw ProblemException.unprocessable("The model gives " + values.length + " outputs but the scenario has "
                    + labels.size() + " labels; save the scenario with one label per output.", "config.labels",
                    values.length + " labels");
        }
        double[] p = probabilities(values);
        List<Scored> all = new ArrayList<>();
        for (int i = 0; i < p.length; i++) {
            all.add(new Scored(labels.get(i), Math.round(p[i] * 10_000d) / 10_000d));
        }
        all.sort((a, b) -> Double.compare(b.score(), a.score()));
        List<Scored> top = List.copyOf(all.subList(0, Math.min(Math.max(1, topK), all.size())));
        return new Output(top.get(0).label(), top.get(0).score(), top, state.modelId());
    }

    /** Softmax of logits; values that are already a distribution (non-negative, sum 1) are kept. */
    static double[] probabilities(float[] v) {
        double sum = 0;
        boolean nonNegative = true;
        for (float x : v) {
            sum += x;
            nonNegative &= x >= 0;
        }
        double[] p = new double[v.length];
        if (nonNegative && Math.abs(sum - 1) < 1e-3) {
            for (int i = 0; i < v.length; i++) {
                p[i] = v[i];
            }
            return p;
        }
        double max = Double.NEGATIVE_INFINITY;
        for (float x : v) {
            max = Math.max(max, x);
        }
        double total = 0;
        for (int i = 0; i < v.length; i++) {
            p[i] = Math.exp(v[i] - max);
            total += p[i];
        }
        for (int i = 0; i < v.length; i++) {
            p[i] /= total;
        }
        return p;
    }

    /** Mean or std per channel in the tensor's plane order (B, G, R from {@link VisionOps}); config is in RGB order. */
    private static float[] triple(JsonNode node, float[] fallbackRgb) {
        float[] rgb = fallbackRgb.clone();
        if (node.isArray() && node.size() == 3) {
            for (int i = 0; i < 3; i++) {
                rgb[i] = (float) node.get(i).asDouble();
            }
        }
        // VisionOps writes planes B, G, R; for an RGB model the planes are swapped afterwards, so normalise in
        // B, G, R order here either way
        return new float[] {rgb[2], rgb[1], rgb[0]};
    }

    private static void swapFirstAndThirdPlane(float[] t, int plane) {
        for (int i = 0; i < plane; i++) {
            float tmp = t[i];
            t[i] = t[2 * plane + i];
            t[2 * plane + i] = tmp;
        }
    }
}
