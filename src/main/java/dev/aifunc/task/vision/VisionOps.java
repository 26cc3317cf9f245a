package dev.aifunc.task.vision;

import static org.bytedeco.opencv.global.opencv_core.BORDER_CONSTANT;
import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_core.bitwise_not;
import static org.bytedeco.opencv.global.opencv_core.copyMakeBorder;
import static org.bytedeco.opencv.global.opencv_imgproc.COLOR_BGR2GRAY;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_AREA;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.cvtColor;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.awt.image.BufferedImage;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Image preprocessing shared by the vision tasks, written once: RGB image to an OpenCV BGR matrix, bilinear resize
 * (OpenCV, not DJL's NDArray image ops, which are missing or wrong on the ONNX Runtime engine: docs/models.md), and
 * normalisation into a CHW float tensor {@code float[channels][height][width]} as {@code (pixel / 255 - mean) / std};
 * grayscale, inversion and aspect-preserving letterbox resize for models trained on such images.
 */
public final class VisionOps {

    private VisionOps() {
    }

    /** An 8-bit 3-channel BGR matrix with the pixels of an RGB image. The caller closes it. */
    public static Mat toBgrMat(BufferedImage rgb) {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        int[] pixels = rgb.getRGB(0, 0, w, h, null, 0, w);
        byte[] bgr = new byte[w * h * 3];
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            bgr[3 * i] = (byte) (p & 0xFF);
            bgr[3 * i + 1] = (byte) ((p >> 8) & 0xFF);
            bgr[3 * i + 2] = (byte) ((p >> 16) & 0xFF);
        }
        Mat mat = new Mat(h, w, CV_8UC3);
        mat.data().put(bgr);
        return mat;
    }

    /** Bilinear resize to exactly {@code width x height}. The caller closes the result. */
    public static Mat resized(Mat src, int width, int height) {
        Mat dst = new Mat();
        try (Size size = new Size(width, height)) {
            resize(src, dst, size, 0, 0, INTER_LINEAR);
        }
        return dst;
    }

    /** An 8-bit 1-channel luminance matrix, Y = 0.299 R + 0.587 G + 0.114 B (ITU-R BT.601, OpenCV's BGR2GRAY). */
    public static Mat toGray(Mat bgr) {
        Mat gray = new Mat();
        cvtColor(bgr, gray, COLOR_BGR2GRAY);
        return gray;
    }

    /** {@code 255 - value} for every 8-bit sample (a light background becomes dark). The caller closes the result. */
    public static Mat inverted(Mat src) {
        Mat dst = new Mat();
        bitwise_not(src, dst);
        return dst;
    }

    /** Mean of the one-pixel frame around an 8-bit 1-channel image: the background level, 0..255. */
    public static double borderMean(Mat gray) {
        int h = gray.rows();
        int w = gray.cols();
        long sum = 0;
        int count = 0;
        try (UByteIndexer idx = gray.createIndexer()) {
            for (int x = 0; x < w; x++) {
                sum += idx.get(0, x) + (h > 1 ? idx.get(h - 1, x) : 0);
                count += h > 1 ? 2 : 1;
            }
            for (int y = 1; y < h - 1; y++) {
                sum += idx.get(y, 0) + (w > 1 ? idx.get(y, w - 1) : 0);
                count += w > 1 ? 2 : 1;
            }
        }
        return sum / (double) count;
    }

    /**
     * The smallest rectangle holding every pixel whose value differs from {@code background} by more than
     * {@code tolerance} (8-bit 1-channel input), or null when there is none: the object on a plain background.
     */
    public static Rect objectBounds(Mat gray, double background, int tolerance) {
        int minX = Integer.MAX_VALUE;
        int minY = Integer.MAX_VALUE;
        int maxX = -1;
        int maxY = -1;
        try (UByteIndexer idx = gray.createIndexer()) {
            for (int y = 0; y < gray.rows(); y++) {
                for (int x = 0; x < gray.cols(); x++) {
                    if (Math.abs(idx.get(y, x) - background) > tolerance) {
                        minX = Math.min(minX, x);
                        maxX = Math.max(maxX, x);
                        minY = Math.min(minY, y);
                        maxY = Math.max(maxY, y);
                    }
                }
            }
        }
        return maxX < 0 ? null : new Rect(minX, minY, maxX - minX + 1, maxY - minY + 1);
    }

    /**
     * Resizes to fit inside {@code width x height} keeping the aspect ratio (area interpolation when shrinking,
     * bilinear when growing), centred and padded with {@code pad} (0..255, every channel). The caller closes the result.
     */
    public static Mat letterboxed(Mat src, int width, int height, double pad) {
        double scale = Math.min(width / (double) src.cols(), height / (double) src.rows());
        int w = Math.max(1, Math.min(width, (int) Math.round(src.cols() * scale)));
        int h = Math.max(1, Math.min(height, (int) Math.round(src.rows() * scale)));
        Mat fitted = new Mat();
        try (Size size = new Size(w, h)) {
            resize(src, fitted, size, 0, 0, scale < 1 ? INTER_AREA : INTER_LINEAR);
        }
        int left = (width - w) / 2;
        int top = (height - h) / 2;
        Mat dst = new Mat();
        try (fitted; Scalar value = new Scalar(pad, pad, pad, 0)) {
            copyMakeBorder(fitted, dst, top, height - h - top, left, width - w - left, BORDER_CONSTANT, value);
        }
        return dst;
    }

    /**
     * Writes an 8-bit matrix into a CHW float tensor, one plane per channel in the matrix's order (B, G, R for a
     * BGR matrix, as PaddleOCR feeds OpenCV's images; one plane for a grayscale one), as
     * {@code (value / 255 - mean[c]) / std[c]}, into a tensor {@code padWidth} wide (columns beyond the image are 0).
     *
     * @param out    destination {@code float[channels * height * padWidth]}, written at {@code offset}
     * @param mean   per-channel mean, in the matrix's channel order
     * @param std    per-channel standard deviation, in the matrix's channel order
     */
    public static void toChw(Mat bgr, float[] mean, float[] std, float[] out, int offset, int padWidth) {
        int h = bgr.rows();
        int w = bgr.cols();
        try (UByteIndexer idx = bgr.createIndexer()) {
            for (int c = 0; c < bgr.channels(); c++) {
                float m = mean[c];
                float s = std[c];
                int plane = offset + c * h * padWidth;
                for (int y = 0; y < h; y++) {
                    int row = plane + y * padWidth;
                    for (int x = 0; x < w; x++) {
                        out[row + x] = (idx.get(y, x, c) / 255f - m) / s;
                    }
                }
            }
        }
    }
}
