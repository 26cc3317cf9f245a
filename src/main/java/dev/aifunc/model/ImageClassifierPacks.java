package dev.aifunc.model;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Image classifiers that ship with aifunc as ONNX files on the classpath ({@code packs/<id>/model.onnx}, with
 * {@code labels.txt} and {@code MODEL_CARD.md} beside it). Each pack says how its input is prepared; a model is
 * loaded the first time a scenario uses it and closed at shutdown.
 */
@ApplicationScoped
public class ImageClassifierPacks {

    /**
     * A shipped classifier and the preprocessing it was trained with.
     *
     * @param id        stable id used in scenario configs ({@code modelPack})
     * @param width     input width in pixels
     * @param height    input height in pixels
     * @param channels  {@code GRAY} (1 channel), {@code RGB} or {@code BGR}
     * @param mean      per channel, on pixels scaled to 0..1
     * @param std       per channel
     * @param lightOnDark whether the training images show a light object on a dark background
     * @param trim      whether the training images were cropped to the object before resizing (its longest side
     *                  fills the input), so inputs are cropped to the object the same way
     * @param source    where the weights come from, for humans
     */
    public record Pack(String id, int width, int height, String channels, float[] mean, float[] std,
                       boolean lightOnDark, boolean trim, String source) {

        /** Classpath resource of the ONNX file. */
        public String modelResource() {
            return "packs/" + id + "/model.onnx";
        }

        /** Classpath resource of the labels, one per line in output order. */
        public String labelsResource() {
            return "packs/" + id + "/labels.txt";
        }

        /** Classpath resource of the model card. */
        public String cardResource() {
            return "packs/" + id + "/MODEL_CARD.md";
        }
    }

    /** The packs that ship with aifunc. */
    public static final Map<String, Pack> BUILT_IN = Map.of(
            "fashion-mnist-cnn", new Pack("fashion-mnist-cnn", 28, 28, "GRAY", new float[] {0f}, new float[] {1f}, true, true,
                    "trained by aifunc on Fashion-MNIST with DJL (training/fashion-mnist/train.sh); see MODEL_CARD.md"));

    private final ModelsConfig config;
    private final Map<String, OnnxModel> loaded = new ConcurrentHashMap<>();
    private final Map<String, List<String>> labels = new ConcurrentHashMap<>();

    public ImageClassifierPacks(ModelsConfig config) {
        this.config = config;
    }

    /** The pack with this id, if it ships. */
    public Optional<Pack> find(String id) {
        return Optional.ofNullable(BUILT_IN.get(id));
    }

    /**
     * The labels of a pack, one per model output, from its {@code labels.txt}.
     *
     * @throws IllegalArgumentException for an unknown id
     * @throws UncheckedIOException when the packaged file is missing (a broken build)
     */
    public List<String> labels(String id) {
        Pack pack = find(id).orElseThrow(() -> new IllegalArgumentException("no image classifier pack " + id));
        return labels.computeIfAbsent(id, key -> {
            try {
                return ModelFiles.read(pack.labelsResource()).lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    /**
     * The loaded model of a pack (input {@code float[1][channels][height][width]}, output logits {@code float[1][labels]}).
     *
     * @throws IllegalArgumentException for an unknown id
     * @throws UncheckedIOException when the packaged file does not load (a broken build)
     */
    public OnnxModel model(String id) {
        Pack pack = find(id).orElseThrow(() -> new IllegalArgumentException("no image classifier pack " + id));
        return loaded.computeIfAbsent(id, key -> {
            try {
                // built into aifunc's own jar: loaded from it in memory, no copy on disk to check
                return OnnxModel.load(key, pack.modelResource(), null, null, OnnxModel.Settings.of(config));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        });
    }

    void close(@Observes ShutdownEvent event) {
        loaded.values().forEach(OnnxModel::close);
        loaded.clear();
    }
}
