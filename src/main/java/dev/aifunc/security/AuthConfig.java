package dev.aifunc.security;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.util.Optional;

/** {@code aifunc.auth.*}: who may call the API. */
@ConfigMapping(prefix = "aifunc.auth")
public interface AuthConfig {

    /**
     * True (the default): calling a scenario needs an API key and the admin API an admin. False opens the whole
     * API to anyone who can reach the port, for local use only (env {@code AIFUNC_AUTH_ENABLED=false}); the portal
     * still asks to sign in.
     */
    @WithDefault("true")
    boolean enabled();

    /**
     * An admin API key given by the operator (env {@code AIFUNC_AUTH_ADMIN_KEY}, at least 32 characters), e.g. from
     * a Kubernetes secret for automation; it is not stored and works while it is configured.
     */
    Optional<String> adminKey();
}
