package dev.aifunc.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/** Small dense-vector operations on {@code float[dimensions]}. */
public final class Vectors {

    private Vectors() {
    }

    /** Scales {@code v} in place to unit L2 norm (a zero vector stays zero). */
    public static void normalize(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += x * x;
        }
        double norm = Math.sqrt(sum);
        if (norm > 0) {
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (v[i] / norm);
            }
        }
    }

    /** Dot product; equals cosine similarity for unit vectors. */
    public static float dot(float[] a, float[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return (float) s;
    }

    /** Mean of unit vectors, re-normalised to unit length (the centroid of a class). */
    public static float[] centroid(java.util.List<float[]> vectors) {
        float[] c = new float[vectors.get(0).length];
        for (float[] v : vectors) {
            for (int i = 0; i < c.length; i++) {
                c[i] += v[i];
            }
        }
        normalize(c);
        return c;
    }

    /** Little-endian float32 bytes of a vector, as stored in PostgreSQL {@code bytea}. */
    public static byte[] toBytes(float[] v) {
        ByteBuffer buf = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        buf.asFloatBuffer().put(v);
        return buf.array();
    }

    /** Inverse of {@link #toBytes(float[])}. */
    public static float[] fromBytes(byte[] bytes) {
        float[] v = new float[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(v);
        return v;
    }
}
