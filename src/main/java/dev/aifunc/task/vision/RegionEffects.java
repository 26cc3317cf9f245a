package dev.aifunc.task.vision;

import java.awt.image.BufferedImage;

/**
 * Irreversible-enough anonymisation of rectangles in an RGB image. Only pixels inside the rectangles change.
 */
final class RegionEffects {

    private RegionEffects() {
    }

    /**
     * Pixelates {@code [x, x+w) x [y, y+h)} in place: the region is cut into square blocks of about a tenth of its
     * smaller side (at least 6 px) and each block is filled with its mean colour.
     */
    static void pixelate(BufferedImage img, int x, int y, int w, int h) {
        int block = Math.max(6, Math.min(w, h) / 10);
        for (int by = y; by < y + h; by += block) {
            for (int bx = x; bx < x + w; bx += block) {
                int bw = Math.min(block, x + w - bx);
                int bh = Math.min(block, y + h - by);
                int[] px = img.getRGB(bx, by, bw, bh, null, 0, bw);
                long r = 0;
                long g = 0;
                long b = 0;
                for (int p : px) {
                    r += (p >> 16) & 0xFF;
                    g += (p >> 8) & 0xFF;
                    b += p & 0xFF;
                }
                int n = px.length;
                int mean = (int) ((r / n) << 16 | (g / n) << 8 | (b / n));
                java.util.Arrays.fill(px, mean);
                img.setRGB(bx, by, bw, bh, px, 0, bw);
            }
        }
    }

    /**
     * Blurs {@code [x, x+w) x [y, y+h)} in place with three passes of a box blur (close to a Gaussian) whose radius
     * is a fifth of the region's smaller side; samples are taken only from inside the region.
     */
    static void blur(BufferedImage img, int x, int y, int w, int h) {
        int radius = Math.max(3, Math.min(w, h) / 5);
        int[] px = img.getRGB(x, y, w, h, null, 0, w);
        int[] tmp = new int[px.length];
        for (int pass = 0; pass < 3; pass++) {
            boxBlur(px, tmp, w, h, radius, true);
            boxBlur(tmp, px, w, h, radius, false);
        }
        img.setRGB(x, y, w, h, px, 0, w);
    }

    private static void boxBlur(int[] src, int[] dst, int w, int h, int radius, boolean horizontal) {
        int lines = horizontal ? h : w;
        int length = horizontal ? w : h;
        for (int line = 0; line < lines; line++) {
            for (int i = 0; i < length; i++) {
                int from = Math.max(0, i - radius);
                int to = Math.min(length - 1, i + radius);
                long r = 0;
                long g = 0;
                long b = 0;
                for (int k = from; k <= to; k++) {
                    int p = horizontal ? src[line * w + k] : src[k * w + line];
                    r += (p >> 16) & 0xFF;
                    g += (p >> 8) & 0xFF;
                    b += p & 0xFF;
                }
                int n = to - from + 1;
                int value = (int) ((r / n) << 16 | (g / n) << 8 | (b / n));
                if (horizontal) {
                    dst[line * w + i] = value;
                } else {
                    dst[i * w + line] = value;
                }
            }
        }
    }
}
