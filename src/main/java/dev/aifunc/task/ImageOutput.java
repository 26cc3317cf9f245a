package dev.aifunc.task;

/**
 * A task output that can also be sent as an image: when the caller's {@code Accept} asks for {@code image/png} or
 * {@code image/jpeg}, the service answers with these bytes instead of JSON.
 */
public interface ImageOutput {

    /**
     * The output image encoded in a format.
     *
     * @param format {@code png} or {@code jpeg}
     * @return the encoded bytes, or null when this output has no image
     */
    byte[] encodedImage(String format);
}
