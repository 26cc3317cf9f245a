package dev.aifunc.task.vision;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.task.DecodedImage;
import dev.aifunc.task.ImageOutput;
import dev.aifunc.task.ModelOutput;
import dev.aifunc.task.ScenarioSnapshot;
import jakarta.enterprise.context.ApplicationScoped;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * {@code face-detection} (template {@code face-anonymization}): finds frontal faces with OpenCV's Haar cascade and,
 * on request ({@code "output": "image"} or {@code Accept: image/png|image/jpeg}), returns the image with every face
 * blurred or pixelated. Boxes are {@code [x, y, width, height]} in pixels of the orientation-corrected image.
 * {@code score} is the logistic of the cascade's last-stage weight: higher is more certain, not a calibrated
 * probability.
 */
@ApplicationScoped
public class FaceDetectionTask extends ImageTask<FaceCascade> {

    /** One face. */
    public record Face(int[] box, double score) {
    }

    /**
     * Output of one call; {@code image} is base64 ({@code imageFormat}) only when the caller asked for it.
     * {@code timings} gives where the time went, in ms: {@code decode}, {@code detect} (grey, equalise, cascade),
     * {@code anonymize} (blur or pixelate), {@code encode} (only when the image is returned in JSON).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Output(List<Face> faces, int width, int height, String effect, String image, String imageFormat,
                         String model, java.util.Map<String, Double> timings,
                         @JsonIgnore BufferedImage anonymized) implements ModelOutput, ImageOutput {

        @Override
        public byte[] encodedImage(String format) {
            return anonymized == null ? null : encode(anonymized, format);
        }
    }

    @Override
    public String id() {
        return "face-detection";
    }

    @Override
    protected FaceCascade open() throws IOException {
        return new FaceCascade(Runtime.getRuntime().availableProcessors());
    }

    @Override
    public Object invokeImage(ScenarioSnapshot scenario, JsonNode input, DecodedImage image) {
        JsonNode config = scenario.config();
        int minFace = config.path("minFaceSize").asInt(30);
        double scaleFactor = config.path("scaleFactor").asDouble(1.1);
        int minNeighbors = config.path("minNeighbors").asInt(5);
        String effect = input.path("effect").asText(config.path("effect").asText("blur"));
        boolean wantImage = "image".equals(input.path("output").asText(config.path("output").asText("boxes")));
        String format = input.path("format").asText(config.path("format").asText("png"));
        long t0 = System.nanoTime();
        List<FaceCascade.Detection> detections;
        try {
            detections = models().detect(image.image(), minFace, scaleFactor, minNeighbors);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
        long t1 = System.nanoTime();
        List<Face> faces = new ArrayList<>();
        BufferedImage copy = copy(image.image());
        for (FaceCascade.Detection d : detections) {
            faces.add(new Face(new int[] {d.x(), d.y(), d.width(), d.height()},
                    Math.round(1000.0 / (1 + Math.exp(-d.weight()))) / 1000.0));
            if ("pixelate".equals(effect)) {
                RegionEffects.pixelate(copy, d.x(), d.y(), d.width(), d.height());
            } else {
                RegionEffects.blur(copy, d.x(), d.y(), d.width(), d.height());
            }
        }
        long t2 = System.nanoTime();
        String base64 = wantImage ? Base64.getEncoder().encodeToString(encode(copy, format)) : null;
        long t3 = System.nanoTime();
        java.util.Map<String, Double> timings = new java.util.LinkedHashMap<>();
        timings.put("decode", ms(image.decodeMillis() * 1_000_000));
        timings.put("detect", ms(t1 - t0));
        timings.put("anonymize", ms(t2 - t1));
        timings.put("encode", ms(t3 - t2));
        return new Output(faces, image.width(), image.height(), effect, base64, wantImage ? format : null,
                "opencv-" + FaceCascade.CASCADE, timings, copy);
    }

    private static double ms(double nanos) {
        return Math.round(nanos / 10_000) / 100.0;
    }

    private static BufferedImage copy(BufferedImage src) {
        BufferedImage out = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        out.setRGB(0, 0, src.getWidth(), src.getHeight(),
                src.getRGB(0, 0, src.getWidth(), src.getHeight(), null, 0, src.getWidth()), 0, src.getWidth());
        return out;
    }

    static byte[] encode(BufferedImage img, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(img, "jpeg".equals(format) ? "jpeg" : "png", out)) {
                throw new IOException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
