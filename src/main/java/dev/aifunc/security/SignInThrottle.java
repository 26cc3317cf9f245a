package dev.aifunc.security;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Limits what wrong passwords can cost. Failed sign-ins are counted per account and per client address (token
 * buckets: {@code failures} per {@code window}, refilled evenly); an account or address with none left is locked
 * until one refills, and its sign-ins are refused without a password check (API: 429 with {@code Retry-After}).
 * At most {@code concurrent-checks} bcrypt checks run at once; a sign-in that finds none free within 2 s gets 503,
 * so a flood of guesses from many addresses takes at most that many cores. Counters live in memory per replica
 * (bounded: the least recently used are dropped past 100,000), and reset on restart.
 *
 * <p>Behind a proxy, the client address is the proxy's unless {@code quarkus.http.proxy.proxy-address-forwarding}
 * is on with the proxy among {@code quarkus.http.proxy.trusted-proxies}.
 */
@ApplicationScoped
public class SignInThrottle {

    /** {@code aifunc.auth.sign-in.*}. */
    @ConfigMapping(prefix = "aifunc.auth.sign-in")
    public interface Config {
        /** Failed sign-ins an account may have per window before it is locked. */
        @WithDefault("10")
        int accountFailures();

        /** Failed sign-ins a client address may have per window before it is locked. */
        @WithDefault("30")
        int clientFailures();

        /** The window over which failures refill. */
        @WithDefault("15m")
        Duration window();

        /** Password (bcrypt) checks that may run at once; 0 means one per two cores, at least one. */
        @WithDefault("0")
        int concurrentChecks();
    }

    /** A refused sign-in: locked until {@code retryAfterSeconds} have passed, because of {@code what}. */
    public record Lock(String what, long retryAfterSeconds) {
    }

    private final Config config;
    private final Cache<String, Bucket> buckets = Caffeine.newBuilder().maximumSize(100_000)
            .expireAfterAccess(Duration.ofHours(2)).build();
    private final Semaphore checks;

    public SignInThrottle(Config config) {
        this.config = config;
        int n = config.concurrentChecks() > 0 ? config.concurrentChecks()
                : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        this.checks = new Semaphore(n, true);
    }

    /** The lock on this account or this client, or null when both may try. */
    public Lock lock(String account, String client) {
        Lock a = account == null ? null : lockOf("account:" + account, "account '" + account + "'");
        return a != null ? a : client == null ? null : lockOf("client:" + client, "client " + client);
    }

    /**
     * Counts a failed sign-in against the account and the client.
     *
     * @return the lock that this failure started, or null
     */
    public Lock failed(String account, String client) {
        if (account != null) {
            bucket("account:" + account).tryConsume(1);
        }
        if (client != null) {
            bucket("client:" + client).tryConsume(1);
        }
        return lock(account, client); // sign-ins are refused while locked, so a lock seen here has just started
    }

    /**
     * Runs a password check when a place is free.
     *
     * @return false when no place freed up within 2 s (the check did not run)
     */
    public boolean check(Runnable passwordCheck) throws InterruptedException {
        if (!checks.tryAcquire(2, TimeUnit.SECONDS)) {
            return false;
        }
        try {
            passwordCheck.run();
            return true;
        } finally {
            checks.release();
        }
    }

    private Lock lockOf(String key, String what) {
        Bucket bucket = buckets.getIfPresent(key);
        if (bucket == null || bucket.getAvailableTokens() >= 1) {
            return null;
        }
        long nanos = bucket.estimateAbilityToConsume(1).getNanosToWaitForRefill();
        return new Lock(what, Math.max(1, TimeUnit.NANOSECONDS.toSeconds(nanos) + 1));
    }

    private Bucket bucket(String key) {
        int capacity = key.startsWith("account:") ? config.accountFailures() : config.clientFailures();
        return buckets.get(key, k -> Bucket.builder().addLimit(Bandwidth.builder().capacity(capacity)
                .refillGreedy(capacity, config.window()).build()).build());
    }
}
