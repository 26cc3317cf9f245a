package dev.aifunc.invoke;

import com.drew.imaging.ImageMetadataReader;
import com.drew.metadata.Metadata;
import com.drew.metadata.exif.ExifIFD0Directory;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.task.DecodedImage;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * Decodes image bytes for vision tasks, safely: the format is sniffed from magic bytes (415 when it is not a
 * supported image), the size in bytes and in pixels is checked from the header before any pixel is decoded
 * (413 / 422), a truncated or corrupt file gives 422, and the EXIF orientation is applied. JPEG (baseline,
 * progressive, CMYK/YCCK) and WebP through the TwelveMonkeys ImageIO plugins; PNG (alpha, 16-bit, palette,
 * grey), GIF (first frame) and BMP through the JDK.
 */
@ApplicationScoped
public class ImageDecoder {

    private final ImagesConfig config;
    /** Decodes running at once: a 40 MP image takes about 160 MB of pixels, so this bounds memory under load. */
    private final java.util.concurrent.Semaphore slots =
            new java.util.concurrent.Semaphore(Math.max(2, Runtime.getRuntime().availableProcessors()));

    public ImageDecoder(ImagesConfig config) {
        this.config = config;
    }

    void registerPlugins(@Observes StartupEvent event) {
        // ImageIO only sees plugins on the class path it scanned; the application class loader is not the system one
        ClassLoader previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(ImageDecoder.class.getClassLoader());
        try {
            ImageIO.scanForPlugins();
            ImageIO.setUseCache(false);
        } finally {
            Thread.currentThread().setContextClassLoader(previous);
        }
    }

    /**
     * Decodes one image.
     *
     * @param bytes the encoded image
     * @param field the input field it came from, for error messages
     * @return RGB pixels with EXIF orientation applied
     * @throws ProblemException 413 over {@code aifunc.images.max-bytes}; 415 not a supported image format;
     *                          422 empty, over {@code aifunc.images.max-pixels}, truncated or corrupt (a decoder
     *                          warning such as a premature end of data counts); 503 when all decode slots (one per
     *                          core, at least 2) stay busy for 30 s
     */
    public DecodedImage decode(byte[] bytes, String field) {
        long t0 = System.nanoTime();
        if (bytes.length == 0) {
            throw ProblemException.unprocessable("'" + field + "' is empty: send the bytes of a JPEG, PNG, GIF, BMP "
                    + "or WebP image.", field, null);
        }
        if (bytes.length > config.maxBytes()) {
            throw ProblemException.tooLarge("'" + field + "' has " + bytes.length + " bytes; the limit is "
                    + config.maxBytes() + ".", field, config.maxBytes() + " bytes");
        }
        String format = sniff(bytes);
        if (format == null) {
            throw new ProblemException(415, "Unsupported Media Type", "'" + field + "' is not a JPEG, PNG, GIF, BMP "
                    + "or WebP image.", field, null, null, null);
        }
        BufferedImage raw;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new ProblemException(415, "Unsupported Media Type", "No decoder for this " + format
                        + " variant in '" + field + "'.", field, null, null, null);
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                long width = reader.getWidth(0);
                long height = reader.getHeight(0);
                if (width * height > config.maxPixels()) {
                    throw ProblemException.unprocessable("'" + field + "' is " + width + "x" + height + " = "
                            + width * height + " pixels; the limit is " + config.maxPixels() + " pixels.", field,
                            config.maxPixels() + " pixels");
                }
                ImageReadParam param = reader.getDefaultReadParam();
                java.util.List<String> warnings = new java.util.ArrayList<>();
                reader.addIIOReadWarningListener((source, warning) -> {
                    String w = warning.toLowerCase(Locale.ROOT);
                    // missing data is fatal; advice such as "no embedded ICC profile" is not
                    if (w.contains("premature") || w.contains("truncat") || w.contains("corrupt") || w.contains("eof")
                            || w.contains("end of file")) {
                        warnings.add(warning);
                    }
                });
                if (!slots.tryAcquire(30, java.util.concurrent.TimeUnit.SECONDS)) {
                    throw ProblemException.unavailable("Too many images are being decoded; retry shortly.", 2);
                }
                try {
                    raw = reader.read(0, param);
                } finally {
                    slots.release();
                }
                if (!warnings.isEmpty()) {
                    throw ProblemException.unprocessable("'" + field + "' is truncated or corrupt: "
                            + warnings.get(0), field, null);
                }
            } finally {
                reader.dispose();
            }
        } catch (ProblemException e) {
            throw e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw ProblemException.unavailable("Interrupted while decoding.", 1);
        } catch (IOException | RuntimeException e) {
            throw ProblemException.unprocessable("'" + field + "' could not be decoded as " + format
                    + " (truncated or corrupt): " + e.getMessage(), field, null);
        }
        // EXIF orientation only where cameras write it (JPEG, WebP); PNG text chunks can be zip bombs
        int orientation = format.equals("jpeg") || format.equals("webp") ? orientation(bytes) : 1;
        BufferedImage rgb = orient(toRgb(raw), orientation);
        return new DecodedImage(rgb, format, orientation, (System.nanoTime() - t0) / 1e6);
    }

    /** The format named by the file's magic bytes, or null. */
    static String sniff(byte[] b) {
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return "jpeg";
        }
        if (b.length >= 8 && (b[0] & 0xFF) == 0x89 && b[1] == 'P' && b[2] == 'N' && b[3] == 'G') {
            return "png";
        }
        if (b.length >= 6 && b[0] == 'G' && b[1] == 'I' && b[2] == 'F' && b[3] == '8') {
            return "gif";
        }
        if (b.length >= 2 && b[0] == 'B' && b[1] == 'M') {
            return "bmp";
        }
        if (b.length >= 12 && b[0] == 'R' && b[1] == 'I' && b[2] == 'F' && b[3] == 'F'
                && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
            return "webp";
        }
        return null;
    }

    /** The EXIF orientation tag (1..8), 1 when there is none or it cannot be read. */
    static int orientation(byte[] bytes) {
        try {
            Metadata metadata = ImageMetadataReader.readMetadata(new ByteArrayInputStream(bytes), bytes.length);
            ExifIFD0Directory exif = metadata.getFirstDirectoryOfType(ExifIFD0Directory.class);
            if (exif != null && exif.containsTag(ExifIFD0Directory.TAG_ORIENTATION)) {
                int o = exif.getInt(ExifIFD0Directory.TAG_ORIENTATION);
                return o >= 1 && o <= 8 ? o : 1;
            }
        } catch (Exception e) {
            // no readable EXIF: keep the pixels as stored
        }
        return 1;
    }

    /** Copies any decoded image into {@code TYPE_INT_RGB}, compositing transparency on white. */
    static BufferedImage toRgb(BufferedImage src) {
        if (src.getType() == BufferedImage.TYPE_INT_RGB) {
            return src;
        }
        BufferedImage rgb = new BufferedImage(src.getWidth(), src.getHeight(), BufferedImage.TYPE_INT_RGB);
        Graphics2D g = rgb.createGraphics();
        try {
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, src.getWidth(), src.getHeight());
            g.drawImage(src, 0, 0, null);
        } finally {
            g.dispose();
        }
        return rgb;
    }

    /**
     * Applies an EXIF orientation (EXIF 2.3 tag 0x0112: how the stored pixels must be transformed for display):
     * 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6 rotate 90 clockwise, 7 transverse, 8 rotate 90 counter-clockwise.
     */
    static BufferedImage orient(BufferedImage src, int orientation) {
        if (orientation <= 1 || orientation > 8) {
            return src;
        }
        int w = src.getWidth();
        int h = src.getHeight();
        int[] in = src.getRGB(0, 0, w, h, null, 0, w);
        boolean swap = orientation >= 5;
        int ow = swap ? h : w;
        int oh = swap ? w : h;
        int[] out = new int[ow * oh];
        for (int y = 0; y < oh; y++) {
            for (int x = 0; x < ow; x++) {
                int sx;
                int sy;
                switch (orientation) {
                    case 2 -> { sx = w - 1 - x; sy = y; }
                    case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
                    case 4 -> { sx = x; sy = h - 1 - y; }
                    case 5 -> { sx = y; sy = x; }
                    case 6 -> { sx = y; sy = h - 1 - x; }
                    case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
                    default -> { sx = w - 1 - y; sy = x; } // 8
                }
                out[y * ow + x] = in[sy * w + sx];
            }
        }
        BufferedImage result = new BufferedImage(ow, oh, BufferedImage.TYPE_INT_RGB);
        result.setRGB(0, 0, ow, oh, out, 0, ow);
        return result;
    }

    /** Lower-case format name for a MIME type such as {@code image/png}. */
    static String formatOf(String mediaType) {
        return mediaType == null ? "" : mediaType.toLowerCase(Locale.ROOT).replace("image/", "");
    }
}
