package dev.aifunc.task;

import java.awt.image.BufferedImage;

/**
 * An input image as tasks get it: decoded, EXIF orientation applied, in RGB ({@code TYPE_INT_RGB}; transparent
 * pixels composited on white). Tasks never see where it came from (JSON base64, multipart or raw body).
 *
 * @param image          the pixels, {@code width x height} after orientation
 * @param format         the detected format ({@code jpeg}, {@code png}, {@code gif}, {@code bmp}, {@code webp})
 * @param exifOrientation the EXIF orientation that was applied (1 = none, 2..8 = flips/rotations)
 * @param decodeMillis   time spent decoding and orienting, in ms
 */
public record DecodedImage(BufferedImage image, String format, int exifOrientation, double decodeMillis) {

    public int width() {
        return image.getWidth();
    }

    public int height() {
        return image.getHeight();
    }
}
