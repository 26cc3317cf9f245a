package dev.aifunc.invoke;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of image inputs ({@code aifunc.images.*}). */
@ConfigMapping(prefix = "aifunc.images")
public interface ImagesConfig {

    /** Largest encoded image in bytes (413 above). 20 MiB by default. */
    @WithDefault("20971520")
    int maxBytes();

    /**
     * Most pixels (width x height, read from the file header before decoding) an image may have (422 above).
     * 40 megapixels by default: a decompression bomb is refused before anything is allocated for it.
     */
    @WithDefault("40000000")
    long maxPixels();
}
