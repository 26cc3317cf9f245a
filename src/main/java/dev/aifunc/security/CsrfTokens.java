package dev.aifunc.security;

import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * CSRF tokens for the portal's forms, in the HMAC-based token pattern of the OWASP CSRF cheat sheet: a token is
 * {@code <issued-at epoch seconds>.<HMAC-SHA256(key, user + issued-at)>}, so it is bound to the signed-in user,
 * expires with the session ({@link #LIFETIME}), and needs no server-side state, which keeps it valid on every
 * replica that shares the key.
 *
 * <p>The key is derived from the session encryption key ({@code quarkus.http.auth.session.encryption-key}); without
 * one (tests), a random key is made at start.
 *
 * <p>Why not {@code quarkus-rest-csrf}: its filter is global, and it answers 400 to every {@code multipart/form-data}
 * POST that carries no CSRF cookie, which includes API clients invoking image scenarios.
 */
@ApplicationScoped
public class CsrfTokens {

    /** How long a token is accepted: the session's lifetime ({@code quarkus.http.auth.form.timeout}). */
    public static final Duration LIFETIME = Duration.ofHours(8);

    /** Name of the hidden form field, and of the header ({@code X-CSRF-Token}) for scripts. */
    public static final String FIELD = "csrf-token";
    public static final String HEADER = "X-CSRF-Token";

    private final byte[] key;
    private final Clock clock;

    @jakarta.inject.Inject
    public CsrfTokens(@ConfigProperty(name = "quarkus.http.auth.session.encryption-key") Optional<String> sessionKey) {
        this(sessionKey, Clock.systemUTC());
    }

    CsrfTokens(Optional<String> sessionKey, Clock clock) {
        this.clock = clock;
        if (sessionKey.isPresent() && !sessionKey.get().isBlank()) {
            this.key = hmac(sessionKey.get().getBytes(StandardCharsets.UTF_8), "aifunc-csrf-v1");
        } else {
            this.key = new byte[32];
            new SecureRandom().nextBytes(this.key);
        }
    }

    /** A new token for this user, valid for {@link #LIFETIME}. */
    public String issue(String user) {
        long now = clock.instant().getEpochSecond();
        return now + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, user + "\n" + now));
    }

    /**
     * Whether the token was issued by this service for this user and has not expired.
     *
     * @param token the submitted value; null or malformed is simply invalid
     */
    public boolean valid(String user, String token) {
        if (user == null || token == null) {
            return false;
        }
        int dot = token.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        long issued;
        try {
            issued = Long.parseLong(token.substring(0, dot));
        } catch (NumberFormatException e) {
            return false;
        }
        long age = clock.instant().getEpochSecond() - issued;
        if (age < -60 || age > LIFETIME.toSeconds()) {
            return false;
        }
        // compared as the exact text issued: decoding would accept other spellings of the same bytes (the unused
        // low bits of the last base64 character), so a changed token could still pass
        byte[] expected = Base64.getUrlEncoder().withoutPadding().encodeToString(hmac(key, user + "\n" + issued))
                .getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, token.substring(dot + 1).getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] hmac(byte[] key, String message) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(message.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is part of every JDK", e);
        }
    }
}
