package dev.aifunc.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/** The failure buckets and the bound on password checks, without HTTP. */
class SignInThrottleTest {

    private static SignInThrottle throttle(int account, int client, Duration window, int checks) {
        return new SignInThrottle(new SignInThrottle.Config() {
            public int accountFailures() { return account; }
            public int clientFailures() { return client; }
            public Duration window() { return window; }
            public int concurrentChecks() { return checks; }
        });
    }

    @Test
    void anAccountIsLockedAfterItsFailuresWhateverTheClient() {
        SignInThrottle t = throttle(3, 100, Duration.ofMinutes(15), 1);
        assertNull(t.failed("admin", "10.0.0.1"));
        assertNull(t.failed("admin", "10.0.0.2"));
        SignInThrottle.Lock lock = t.failed("admin", "10.0.0.3");
        assertNotNull(lock, "the third failure locks the account");
        assertEquals("account 'admin'", lock.what());
        // one failure refills every 5 minutes
        assertTrue(lock.retryAfterSeconds() > 290 && lock.retryAfterSeconds() <= 301, "" + lock.retryAfterSeconds());
        assertNotNull(t.lock("admin", "10.9.9.9"), "locked from any address");
        assertNull(t.lock("other", "10.9.9.9"), "other accounts are not");
    }

    @Test
    void aClientIsLockedAfterItsFailuresWhateverTheAccount() {
        SignInThrottle t = throttle(100, 2, Duration.ofMinutes(15), 1);
        assertNull(t.failed("a", "10.0.0.1"));
        SignInThrottle.Lock lock = t.failed("b", "10.0.0.1");
        assertEquals("client 10.0.0.1", lock.what());
        assertNotNull(t.lock("c", "10.0.0.1"));
        assertNull(t.lock("c", "10.0.0.2"));
    }

    @Test
    void aLockEndsWhenAFailureRefills() throws InterruptedException {
        SignInThrottle t = throttle(1, 100, Duration.ofMillis(1500), 1);
        assertNotNull(t.failed("admin", null));
        Thread.sleep(1700);
        assertNull(t.lock("admin", null));
    }

    @Test
    void passwordChecksBeyondTheBoundWaitThenGiveUp() throws Exception {
        SignInThrottle t = throttle(10, 10, Duration.ofMinutes(1), 1);
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Thread first = new Thread(() -> {
            try {
                t.check(() -> {
                    running.countDown();
                    try {
                        release.await();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        first.start();
        running.await();
        long t0 = System.nanoTime();
        assertFalse(t.check(() -> { }), "no place while the first check runs");
        assertTrue((System.nanoTime() - t0) / 1_000_000 >= 1_900, "it waited about 2 s");
        release.countDown();
        first.join();
        assertTrue(t.check(() -> { }));
    }
}
