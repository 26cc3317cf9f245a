package dev.aifunc.invoke;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** Limits of the invoke endpoints ({@code aifunc.invoke.*}). */
@ConfigMapping(prefix = "aifunc.invoke")
public interface InvokeConfig {

    /** Largest invoke body in bytes (413 above). 1 MiB by default. */
    @WithDefault("1048576")
    int maxBodyBytes();

    /** Largest invoke-batch body in bytes (413 above). 8 MiB by default. */
    @WithDefault("8388608")
    int maxBatchBodyBytes();

    /** Most inputs in one invoke-batch call (422 above). */
    @WithDefault("256")
    int maxBatchSize();

    /**
     * Most invoke and invoke-batch calls in progress on this replica at once; one more is refused at once with 503
     * and {@code Retry-After: 1} (see {@link InFlightLimit}). 128 keeps a queued call's wait well under a second
     * for one-sentence text scenarios on 2 cores (about 300 calls/s).
     */
    @WithDefault("128")
    int maxInFlight();

    /**
     * Most bytes of invoke and invoke-batch bodies (their {@code Content-Length}) in progress on this replica at
     * once (a body without a length counts as its limit); a call that would go over is refused at once with 503 and {@code Retry-After: 1} before its body is
     * read (see {@link InFlightLimit}), unless it is the only one. 64 MiB by default: a body is held about three
     * times while it is read and parsed (bytes, array, JSON tree), so this keeps bodies under a third of the
     * 640 MiB heap of a 2.5 GiB pod.
     */
    @WithDefault("67108864")
    long maxBodyBytesInFlight();
}
