package dev.aifunc.security;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The HMAC-based CSRF tokens: bound to the user and the key, and expiring with the session. */
class CsrfTokensTest {

    private static final Instant NOW = Instant.parse("2026-12-01T12:00:00Z");

    private static CsrfTokens at(Instant instant, String key) {
        return new CsrfTokens(Optional.of(key), Clock.fixed(instant, ZoneOffset.UTC));
    }

    @Test
    void aTokenIsValidForItsUserUntilTheSessionWouldHaveEnded() {
        String token = at(NOW, "session-key-one").issue("admin");
        assertTrue(at(NOW, "session-key-one").valid("admin", token));
        assertTrue(at(NOW.plus(CsrfTokens.LIFETIME).minusSeconds(1), "session-key-one").valid("admin", token));
        assertFalse(at(NOW.plus(CsrfTokens.LIFETIME).plus(Duration.ofSeconds(1)), "session-key-one").valid("admin", token),
                "expired");
    }

    @Test
    void aTokenIsWorthlessForAnotherUserAnotherKeyOrWhenAltered() {
        String token = at(NOW, "session-key-one").issue("admin");
        assertFalse(at(NOW, "session-key-one").valid("mallory", token), "another user");
        assertFalse(at(NOW, "session-key-two").valid("admin", token), "another service's key");
        String[] parts = token.split("\\.");
        assertFalse(at(NOW, "session-key-one").valid("admin", (Long.parseLong(parts[0]) + 3600) + "." + parts[1]),
                "a moved issue time breaks the signature");
        for (String broken : new String[] {null, "", ".", "abc", "123.", "x.y", "123.!!!", parts[0]}) {
            assertFalse(at(NOW, "session-key-one").valid("admin", broken), String.valueOf(broken));
        }
        assertFalse(at(NOW, "session-key-one").valid(null, token), "nobody signed in");
        // any other character anywhere in the signature, the last one included (its 2 unused bits too)
        String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
        int start = token.indexOf('.') + 1;
        for (int i = start; i < token.length(); i++) {
            for (char c : alphabet.toCharArray()) {
                if (c != token.charAt(i)) {
                    String changed = token.substring(0, i) + c + token.substring(i + 1);
                    assertFalse(at(NOW, "session-key-one").valid("admin", changed), changed);
                }
            }
        }
    }

    @Test
    void withoutASessionKeyEachStartHasItsOwnRandomKey() {
        CsrfTokens one = new CsrfTokens(Optional.empty(), Clock.systemUTC());
        CsrfTokens two = new CsrfTokens(Optional.empty(), Clock.systemUTC());
        String token = one.issue("admin");
        assertTrue(one.valid("admin", token));
        assertFalse(two.valid("admin", token));
    }
}
