package dev.aifunc.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;

/**
 * The credential of the service's own warm-up calls after a start ({@code invoke.StartupWarmup}): a random secret
 * made at start, held only in this process's memory and sent only over loopback in {@value #HEADER}. A call bearing
 * it is an admin call by {@value #ACTOR}, outside rate limits, and is neither recorded as usage nor counted in the
 * metrics.
 */
@ApplicationScoped
public class WarmupCredential {

    /** Header that carries the secret. */
    public static final String HEADER = "X-Aifunc-Warmup";
    /** Actor of warm-up calls. */
    public static final String ACTOR = "system:warmup";

    private final String secret;

    public WarmupCredential() {
        byte[] bytes = new byte[32];
        new java.security.SecureRandom().nextBytes(bytes);
        this.secret = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** The secret, for the warm-up's requests. */
    public String secret() {
        return secret;
    }

    /** Whether a presented header value is this process's secret (constant-time comparison). */
    public boolean accepts(String presented) {
        return presented != null && MessageDigest.isEqual(secret.getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8));
    }
}
