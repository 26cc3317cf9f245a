package dev.aifunc.security;

import io.quarkus.security.AuthenticationFailedException;
import java.util.Map;

/**
 * A sign-in refused before its password was checked: the account or client is locked after too many failures
 * (status 429), or no password check place freed up in time (503). It travels as Quarkus' (final)
 * {@link AuthenticationFailedException} with the status and {@code Retry-After} as attributes; the API answers it
 * with them and problem+json ({@link ApiAuthFailures}).
 */
final class SignInRefused {

    private static final String STATUS = "aifunc.sign-in.status";
    private static final String RETRY_AFTER = "aifunc.sign-in.retry-after";

    private SignInRefused() {
    }

    static AuthenticationFailedException of(int status, String detail, long retryAfterSeconds) {
        return new AuthenticationFailedException(detail, Map.of(STATUS, status, RETRY_AFTER, retryAfterSeconds));
    }

    /** The status of a refusal made by {@link #of}, or null for a plain wrong password. */
    static Integer status(AuthenticationFailedException e) {
        return e.getAttribute(STATUS);
    }

    static long retryAfterSeconds(AuthenticationFailedException e) {
        Long seconds = e.getAttribute(RETRY_AFTER);
        return seconds == null ? 1 : seconds;
    }
}
