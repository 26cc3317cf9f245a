package dev.aifunc.task.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC3;
import static org.bytedeco.opencv.global.opencv_imgproc.INTER_LINEAR;
import static org.bytedeco.opencv.global.opencv_imgproc.resize;

import java.awt.image.BufferedImage;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Size;

/**
 * Image preprocessing shared by the vision tasks, written once: RGB image to an OpenCV BGR matrix, bilinear resize
 * (OpenCV, not DJL's NDArray image ops, which are missing or wrong on the ONNX Runtime engine: MODELS.md), and
 * normalisation into a CHW float tensor {@code float[3][height][width]} as {@code (pixel / 255 - mean) / std}.
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

    /**
     * Writes a BGR matrix into a CHW float tensor, channel order B, G, R (PaddleOCR feeds OpenCV's BGR images), as
     * {@code (value / 255 - mean[c]) / std[c]}, into a tensor {@code padWidth} wide (columns beyond the image are 0).
     *
     * @param out    destination {@code float[3 * height * padWidth]}, written at {@code offset}
     * @param mean   per-channel mean, B G R order
     * @param std    per-channel standard deviation, B G R order
     */
    public static void toChw(Mat bgr, float[] mean, float[] std, float[] out, int offset, int padWidth) {
        int h = bgr.rows();
        int w = bgr.cols();
        try (UByteIndexer idx = bgr.createIndexer()) {
            for (int c = 0; c < 3; c++) {
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
