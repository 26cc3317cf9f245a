package dev.aifunc.invoke;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.problem.ProblemException;
import dev.aifunc.task.DecodedImage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Decoding images safely: formats, limits from the header, truncation, alpha, EXIF orientation. */
public class ImageDecoderTest {

    private static final ImageDecoder DECODER = new ImageDecoder(new ImagesConfig() {
        public int maxBytes() { return 20 * 1024 * 1024; }
        public long maxPixels() { return 40_000_000L; }
    });

    @BeforeAll
    static void plugins() {
        DECODER.registerPlugins(null);
    }

    /** A 3x2 image whose pixels are all different: (x, y) -> rgb(x*80, y*120, 50). */
    private static BufferedImage sample() {
        BufferedImage img = new BufferedImage(3, 2, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 2; y++) {
            for (int x = 0; x < 3; x++) {
                img.setRGB(x, y, (x * 80) << 16 | (y * 120) << 8 | 50);
            }
        }
        return img;
    }

    private static byte[] encode(BufferedImage img, String format) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertTrue(ImageIO.write(img, format, out), "writer for " + format);
        return out.toByteArray();
    }

    @Test
    void decodesPngGifBmpJpegLosslessOrClose() throws Exception {
        BufferedImage src = sample();
        for (String format : new String[] {"png", "bmp"}) {
            DecodedImage d = DECODER.decode(encode(src, format), "image");
            assertEquals(format, d.format());
            assertArrayEquals(src.getRGB(0, 0, 3, 2, null, 0, 3), d.image().getRGB(0, 0, 3, 2, null, 0, 3), format);
        }
        assertEquals("gif", DECODER.decode(encode(src, "gif"), "image").format());
        DecodedImage jpeg = DECODER.decode(encode(src, "jpeg"), "image");
        assertEquals(3, jpeg.width());
        assertEquals(2, jpeg.height());
    }

    /**
     * The same 24x16 test card (red left half, blue right half, black 4x4 square top-left) saved by the team in
     * every format and variant the decoder promises (src/test/resources/images, made with Pillow).
     */
    @Test
    void decodesEveryPromisedFormatAndVariant() throws Exception {
        for (String file : new String[] {"card-cmyk.jpg", "card-progressive.jpg", "card.webp", "card.gif", "card.bmp",
                "card-palette.png", "card-grey16.png"}) {
            DecodedImage d = DECODER.decode(resource(file), "image");
            assertEquals(24, d.width(), file);
            assertEquals(16, d.height(), file);
            int left = d.image().getRGB(6, 10);
            int right = d.image().getRGB(18, 8);
            int corner = d.image().getRGB(1, 1);
            if (file.contains("grey16")) {
                assertTrue(grey(left) > grey(right), file + ": red is lighter than blue in grey");
            } else {
                assertTrue(red(left) > blue(left) + 80, file + ": left half red, got " + Integer.toHexString(left));
                assertTrue(blue(right) > red(right) + 80, file + ": right half blue, got " + Integer.toHexString(right));
            }
            assertTrue(grey(corner) < 60, file + ": corner dark, got " + Integer.toHexString(corner));
        }
        DecodedImage rotated = DECODER.decode(resource("card-exif6.jpg"), "image");
        assertEquals(6, rotated.exifOrientation());
        assertEquals(16, rotated.width());
        assertEquals(24, rotated.height());
        assertTrue(grey(rotated.image().getRGB(14, 1)) < 60, "orientation 6: the dark corner is now top-right");
        assertTrue(grey(rotated.image().getRGB(1, 1)) > 60, "orientation 6: top-left is no longer dark");
    }

    private static byte[] resource(String name) throws Exception {
        try (var in = ImageDecoderTest.class.getResourceAsStream("/images/" + name)) {
            return in.readAllBytes();
        }
    }

    private static int red(int rgb) {
        return (rgb >> 16) & 0xFF;
    }

    private static int blue(int rgb) {
        return rgb & 0xFF;
    }

    private static int grey(int rgb) {
        return (red(rgb) + ((rgb >> 8) & 0xFF) + blue(rgb)) / 3;
    }

    @Test
    void alphaIsCompositedOnWhite() throws Exception {
        BufferedImage argb = new BufferedImage(2, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00000000); // fully transparent
        argb.setRGB(1, 0, 0xFF102030); // opaque
        DecodedImage d = DECODER.decode(encode(argb, "png"), "image");
        assertEquals(0xFFFFFF, d.image().getRGB(0, 0) & 0xFFFFFF);
        assertEquals(0x102030, d.image().getRGB(1, 0) & 0xFFFFFF);
    }

    @Test
    void refusesWhatIsNotAnImageEmptyTruncatedOrABomb() throws Exception {
        assertStatus(422, new byte[0]);
        assertStatus(415, "hello, I am text".getBytes());
        assertStatus(415, new byte[] {'%', 'P', 'D', 'F', '-', '1', '.', '4'});
        byte[] jpeg = encode(new BufferedImage(64, 64, BufferedImage.TYPE_INT_RGB), "jpeg");
        assertStatus(422, Arrays.copyOf(jpeg, jpeg.length / 3));
        // a JPEG cut after its header: the decoder warns of the premature end; that is a 422, not grey pixels
        BufferedImage photo = new BufferedImage(400, 300, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 300; y++) {
            for (int x = 0; x < 400; x++) {
                photo.setRGB(x, y, (x * 7 ^ y * 13) & 0xFFFFFF);
            }
        }
        byte[] full = encode(photo, "jpeg");
        assertStatus(422, Arrays.copyOf(full, full.length * 2 / 3));
        // a PNG whose compressed text chunk would inflate to 1 GiB is decoded without reading that chunk
        byte[] textBomb = pngWithTextBomb();
        assertEquals(2, DECODER.decode(textBomb, "image").width());
        byte[] bomb = pngBomb(20_000, 20_000);
        assertTrue(bomb.length < 8_000, "a few KB on disk: " + bomb.length);
        ProblemException e = assertThrows(ProblemException.class, () -> DECODER.decode(bomb, "image"));
        assertEquals(422, e.status());
        assertTrue(e.getMessage().contains("400000000 pixels"), e.getMessage());
    }

    @Test
    void everyExifOrientationIsApplied() throws Exception {
        BufferedImage src = sample();
        // expected displayed image per orientation, as (x, y) of the stored pixel for each displayed pixel
        for (int o = 1; o <= 8; o++) {
            BufferedImage out = ImageDecoder.orient(src, o);
            boolean swap = o >= 5;
            assertEquals(swap ? 2 : 3, out.getWidth(), "width for orientation " + o);
            for (int y = 0; y < out.getHeight(); y++) {
                for (int x = 0; x < out.getWidth(); x++) {
                    int[] s = switch (o) {
                        case 1 -> new int[] {x, y};
                        case 2 -> new int[] {2 - x, y};
                        case 3 -> new int[] {2 - x, 1 - y};
                        case 4 -> new int[] {x, 1 - y};
                        case 5 -> new int[] {y, x};
                        case 6 -> new int[] {y, 1 - x};
                        case 7 -> new int[] {2 - y, 1 - x};
                        default -> new int[] {2 - y, x};
                    };
                    assertEquals(src.getRGB(s[0], s[1]), out.getRGB(x, y), "orientation " + o + " at " + x + "," + y);
                }
            }
        }
        // and read from a real EXIF segment: orientation 6 (rotate 90 clockwise) turns 3x2 into 2x3
        byte[] png = encode(src, "png");
        DecodedImage plain = DECODER.decode(png, "image");
        assertEquals(1, plain.exifOrientation());
        byte[] jpegWithExif = withExifOrientation(encode(src, "jpeg"), 6);
        DecodedImage rotated = DECODER.decode(jpegWithExif, "image");
        assertEquals(6, rotated.exifOrientation());
        assertEquals(2, rotated.width());
        assertEquals(3, rotated.height());
    }

    private static void assertStatus(int status, byte[] bytes) {
        ProblemException e = assertThrows(ProblemException.class, () -> DECODER.decode(bytes, "image"));
        assertEquals(status, e.status(), e.getMessage());
    }

    /** A PNG whose header says width x height (8-bit grey) with only the first rows of data: a few KB. */
    public static byte[] pngBomb(int width, int height) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(width).putInt(height).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        Deflater deflater = new Deflater(9);
        deflater.setInput(new byte[(width + 1) * 4]);
        deflater.finish();
        byte[] buf = new byte[65536];
        int n = deflater.deflate(buf);
        chunk(out, "IDAT", Arrays.copyOf(buf, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** A valid 2x2 PNG carrying a zTXt chunk of 1 GiB of zeros compressed to about 1 MB. */
    static byte[] pngWithTextBomb() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(2).putInt(2).put((byte) 8).put((byte) 0)
                .put((byte) 0).put((byte) 0).put((byte) 0).array());
        ByteArrayOutputStream ztxt = new ByteArrayOutputStream();
        ztxt.write("Comment".getBytes());
        ztxt.write(0);
        ztxt.write(0); // compression method: deflate
        Deflater big = new Deflater(9);
        byte[] zeros = new byte[1 << 20];
        byte[] buf = new byte[1 << 16];
        for (int i = 0; i < 1024; i++) {
            big.setInput(zeros);
            while (!big.needsInput()) {
                int n = big.deflate(buf);
                ztxt.write(buf, 0, n);
            }
        }
        big.finish();
        while (!big.finished()) {
            int n = big.deflate(buf);
            ztxt.write(buf, 0, n);
        }
        chunk(out, "zTXt", ztxt.toByteArray());
        Deflater d = new Deflater();
        d.setInput(new byte[] {0, 10, 20, 0, 30, 40});
        d.finish();
        int n = d.deflate(buf);
        chunk(out, "IDAT", Arrays.copyOf(buf, n));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    /** Appends one PNG chunk: length, type, data, CRC-32 of type and data (also used by FuzzedRequestsTest). */
    static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        out.writeBytes(ByteBuffer.allocate(4).putInt(data.length).array());
        byte[] t = type.getBytes(java.nio.charset.StandardCharsets.US_ASCII);
        out.writeBytes(t);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.writeBytes(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }

    /** Inserts an EXIF APP1 segment (big-endian TIFF, IFD0 with one Orientation entry) after the JPEG's SOI. */
    static byte[] withExifOrientation(byte[] jpeg, int orientation) throws Exception {
        ByteBuffer tiff = ByteBuffer.allocate(26);
        tiff.put(new byte[] {'M', 'M', 0, 42}).putInt(8); // header, IFD0 at offset 8
        tiff.putShort((short) 1); // one entry
        tiff.putShort((short) 0x0112).putShort((short) 3).putInt(1).putShort((short) orientation).putShort((short) 0);
        tiff.putInt(0); // no next IFD
        byte[] exif = new byte[6 + tiff.capacity()];
        System.arraycopy(new byte[] {'E', 'x', 'i', 'f', 0, 0}, 0, exif, 0, 6);
        System.arraycopy(tiff.array(), 0, exif, 6, tiff.capacity());
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(jpeg, 0, 2); // SOI
        out.write(new byte[] {(byte) 0xFF, (byte) 0xE1});
        out.write(ByteBuffer.allocate(2).putShort((short) (exif.length + 2)).array());
        out.write(exif);
        out.write(jpeg, 2, jpeg.length - 2);
        return out.toByteArray();
    }
}
