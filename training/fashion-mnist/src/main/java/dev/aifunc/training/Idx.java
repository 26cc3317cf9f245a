package dev.aifunc.training;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;

/**
 * Reader for the IDX files of (Fashion-)MNIST (format: LeCun et al., "THE MNIST DATABASE", big-endian magic
 * {@code 0x00000803} for images, {@code 0x00000801} for labels), gzip-compressed as Debian ships them.
 */
final class Idx {

    /** Images as unsigned bytes {@code byte[count][rows * cols]}, row-major, 0 = background (black). */
    record Images(byte[][] pixels, int rows, int cols) {
    }

    private Idx() {
    }

    static Images images(Path gz) throws IOException {
        try (DataInputStream in = open(gz)) {
            expect(in.readInt(), 0x803, gz);
            int count = in.readInt();
            int rows = in.readInt();
            int cols = in.readInt();
            byte[][] pixels = new byte[count][rows * cols];
            for (byte[] p : pixels) {
                in.readFully(p);
            }
            return new Images(pixels, rows, cols);
        }
    }

    static int[] labels(Path gz) throws IOException {
        try (DataInputStream in = open(gz)) {
            expect(in.readInt(), 0x801, gz);
            int count = in.readInt();
            int[] labels = new int[count];
            for (int i = 0; i < count; i++) {
                labels[i] = in.readUnsignedByte();
            }
            return labels;
        }
    }

    private static DataInputStream open(Path gz) throws IOException {
        InputStream raw = Files.newInputStream(gz);
        return new DataInputStream(new BufferedInputStream(new GZIPInputStream(raw, 1 << 16), 1 << 16));
    }

    private static void expect(int magic, int wanted, Path file) throws IOException {
        if (magic != wanted) {
            throw new IOException(file + ": IDX magic " + Integer.toHexString(magic) + ", expected " + Integer.toHexString(wanted));
        }
    }
}
