package dev.aifunc.task.vision;

import static org.bytedeco.opencv.global.opencv_core.CV_8UC1;
import static org.bytedeco.opencv.global.opencv_imgproc.equalizeHist;

import java.awt.image.BufferedImage;
import java.io.File;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.bytedeco.javacpp.DoublePointer;
import org.bytedeco.javacpp.IntPointer;
import org.bytedeco.javacpp.Loader;
import org.bytedeco.opencv.opencv_core.Mat;
import org.bytedeco.opencv.opencv_core.Rect;
import org.bytedeco.opencv.opencv_core.RectVector;
import org.bytedeco.opencv.opencv_core.Size;
import org.bytedeco.opencv.opencv_objdetect.CascadeClassifier;

/**
 * OpenCV's pretrained frontal-face cascade (Viola-Jones, shipped in the {@code org.bytedeco:opencv} natives jar),
 * pooled: a {@link CascadeClassifier} is not safe to share between threads, so each detection borrows one.
 * Measured here (docs/models.md): {@code haarcascade_frontalface_alt2} found the face on a public-domain portrait with no
 * false positive on 12 face-less images, 35-57 ms per 512x512 image.
 */
final class FaceCascade implements AutoCloseable {

    /** A detection in pixel coordinates of the input image, with the cascade's last-stage weight. */
    record Detection(int x, int y, int width, int height, double weight) {
    }

    static final String CASCADE = "haarcascade_frontalface_alt2";

    private final BlockingQueue<CascadeClassifier> pool;

    FaceCascade(int size) throws IOException {
        File xml = Loader.cacheResource("/org/bytedeco/opencv/linux-x86_64/share/opencv4/haarcascades/" + CASCADE + ".xml");
        pool = new ArrayBlockingQueue<>(size);
        for (int i = 0; i < size; i++) {
            CascadeClassifier classifier = new CascadeClassifier();
            if (!classifier.load(xml.getAbsolutePath())) {
                throw new IOException("OpenCV could not load the cascade " + xml);
            }
            pool.add(classifier);
        }
    }

    /**
     * Detects frontal faces: grey (ITU-R BT.601 luma), histogram equalisation, multi-scale sliding window.
     *
     * @param rgb          the image
     * @param minFace      smallest face side in pixels
     * @param scaleFactor  image pyramid step (&gt; 1)
     * @param minNeighbors overlapping detections needed to keep a face
     * @return detections, largest first
     */
    List<Detection> detect(BufferedImage rgb, int minFace, double scaleFactor, int minNeighbors)
            throws InterruptedException {
        int w = rgb.getWidth();
        int h = rgb.getHeight();
        int[] pixels = rgb.getRGB(0, 0, w, h, null, 0, w);
        byte[] grey = new byte[w * h];
        for (int i = 0; i < pixels.length; i++) {
            int p = pixels[i];
            int r = (p >> 16) & 0xFF;
            int g = (p >> 8) & 0xFF;
            int b = p & 0xFF;
            grey[i] = (byte) Math.round(0.299 * r + 0.587 * g + 0.114 * b);
        }
        CascadeClassifier classifier = pool.poll(30, TimeUnit.SECONDS);
        if (classifier == null) {
            throw new IllegalStateException("no face detector free within 30 s");
        }
        try (Mat mat = new Mat(h, w, CV_8UC1); RectVector faces = new RectVector();
             IntPointer levels = new IntPointer(); DoublePointer weights = new DoublePointer();
             Size min = new Size(minFace, minFace); Size max = new Size()) {
            mat.data().put(grey);
            equalizeHist(mat, mat);
            classifier.detectMultiScale3(mat, faces, levels, weights, scaleFactor, minNeighbors, 0, min, max, true);
            List<Detection> out = new ArrayList<>();
            for (long i = 0; i < faces.size(); i++) {
                Rect r = faces.get(i);
                double weight = weights.isNull() || i >= weights.limit() ? 0 : weights.get(i);
                out.add(new Detection(r.x(), r.y(), r.width(), r.height(), weight));
            }
            out.sort((a, b) -> Integer.compare(b.width() * b.height(), a.width() * a.height()));
            return out;
        } finally {
            pool.add(classifier);
        }
    }

    @Override
    public void close() {
        pool.forEach(CascadeClassifier::close);
    }
}
