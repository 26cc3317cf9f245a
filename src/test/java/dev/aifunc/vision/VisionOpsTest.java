package dev.aifunc.vision;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.aifunc.task.vision.VisionOps;
import java.awt.image.BufferedImage;
import org.bytedeco.javacpp.indexer.UByteIndexer;
import org.bytedeco.opencv.opencv_core.Mat;
import org.junit.jupiter.api.Test;

/** Preprocessing against hand-computed pixel values: channel order, normalisation, CHW layout, padding, resize. */
class VisionOpsTest {

    @Test
    void chwTensorHasBgrPlanesNormalisedAndPadded() {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 255 << 16 | 0 << 8 | 51);    // R=255 G=0 B=51
        rgb.setRGB(1, 0, 0 << 16 | 102 << 8 | 255);   // R=0 G=102 B=255
        float[] out = new float[3 * 1 * 3]; // padded to width 3
        try (Mat bgr = VisionOps.toBgrMat(rgb)) {
            VisionOps.toChw(bgr, new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}, out, 0, 3);
        }
        // plane 0 = B: 51/255=0.2 -> (0.2-0.5)/0.5 = -0.6 ; 255 -> 1.0 ; padding 0
        // plane 1 = G: 0 -> -1.0 ; 102/255=0.4 -> -0.2 ; padding 0
        // plane 2 = R: 255 -> 1.0 ; 0 -> -1.0 ; padding 0
        assertArrayEquals(new float[] {-0.6f, 1.0f, 0f, -1.0f, -0.2f, 0f, 1.0f, -1.0f, 0f}, out, 1e-6f);
    }

    @Test
    void imagenetMeanAndStdPerChannel() {
        BufferedImage rgb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 128 << 16 | 128 << 8 | 128);
        float[] out = new float[3];
        try (Mat bgr = VisionOps.toBgrMat(rgb)) {
            VisionOps.toChw(bgr, new float[] {0.485f, 0.456f, 0.406f}, new float[] {0.229f, 0.224f, 0.225f}, out, 0, 1);
        }
        float v = 128f / 255f;
        assertArrayEquals(new float[] {(v - 0.485f) / 0.229f, (v - 0.456f) / 0.224f, (v - 0.406f) / 0.225f}, out, 1e-6f);
    }

    @Test
    void bilinearResizeMatchesHandComputedValues() {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 0);
        rgb.setRGB(1, 0, 0xFFFFFF);
        try (Mat bgr = VisionOps.toBgrMat(rgb); Mat wide = VisionOps.resized(bgr, 4, 1);
             UByteIndexer idx = wide.createIndexer()) {
            // half-pixel centres: x=0 -> src -0.25 (clamped 0) = 0; x=1 -> 0.25 = 63.75; x=2 -> 0.75 = 191.25; x=3 -> 255
            int[] expected = {0, 64, 191, 255};
            for (int x = 0; x < 4; x++) {
                assertEquals(expected[x], idx.get(0, x, 0), 1, "column " + x);
            }
        }
    }

    @Test
    void grayIsBt601LuminanceAndInversionIs255Minus() {
        BufferedImage rgb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_RGB);
        rgb.setRGB(0, 0, 200 << 16 | 100 << 8 | 50);   // 0.299*200 + 0.587*100 + 0.114*50 = 124.2
        rgb.setRGB(1, 0, 0x808080);
        try (Mat bgr = VisionOps.toBgrMat(rgb); Mat gray = VisionOps.toGray(bgr); Mat inv = VisionOps.inverted(gray);
             UByteIndexer g = gray.createIndexer(); UByteIndexer i = inv.createIndexer()) {
            assertEquals(1, gray.channels());
            assertEquals(124, g.get(0, 0), 1);
            assertEquals(128, g.get(0, 1));
            assertEquals(255 - g.get(0, 0), i.get(0, 0));
            assertEquals(127, i.get(0, 1));
        }
        float[] out = new float[2];
        try (Mat bgr = VisionOps.toBgrMat(rgb); Mat gray = VisionOps.toGray(bgr)) {
            VisionOps.toChw(gray, new float[] {0f}, new float[] {1f}, out, 0, 2);
        }
        assertEquals(128f / 255f, out[1], 1e-6f); // one plane for a grayscale matrix
    }

    @Test
    void borderMeanObjectBoundsAndLetterbox() {
        // 8x6 white image with a 2x2 black square at x=4..5, y=2..3
        BufferedImage rgb = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 6; y++) {
            for (int x = 0; x < 8; x++) {
                rgb.setRGB(x, y, x >= 4 && x <= 5 && y >= 2 && y <= 3 ? 0 : 0xFFFFFF);
            }
        }
        try (Mat bgr = VisionOps.toBgrMat(rgb); Mat gray = VisionOps.toGray(bgr)) {
            assertEquals(255.0, VisionOps.borderMean(gray), 1e-9);
            try (org.bytedeco.opencv.opencv_core.Rect r = VisionOps.objectBounds(gray, 255, 24)) {
                assertEquals(java.util.List.of(4, 2, 2, 2), java.util.List.of(r.x(), r.y(), r.width(), r.height()));
            }
            // 8x6 into 4x4: scale 0.5 -> 4x3 (area averages of 2x2 blocks), top pad (4-3)/2 = 0, one row of 7 below
            try (Mat boxed = VisionOps.letterboxed(gray, 4, 4, 7); UByteIndexer b = boxed.createIndexer()) {
                assertEquals(4, boxed.cols());
                assertEquals(4, boxed.rows());
                assertEquals(255, b.get(0, 2));
                assertEquals(0, b.get(1, 2)); // the black square's block
                assertEquals(255, b.get(1, 1));
                assertEquals(7, b.get(3, 1));
            }
        }
        try (Mat plain = new Mat(3, 3, org.bytedeco.opencv.global.opencv_core.CV_8UC1,
                new org.bytedeco.opencv.opencv_core.Scalar(9.0))) {
            org.junit.jupiter.api.Assertions.assertNull(VisionOps.objectBounds(plain, 9, 24), "no object on a plain image");
        }
    }
}
