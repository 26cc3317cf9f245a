package dev.aifunc.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/**
 * Checks the access settings at start-up: an operator admin key under 32 characters (or blank) and default rate
 * limits out of range stop the start with a message; an open API is logged.
 */
@ApplicationScoped
public class AuthStartup {

    private static final Logger LOG = Logger.getLogger(AuthStartup.class);

    /** Shortest operator admin key accepted, in characters. */
    public static final int MIN_ADMIN_KEY_CHARS = 32;

    // runs before the other start-up observers (models start loading in ModelRegistry's): a refused setting stops
    // the start before any native model code runs
    void check(@Observes @jakarta.annotation.Priority(1) StartupEvent event, AuthConfig config,
               RateLimiter.Config limits) {
        config.adminKey().ifPresent(key -> {
            if (key.strip().length() < MIN_ADMIN_KEY_CHARS) {
                throw new IllegalStateException("aifunc.auth.admin-key (AIFUNC_AUTH_ADMIN_KEY) has " + key.strip().length()
                        + " characters; it must have at least " + MIN_ADMIN_KEY_CHARS + ".");
            }
        });
        limits.requestsPerSecond().ifPresent(rate -> {
            if (!(rate >= ApiKeys.MIN_RATE && rate <= ApiKeys.MAX_RATE)) {
                throw new IllegalStateException("aifunc.rate-limit.requests-per-second is " + rate + "; it must be "
                        + ApiKeys.MIN_RATE + " to " + (long) ApiKeys.MAX_RATE + ".");
            }
        });
        limits.burst().ifPresent(burst -> {
            if (burst < 1 || burst > ApiKeys.MAX_BURST) {
                throw new IllegalStateException("aifunc.rate-limit.burst is " + burst + "; it must be 1 to "
                        + ApiKeys.MAX_BURST + ".");
            }
            if (limits.requestsPerSecond().isEmpty()) {
                throw new IllegalStateException("aifunc.rate-limit.burst needs aifunc.rate-limit.requests-per-second.");
            }
        });
        if (!config.enabled()) {
            LOG.warn("aifunc.auth.enabled=false: the whole API (calling scenarios and the admin API) is open to "
                    + "anyone who can reach this port. Use it on your own machine only.");
        }
    }
}
