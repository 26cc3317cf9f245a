package dev.aifunc.security;

import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.jboss.logging.Logger;

/** Checks the access settings at start-up: a too short operator admin key stops the start; an open API is logged. */
@ApplicationScoped
public class AuthStartup {

    private static final Logger LOG = Logger.getLogger(AuthStartup.class);

    /** Shortest operator admin key accepted, in characters. */
    public static final int MIN_ADMIN_KEY_CHARS = 32;

    // runs before the other start-up observers (models start loading in ModelRegistry's): a refused setting stops
    // the start before any native model code runs
    void check(@Observes @jakarta.annotation.Priority(1) StartupEvent event, AuthConfig config) {
        config.adminKey().filter(k -> !k.isBlank()).ifPresent(key -> {
            if (key.strip().length() < MIN_ADMIN_KEY_CHARS) {
                throw new IllegalStateException("aifunc.auth.admin-key (AIFUNC_AUTH_ADMIN_KEY) has " + key.strip().length()
                        + " characters; it must have at least " + MIN_ADMIN_KEY_CHARS + ".");
            }
        });
        if (!config.enabled()) {
            LOG.warn("aifunc.auth.enabled=false: the whole API (calling scenarios and the admin API) is open to "
                    + "anyone who can reach this port. Use it on your own machine only.");
        }
    }
}
