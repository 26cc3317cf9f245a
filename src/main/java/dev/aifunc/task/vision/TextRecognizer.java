package dev.aifunc.task.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_32FC1;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_180;
import static org.bytedeco.opencv.global.opencv_core.ROTATE_90_COUNTERCLOCKWISE;
import static org.bytedeco.opencv.global.opencv_core.rotate;
import static org.bytedeco.opencv.global.opencv_core.BORDER_REPLICATE;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_CUBIC;
import static org.bytedeco.opencv.global.opencv_imgproc.getPerspectiveTransform;
import static org.bytedeco.opencv.global.opencv_imgproc.warpPerspective;

import dev.aifunc.model.OnnxModel;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.javacpp.indexer.FloatIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Reads the text of one detected region: the region is cut out with a perspective warp, turned upright when it is
 * taller than wide, flipped when the PP-OCR direction classifier says it is upside down (0/180 degrees,
 * {@code float[N][3][48][192]} in, {@code float[N][2]} out), then recognised by the PP-OCRv4 CRNN
 * ({@code float[1][3][48][W]} in, {@code float[1][T][6625]} softmax out) with greedy CTC decoding: the best class per
 * time step, repeats merged, blanks (class 0) dropped; class k in 1..6623 is line k of {@code ppocr_keys_v1.txt},
 * class 6624 a space. The confidence is the mean probability of the kept characters.
 */
final class TextRecognizer {

    static final int HEIGHT = 48;
    static final int MAX_WIDTH = 3200;
    static final int CLS_WIDTH = 192;
    static final float FLIP_THRESHOLD = 0.9f;
    private static final float[] HALF = {0.5f, 0.5f, 0.5f};

    /** Text of one region, its confidence in [0, 1], and whether it was read upside down (turned 180 degrees). */
    record Reading(String text, float confidence, boolean flipped) {
    }

    private final OnnxModel recognizer;
    private final OnnxModel direction;
    private final String[] alphabet;

    TextRecognizer(OnnxModel recognizer, OnnxModel direction, InputStream keys) throws IOException {
        this.recognizer = recognizer;
        this.direction = direction;
        List<String> lines = new ArrayList<>();
        lines.add(""); // 0: CTC blank
        try (BufferedReader r = new BufferedReader(new InputStreamReader(keys, StandardCharsets.UTF_8))) {
            r.lines().forEach(lines::add);
        }
        lines.add(" ");
        this.alphabet = lines.toArray(String[]::new);
    }

    /** Cuts out a region (corners clockwise from top-left) as an upright BGR matrix. The caller closes it. */
    static Mat crop(Mat bgr, float[][] c) {
        float width = Math.max(dist(c[0], c[1]), dist(c[3], c[2]));
        float height = Math.max(dist(c[0], c[3]), dist(c[1], c[2]));
        int w = Math.max(1, Math.round(width));
        int h = Math.max(1, Math.round(height));
        Mat crop = new Mat();
        try (Mat src = new Mat(4, 2, CV_32FC1); Mat dst = new Mat(4, 2, CV_32FC1)) {
            try (FloatIndexer s = src.createIndexer(); FloatIndexer d = dst.createIndexer()) {
                float[][] target = {{0, 0}, {w, 0}, {w, h}, {0, h}};
                for (int i = 0; i < 4; i++) {
                    s.put(i, 0, c[i][0]);
                    s.put(i, 1, c[i][1]);
                    d.put(i, 0, target[i][0]);
                    d.put(i, 1, target[i][1]);
                }
            }
            try (Mat m = getPerspectiveTransform(src, dst); Size size = new Size(w, h); Scalar zero = new Scalar()) {
                warpPerspective(bgr, crop, m, size, INTER_CUBIC, BORDER_REPLICATE, zero);
            }
        }
        if (h >= 1.5 * w) {
            rotate(crop, crop, ROTATE_90_COUNTERCLOCKWISE);
        }
        return crop;
    }

    /** True when the direction classifier says the crop is upside down with probability at least 0.9. */
    boolean upsideDown(Mat crop) {
        float[] input = new float[3 * HEIGHT * CLS_WIDTH];
        int w = Math.min(CLS_WIDTH, (int) Math.ceil(HEIGHT * (double) crop.cols() / crop.rows()));
        try (Mat resized = VisionOps.resized(crop, Math.max(1, w), HEIGHT)) {
            VisionOps.toChw(resized, HALF, HALF, input, 0, CLS_WIDTH);
        }
        float[] p = direction.run(new OnnxModel.Tensor(input, new long[] {1, 3, HEIGHT, CLS_WIDTH})).data();
        return p[1] > p[0] && p[1] >= FLIP_THRESHOLD;
    }

    /** Reads an upright crop; flips it first when it is upside down. */
    Reading read(Mat crop) {
        boolean flipped = upsideDown(crop);
        if (flipped) {
            rotate(crop, crop, ROTATE_180);
        }
        int w = Math.min(MAX_WIDTH, Math.max(HEIGHT / 4, (int) Math.ceil(HEIGHT * (double) crop.cols() / crop.rows())));
        float[] input = new float[3 * HEIGHT * w];
        boolean[] ink;
        try (Mat resized = VisionOps.resized(crop, w, HEIGHT)) {
            VisionOps.toChw(resized, HALF, HALF, input, 0, w);
            ink = inkColumns(input, w);
        }
        OnnxModel.Tensor out = recognizer.run(new OnnxModel.Tensor(input, new long[] {1, 3, HEIGHT, w}));
        Reading reading = decode(out.data(), (int) out.shape()[1], (int) out.shape()[2], ink);
        return new Reading(reading.text(), reading.confidence(), flipped);
    }

    /**
     * Which columns of the normalised {@code 48 x width} crop hold ink: grey levels are split in two by Otsu's
     * method, the rarer class is the ink (dark on light or light on dark alike).
     */
    static boolean[] inkColumns(float[] chw, int width) {
        int plane = HEIGHT * width;
        int[] grey = new int[plane];
        int[] histogram = new int[256];
        for (int i = 0; i < plane; i++) {
            float v = (chw[i] + chw[plane + i] + chw[2 * plane + i]) / 3f; // in [-1, 1]
            grey[i] = Math.max(0, Math.min(255, Math.round((v * 0.5f + 0.5f) * 255)));
            histogram[grey[i]]++;
        }
        int threshold = otsu(histogram, plane);
        int above = 0;
        for (int g : grey) {
            above += g > threshold ? 1 : 0;
        }
        boolean inkIsBright = above < plane - above;
        boolean[] ink = new boolean[width];
        for (int y = 3; y < HEIGHT - 3; y++) {
            for (int x = 0; x < width; x++) {
                int g = grey[y * width + x];
                if (inkIsBright ? g > threshold : g <= threshold) {
                    ink[x] = true;
                }
            }
        }
        return ink;
    }

    private static int otsu(int[] histogram, int total) {
        double sum = 0;
        for (int i = 0; i < 256; i++) {
            sum += i * (double) histogram[i];
        }
        double sumBelow = 0;
        int below = 0;
        double best = -1;
        int threshold = 127;
        for (int t = 0; t < 256; t++) {
            below += histogram[t];
            if (below == 0) {
                continue;
            }
            int aboveCount = total - below;
            if (aboveCount == 0) {
                break;
            }
            sumBelow += t * (double) histogram[t];
            double meanBelow = sumBelow / below;
            double meanAbove = (sum - sumBelow) / aboveCount;
            double between = (double) below * aboveCount * (meanBelow - meanAbove) * (meanBelow - meanAbove);
            if (between > best) {
                best = between;
                threshold = t;
            }
        }
        return threshold;
    }

    /**
     * Greedy CTC decoding of {@code probs[T][classes]}: the best class per time step, repeats merged, blanks dropped.
     * The model rarely emits the space class between words, so spaces are also inferred from the crop: for each
     * pair of consecutive characters the longest ink-free run of columns between them is measured (in line heights);
     * the line's gaps are sorted and split at the largest jump whose upper side is at least {@value #SPACE_GAP}
     * (letter gaps and word gaps form two groups, wider apart in monospaced fonts). Never a space between CJK
     * characters, before closing punctuation, or inside a number such as 7.80 or 14:32.
     *
     * @param ink which columns of the recognised crop hold ink, or null to rely on the model alone
     */
    Reading decode(float[] probs, int steps, int classes, boolean[] ink) {
        List<String> chars = new ArrayList<>();
        List<Integer> at = new ArrayList<>();
        double confidence = 0;
        int previous = -1;
        for (int t = 0; t < steps; t++) {
            int best = 0;
            float bestP = -1;
            int base = t * classes;
            for (int k = 0; k < classes; k++) {
                if (probs[base + k] > bestP) {
                    bestP = probs[base + k];
                    best = k;
                }
            }
            if (best != 0 && best != previous && best < alphabet.length) {
                chars.add(alphabet[best]);
                at.add(t);
                confidence += bestP;
            }
            previous = best;
        }
        double[] gaps = new double[chars.size()];
        if (ink != null) {
            for (int i = 1; i < chars.size(); i++) {
                gaps[i] = blankRun(ink, at.get(i - 1), at.get(i), steps) / (double) HEIGHT;
            }
        }
        double threshold = spaceThreshold(gaps);
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < chars.size(); i++) {
            String c = latinPunctuation(chars.get(i), text);
            if (i > 0 && ink != null && gaps[i] >= threshold && text.length() > 0
                    && spaceMayFollow(text.codePointBefore(text.length())) && spaceMayPrecede(c.codePointAt(0))
                    && !insideNumber(text, c)) {
                text.append(' ');
            }
            text.append(c);
        }
        return new Reading(text.toString().strip(), chars.isEmpty() ? 0 : (float) (confidence / chars.size()), false);
    }

    /** The gap (in line heights) from which a gap is a word space: see {@link #decode}. */
    static double spaceThreshold(double[] gaps) {
        double[] sorted = java.util.Arrays.stream(gaps).skip(1).sorted().toArray();
        double threshold = SPACE_GAP;
        double bestJump = 0;
        for (int k = 0; k + 1 < sorted.length; k++) {
            double lower = Math.max(sorted[k], 0.02);
            double upper = sorted[k + 1];
            if (upper >= SPACE_GAP && upper / lower > bestJump) {
                bestJump = upper / lower;
                threshold = Math.max(SPACE_GAP, (sorted[k] + upper) / 2);
            }
        }
        return threshold;
    }

    /**
     * The model reads the full-width forms of punctuation (U+FF01..FF5E, e.g. "，" "：") also in Latin text; after a
     * Latin letter or digit they become their ASCII forms ("," ":"). After Chinese text they stay full-width.
     */
    private static String latinPunctuation(String c, StringBuilder before) {
        int cp = c.codePointAt(0);
        if (cp < 0xFF01 || cp > 0xFF5E || Character.isLetterOrDigit(cp)) {
            return c;
        }
        for (int i = before.length() - 1; i >= 0; i--) {
            char prev = before.charAt(i);
            if (prev == ' ') {
                continue;
            }
            return prev < 0x80 && Character.isLetterOrDigit(prev) ? String.valueOf((char) (cp - 0xFEE0)) : c;
        }
        return c;
    }

    /** True for the middle of a number: a digit then {@code . , :} then a digit (7.80, 1,249, 14:32). */
    private static boolean insideNumber(StringBuilder text, String next) {
        int n = text.length();
        if (n >= 2 && ".,:".indexOf(text.charAt(n - 1)) >= 0 && Character.isDigit(text.charAt(n - 2))
                && Character.isDigit(next.charAt(0))) {
            return true;
        }
        return false;
    }

    /**
     * Share of the crop height (48 px) a blank gap needs to count as a space between words. Measured on rendered
     * lines: gaps between letters of a word reach about 0.22 of the height (an open "C" before "r"), gaps between
     * words start at about 0.33.
     */
    static final float SPACE_GAP = 0.29f;

    /** No space after a space, an opening bracket or a CJK character (Chinese and Japanese do not space words). */
    private static boolean spaceMayFollow(int cp) {
        return cp != ' ' && "([{/-".indexOf(cp) < 0 && !cjk(cp);
    }

    /** No space before closing punctuation or a CJK character. */
    private static boolean spaceMayPrecede(int cp) {
        return cp != ' ' && ".,:;!?%)]}/-".indexOf(cp) < 0 && !cjk(cp);
    }

    private static boolean cjk(int cp) {
        Character.UnicodeScript script = Character.UnicodeScript.of(cp);
        return script == Character.UnicodeScript.HAN || script == Character.UnicodeScript.HIRAGANA
                || script == Character.UnicodeScript.KATAKANA || (cp >= 0x3000 && cp <= 0x303F)
                || (cp >= 0xFF00 && cp <= 0xFFEF);
    }

    /** The longest run of ink-free columns between time steps {@code from} and {@code to}, in columns. */
    private static int blankRun(boolean[] ink, int from, int to, int steps) {
        double columnsPerStep = (double) ink.length / steps;
        int start = (int) Math.floor((from + 0.5) * columnsPerStep);
        int end = Math.min(ink.length, (int) Math.ceil((to + 0.5) * columnsPerStep));
        int run = 0;
        int longest = 0;
        for (int x = start; x < end; x++) {
            run = ink[x] ? 0 : run + 1;
            longest = Math.max(longest, run);
        }
        return longest;
    }

    private static float dist(float[] a, float[] b) {
        return (float) Math.hypot(a[0] - b[0], a[1] - b[1]);
    }
}
