package dev.aifunc.task.vision;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.model.ImageClassifierPacks;
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
import org.bytedeco.opencv.opencv_core.Rect;

/**
 * {@code image-classification}: runs an ONNX classifier on an image and answers the top-k labels with their
 * probabilities. The model is either a pack that ships with aifunc ({@code modelPack}, e.g. {@code fashion-mnist-cnn},
 * which brings its own input size, channels, normalisation and labels) or the scenario's own model, uploaded with
 * {@code PUT /api/scenarios/{id}/model} (labels from the config, else from the archive's {@code synset.txt}), prepared
 * as the config says: resized to {@code inputWidth x inputHeight}
 * (stretched, or letterboxed keeping the aspect ratio), in {@code channelOrder} (RGB, BGR or GRAY), optionally
 * inverted, normalised as {@code (pixel / 255 - mean) / std} into {@code float[1][channels][H][W]}. The first output,
 * {@code float[1][labels]}, is read as logits (softmax applied) unless it already sums to 1.
 */
@ApplicationScoped
public class ImageClassificationTask implements Task<ImageClassificationTask.State> {

    /** One label and its probability. */
    public record Scored(String label, double score) {
    }

    /** Output of one call. */
    public record Output(String label, double score, List<Scored> top, String model) implements ModelOutput {
    }

    /**
     * How an image becomes the model's input tensor.
     *
     * @param channels {@code RGB}, {@code BGR} or {@code GRAY}
     * @param mean     per channel in {@code channels} order, on pixels scaled to 0..1
     * @param invert   {@code never}, {@code always}, or {@code auto}: when the image's background (its border) is
     *                 on the other side of mid-grey than the model's training images (uploaded models: assumed
     *                 trained on light objects on dark, as MNIST-style models are, so light backgrounds are inverted)
     * @param letterbox keep the aspect ratio and pad with the background instead of stretching
     * @param lightOnDark whether the model learned light objects on a dark background (for {@code auto})
     * @param trim      crop to the object (pixels more than 24 levels from the background) before resizing, as
     *                  Fashion-MNIST's images were made
     */
    public record Preprocessing(int width, int height, String channels, float[] mean, float[] std, String invert,
                                boolean letterbox, boolean lightOnDark, boolean trim) {
    }

    /** Prepared scenario: its config, its loaded model, labels and preprocessing. */
    public record State(ScenarioSnapshot scenario, OnnxModel model, String modelId, List<String> labels,
                        Preprocessing preprocessing) {
    }

    /** Grey levels (of 255) a pixel must differ from the background to count as the object when trimming. */
    private static final int TRIM_TOLERANCE = 8;

    private final UploadedModels uploaded;
    private final ImageClassifierPacks packs;

    public ImageClassificationTask(UploadedModels uploaded, ImageClassifierPacks packs) {
        this.uploaded = uploaded;
        this.packs = packs;
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
    public boolean takesModelUpload(JsonNode config) {
        return config.path("modelPack").asText("").isEmpty();
    }

    @Override
    public UploadedModels.Expectation modelExpectation(JsonNode config) {
        int channels = "GRAY".equals(config.path("channelOrder").asText("RGB")) ? 1 : 3;
        return new UploadedModels.Expectation(new long[] {1, channels, config.path("inputHeight").asInt(224),
                config.path("inputWidth").asInt(224)}, config.has("labels") ? labels(config) : null,
                "config.channelOrder");
    }

    @Override
    public List<Problem.FieldError> validateConfig(JsonNode config) {
        List<Problem.FieldError> errors = new ArrayList<>();
        String pack = config.path("modelPack").asText("");
        if (!pack.isEmpty() && packs.find(pack).isEmpty()) {
            errors.add(new Problem.FieldError("config.modelPack", null, "no image classifier pack '" + pack
                    + "'; shipped packs: " + String.join(", ", new java.util.TreeSet<>(ImageClassifierPacks.BUILT_IN.keySet()))));
        }
        if (packs.find(pack).isPresent() && config.has("labels") && config.get("labels").size() != packs.labels(pack).size()) {
            errors.add(new Problem.FieldError("config.labels", null, "pack '" + pack + "' has "
                    + packs.labels(pack).size() + " outputs: give one label per output, in the order of its labels.txt"));
        }
        int channels = "GRAY".equals(config.path("channelOrder").asText("RGB")) ? 1 : 3;
        for (String field : new String[] {"mean", "std"}) {
            if (pack.isEmpty() && config.has(field) && config.get(field).size() != channels) {
                errors.add(new Problem.FieldError("config." + field, null, "needs one value per channel (" + channels + ")"));
            }
        }
        return errors;
    }

    @Override
    public State prepare(ScenarioSnapshot scenario) {
        JsonNode config = scenario.config();
        String invert = config.path("invert").asText("never");
        boolean letterbox = "letterbox".equals(config.path("resize").asText("stretch"));
        String packId = config.path("modelPack").asText("");
        if (!packId.isEmpty()) {
            ImageClassifierPacks.Pack pack = packs.find(packId).orElseThrow();
            List<String> labels = config.has("labels") ? labels(config) : packs.labels(packId);
            return new State(scenario, packs.model(packId), packId, labels, new Preprocessing(pack.width(),
                    pack.height(), pack.channels(), pack.mean(), pack.std(), invert, letterbox, pack.lightOnDark(), pack.trim()));
        }
        String channels = config.path("channelOrder").asText("RGB");
        int n = "GRAY".equals(channels) ? 1 : 3;
        float[] mean = floats(config.path("mean"), n == 1 ? new float[] {0.5f} : new float[] {0.485f, 0.456f, 0.406f});
        float[] std = floats(config.path("std"), n == 1 ? new float[] {0.5f} : new float[] {0.229f, 0.224f, 0.225f});
        String modelId = "uploaded:" + scenario.datasetRevisions().getOrDefault("model", 0L);
        OnnxModel model = uploaded.forScenario(scenario.scenarioId(), modelExpectation(config));
        List<String> labels = config.has("labels") ? labels(config)
                : uploaded.describe(scenario.scenarioId()).map(UploadedModels.Summary::labels).orElse(null);
        return new State(scenario, model, modelId, labels == null ? List.of() : labels,
                new Preprocessing(config.path("inputWidth").asInt(224), config.path("inputHeight").asInt(224), channels,
                        mean, std, invert, letterbox, true, false));
    }

    @Override
    public Object invoke(State state, JsonNode input) {
        throw new UnsupportedOperationException("image-classification takes an image");
    }

    @Override
    public Object invokeImage(State state, JsonNode input, DecodedImage image) {
        Preprocessing pre = state.preprocessing();
        int topK = input.path("topK").asInt(state.scenario().config().path("topK").asInt(5));
        List<String> labels = state.labels();
        float[] tensor = tensor(image.image(), pre);
        int channels = tensor.length / (pre.width() * pre.height());
        OnnxModel.Tensor out = state.model().run(new OnnxModel.Tensor(tensor, new long[] {1, channels, pre.height(), pre.width()}));
        float[] values = out.data();
        if (values.length != labels.size()) {
            throw ProblemException.unprocessable("The model gives " + values.length + " outputs but the scenario has "
                    + labels.size() + " labels; save the scenario with one label per output.", "config.labels",
                    values.length + " labels");
        }
        for (float v : values) {
            if (!Float.isFinite(v)) {
                throw ProblemException.unprocessable("The model gave NaN or infinite scores for this image, so it "
                        + "cannot rank the labels; the scenario's model needs fixing (or try another image).", "image",
                        "finite scores");
            }
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

    /**
     * The model input for an image: {@code float[channels * height * width]}, planes in {@code channels} order.
     * Inversion and the letterbox padding use the image's border as its background.
     */
    static float[] tensor(java.awt.image.BufferedImage image, Preprocessing pre) {
        boolean gray = "GRAY".equals(pre.channels());
        try (Mat bgr = VisionOps.toBgrMat(image); Mat src = gray ? VisionOps.toGray(bgr) : new Mat(bgr)) {
            double background = background(src);
            boolean invert = switch (pre.invert()) {
                case "always" -> true;
                case "auto" -> pre.lightOnDark() ? background > 127.5 : background < 127.5;
                default -> false;
            };
            double pad = invert ? 255 - background : background;
            try (Rect object = pre.trim() ? objectBounds(src, background) : null;
                 Mat cropped = object != null ? new Mat(src, object) : new Mat(src);
                 Mat flipped = invert ? VisionOps.inverted(cropped) : new Mat(cropped);
                 Mat sized = pre.letterbox()
                         ? VisionOps.letterboxed(flipped, pre.width(), pre.height(), pad)
                         : VisionOps.resized(flipped, pre.width(), pre.height())) {
                int n = gray ? 1 : 3;
                float[] tensor = new float[n * pre.height() * pre.width()];
                // VisionOps writes planes in the matrix's order (B, G, R); for an RGB model swap after
                float[] mean = gray || "BGR".equals(pre.channels()) ? pre.mean() : reversed(pre.mean());
                float[] std = gray || "BGR".equals(pre.channels()) ? pre.std() : reversed(pre.std());
                VisionOps.toChw(sized, mean, std, tensor, 0, pre.width());
                if ("RGB".equals(pre.channels())) {
                    swapFirstAndThirdPlane(tensor, pre.width() * pre.height());
                }
                return tensor;
            }
        }
    }

    private static Rect objectBounds(Mat src, double background) {
        if (src.channels() == 1) {
            return VisionOps.objectBounds(src, background, TRIM_TOLERANCE);
        }
        try (Mat gray = VisionOps.toGray(src)) {
            return VisionOps.objectBounds(gray, background, TRIM_TOLERANCE);
        }
    }

    /** Background level 0..255: the mean luminance of the image's one-pixel border. */
    private static double background(Mat src) {
        if (src.channels() == 1) {
            return VisionOps.borderMean(src);
        }
        try (Mat gray = VisionOps.toGray(src)) {
            return VisionOps.borderMean(gray);
        }
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

    private static List<String> labels(JsonNode config) {
        List<String> labels = new ArrayList<>();
        config.path("labels").forEach(l -> labels.add(l.asText()));
        return labels;
    }

    private static float[] floats(JsonNode node, float[] fallback) {
        if (!node.isArray() || node.size() != fallback.length) {
            return fallback;
        }
        float[] v = new float[node.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = (float) node.get(i).asDouble();
        }
        return v;
    }

    private static float[] reversed(float[] v) {
        return new float[] {v[2], v[1], v[0]};
    }

    private static void swapFirstAndThirdPlane(float[] t, int plane) {
        for (int i = 0; i < plane; i++) {
            float tmp = t[i];
            t[i] = t[2 * plane + i];
            t[2 * plane + i] = tmp;
        }
    }
}
