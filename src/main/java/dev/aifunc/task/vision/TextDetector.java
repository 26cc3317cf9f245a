package dev.aifunc.task.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.CHAIN_APPROX_SIMPLE;
import static org.bytedeco.opencv.global.opencv_imgproc.RETR_LIST;
import static org.bytedeco.opencv.global.opencv_imgproc.boundingRect;
import static org.bytedeco.opencv.global.opencv_imgproc.FILLED;
import static org.bytedeco.opencv.global.opencv_imgproc.LINE_8;
import static org.bytedeco.opencv.global.opencv_imgproc.drawContours;
import static org.bytedeco.opencv.global.opencv_imgproc.findContours;
import static org.bytedeco.opencv.global.opencv_imgproc.minAreaRect;

import dev.aifunc.model.OnnxModel;
import java.util.ArrayList;
import java.util.List;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.MatVector;
import org.bytedeco.opencv.opencv_core.Point;
import org.bytedeco.opencv.opencv_core.Point2f;
import org.bytedeco.opencv.opencv_core.Scalar;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RotatedRect;
import org.bytedeco.opencv.opencv_core.Size2f;

/**
 * PP-OCRv4 text detection (DB, "Real-time Scene Text Detection with Differentiable Binarization", Liao et al. 2020):
 * the image, scaled so its longer side is at most {@value #MAX_SIDE} px and both sides are multiples of 32, goes
 * through the model as {@code float[1][3][H][W]} (BGR, ImageNet mean/std); the output probability map
 * {@code float[1][1][H][W]} is thresholded, its contours become minimum-area rectangles, each is scored by the mean
 * probability inside it, expanded ("unclipped") by {@code area * ratio / perimeter} on every side, and mapped back to
 * the input's pixel coordinates. Thresholds are PaddleOCR's defaults.
 */
final class TextDetector {

    static final int MAX_SIDE = 1280;
    static final float BINARY_THRESHOLD = 0.3f;
    static final float BOX_THRESHOLD = 0.5f;
    static final float UNCLIP_RATIO = 1.6f;
    static final int MIN_SIDE = 3;
    private static final float[] MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] STD = {0.229f, 0.224f, 0.225f};

    /** A detected text region: its four corners (clockwise from top-left) in input pixels and its score. */
    record Region(float[][] corners, float score) {
    }

    private final OnnxModel model;

    TextDetector(OnnxModel model) {
        this.model = model;
    }

    List<Region> detect(Mat bgr) {
        int h = bgr.rows();
        int w = bgr.cols();
        double ratio = Math.max(h, w) > MAX_SIDE ? (double) MAX_SIDE / Math.max(h, w) : 1.0;
        int rh = Math.max(32, (int) Math.round(h * ratio / 32) * 32);
        int rw = Math.max(32, (int) Math.round(w * ratio / 32) * 32);
        float[] input = new float[3 * rh * rw];
        try (Mat small = VisionOps.resized(bgr, rw, rh)) {
            VisionOps.toChw(small, MEAN, STD, input, 0, rw);
        }
        OnnxModel.Tensor out = model.run(new OnnxModel.Tensor(input, new long[] {1, 3, rh, rw}));
        float[] prob = out.data();
        byte[] binary = new byte[rh * rw];
        for (int i = 0; i < prob.length; i++) {
            binary[i] = prob[i] > BINARY_THRESHOLD ? (byte) 255 : 0;
        }
        float sx = (float) w / rw;
        float sy = (float) h / rh;
        List<Region> regions = new ArrayList<>();
        try (Mat mask = new Mat(rh, rw, CV_8UC1); MatVector contours = new MatVector(); Mat hierarchy = new Mat()) {
            mask.data().put(binary);
            findContours(mask, contours, hierarchy, RETR_LIST, CHAIN_APPROX_SIMPLE);
            for (long i = 0; i < Math.min(contours.size(), 1000); i++) {
                Mat contour = contours.get(i);
                try (RotatedRect rect = minAreaRect(contour); Rect bounds = boundingRect(contour)) {
                    Size2f size = rect.size();
                    if (Math.min(size.width(), size.height()) < MIN_SIDE) {
                        continue;
                    }
                    float score = meanInside(prob, rw, rh, contours, i, bounds);
                    if (score < BOX_THRESHOLD) {
                        continue;
                    }
                    float area = size.width() * size.height();
                    float perimeter = 2 * (size.width() + size.height());
                    float d = area * UNCLIP_RATIO / perimeter;
                    try (RotatedRect grown = new RotatedRect(rect.center(),
                            new Size2f(size.width() + 2 * d, size.height() + 2 * d), rect.angle())) {
                        if (Math.min(grown.size().width(), grown.size().height()) < MIN_SIDE + 2) {
                            continue;
                        }
                        regions.add(new Region(corners(grown, sx, sy, w, h), score));
                    }
                }
            }
        }
        return regions;
    }

    /**
     * Mean probability inside the contour itself (PaddleOCR's "slow" box score): with the bounding box alone, a
     * tilted text line would be averaged with the background around it and dropped.
     */
    private static float meanInside(float[] prob, int w, int h, MatVector contours, long index, Rect r) {
        int bw = r.width();
        int bh = r.height();
        try (Mat mask = new Mat(bh, bw, CV_8UC1, new Scalar(0.0)); Point offset = new Point(-r.x(), -r.y());
             Scalar one = new Scalar(1.0); Mat noHierarchy = new Mat()) {
            drawContours(mask, contours, (int) index, one, FILLED, LINE_8, noHierarchy, Integer.MAX_VALUE, offset);
            byte[] m = new byte[bw * bh];
            mask.data().get(m);
            double sum = 0;
            int n = 0;
            for (int y = 0; y < bh; y++) {
                for (int x = 0; x < bw; x++) {
                    int px = r.x() + x;
                    int py = r.y() + y;
                    if (m[y * bw + x] != 0 && px < w && py < h) {
                        sum += prob[py * w + px];
                        n++;
                    }
                }
            }
            return n == 0 ? 0 : (float) (sum / n);
        }
    }

    /** The rectangle's corners in input pixels, ordered top-left, top-right, bottom-right, bottom-left. */
    private static float[][] corners(RotatedRect rect, float sx, float sy, int w, int h) {
        Point2f pts = new Point2f(4);
        rect.points(pts);
        float[][] p = new float[4][2];
        for (int i = 0; i < 4; i++) {
            Point2f q = pts.position(i);
            p[i][0] = Math.max(0, Math.min(w - 1, q.x() * sx));
            p[i][1] = Math.max(0, Math.min(h - 1, q.y() * sy));
        }
        pts.position(0).close();
        // order: top-left has the smallest x+y, bottom-right the largest; top-right the smallest y-x
        float[][] ordered = new float[4][];
        ordered[0] = min(p, q -> q[0] + q[1]);
        ordered[2] = min(p, q -> -(q[0] + q[1]));
        ordered[1] = min(p, q -> q[1] - q[0]);
        ordered[3] = min(p, q -> q[0] - q[1]);
        return ordered;
    }

    private static float[] min(float[][] points, java.util.function.ToDoubleFunction<float[]> key) {
        float[] best = points[0];
        for (float[] q : points) {
            if (key.applyAsDouble(q) < key.applyAsDouble(best)) {
                best = q;
            }
        }
        return best;
    }
}
