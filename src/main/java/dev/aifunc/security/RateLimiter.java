package dev.aifunc.security;

import dev.aifunc.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per-key rate limit (token bucket: a sustained rate in requests per second and a burst) and optional daily quota
 * (calls per UTC day, reset at midnight UTC), with Bucket4j. Over a limit: 429 with {@code Retry-After} and
 * {@code RateLimit-Limit}/{@code -Remaining}/{@code -Reset} (IETF draft-ietf-httpapi-ratelimit-headers); answered
 * calls carry the same headers.
 *
 * <p>{@code aifunc.rate-limit.store=local} (default) keeps the buckets in this process: each replica enforces
 * the limits on its own, so N replicas behind a balancer allow up to N times the rate. {@code postgresql}
 * keeps them in the table {@code rate_limit_bucket} (Bucket4j's SELECT … FOR UPDATE proxy), exact across
 * replicas at the cost of two small transactions per call.
 */
@ApplicationScoped
public class RateLimiter {

    /** {@code aifunc.rate-limit.*}. */
    @ConfigMapping(prefix = "aifunc.rate-limit")
    public interface Config {
        /** Where the buckets live: {@code local} (per replica) or {@code postgresql} (shared). */
        @WithDefault("local")
        Store store();

        /** Rate for keys that set none, requests per second; absent: such keys are not rate-limited. */
        Optional<Double> requestsPerSecond();

        /** Burst for keys that set none; absent: the rate rounded up (at least 1). */
        Optional<Integer> burst();

        /**
         * Calls one API key may have in progress at once on a replica (invoke, invoke-batch, events); one more gets
         * 429 with {@code Retry-After: 1}. Bounds what a key can take of the machine whatever each call costs (a
         * 36-megapixel image, a 1 MiB similarity call). 0 turns the bound off.
         */
        @WithDefault("8")
        int maxConcurrentCalls();

        /** Bucket stores. */
        enum Store { LOCAL, POSTGRESQL }
    }

    private final Config config;
    private final Instance<AgroalDataSource> dataSource;
    private final Map<String, Bucket> local = new ConcurrentHashMap<>();
    private final Map<String, java.util.concurrent.atomic.AtomicInteger> inProgress = new ConcurrentHashMap<>();
    private volatile ProxyManager<Long> shared;

    public RateLimiter(Config config, Instance<AgroalDataSource> dataSource) {
        this.config = config;
        this.dataSource = dataSource;
    }

    /**
     * Counts a call of the caller's key as in progress until its response ends (or its connection closes).
     *
     * @throws ProblemException 429 with {@code Retry-After: 1} when the key already has
     *                          {@code aifunc.rate-limit.max-concurrent-calls} calls in progress here
     */
    public void enter(Caller caller, RoutingContext context) {
        int limit = config.maxConcurrentCalls();
        if (caller.keyId() == null || limit <= 0) {
            return;
        }
        java.util.concurrent.atomic.AtomicInteger count = inProgress.computeIfAbsent(caller.keyId(),
                k -> new java.util.concurrent.atomic.AtomicInteger());
        if (count.incrementAndGet() > limit) {
            count.decrementAndGet();
            throw ProblemException.tooManyRequests("API key " + caller.keyId() + " already has " + limit
                    + " calls in progress on this replica; wait for one to finish "
                    + "(aifunc.rate-limit.max-concurrent-calls).", limit + " calls in progress", 1);
        }
        context.addEndHandler(done -> count.decrementAndGet());
    }

    /**
     * Counts {@code calls} calls of the caller's key (1, or the inputs of a batch).
     *
     * @throws ProblemException 429 with {@code Retry-After} (the longer wait when both limits are out) when the key
     *                          is over its rate or its daily quota; 422 for a batch larger than the key's burst
     *                          or quota, which no wait would let through
     */
    public void consume(Caller caller, RoutingContext context, int calls) {
        if (caller.keyId() == null) {
            return; // admin accounts, the operator's admin key and auth off are not limited
        }
        Double rate = caller.ratePerSecond() != null ? caller.ratePerSecond() : config.requestsPerSecond().orElse(null);
        Long quota = caller.dailyQuota();
        int burst = rate == null ? 0 : caller.burst() != null ? caller.burst()
                : config.burst().orElse((int) Math.max(1, Math.ceil(rate)));
        if (rate != null && calls > burst) {
            throw ProblemException.unprocessable("A batch of " + calls + " inputs is more than API key "
                    + caller.keyId() + " may send at once (burst " + burst + "); send at most " + burst
                    + " inputs per batch.", "inputs", "burst " + burst);
        }
        if (quota != null && calls > quota) {
            throw ProblemException.unprocessable("A batch of " + calls + " inputs is more than API key "
                    + caller.keyId() + "'s daily quota of " + quota + ".", "inputs", quota + " calls per UTC day");
        }
        Bucket rateBucket = rate == null ? null
                : bucket(caller.keyId(), "rate", rate + "/" + burst, () -> rateConfiguration(rate, burst));
        Bucket quotaBucket = quota == null ? null : bucket(caller.keyId(), "day",
                quota + "/" + LocalDate.now(ZoneOffset.UTC), () -> quotaConfiguration(quota));
        int untilMidnight = seconds(Duration.between(java.time.Instant.now(), nextUtcMidnight()).toNanos());

        ConsumptionProbe rateProbe = rateBucket == null ? null : rateBucket.tryConsumeAndReturnRemaining(calls);
        if (rateProbe != null && !rateProbe.isConsumed()) {
            int wait = seconds(rateProbe.getNanosToWaitForRefill());
            if (quotaBucket != null && quotaBucket.getAvailableTokens() < calls) {
                // both are out: the longer wait (the quota's, except just before midnight)
                throw quotaExceeded(caller.keyId(), quota, Math.max(untilMidnight, wait));
            }
            throw headers(ProblemException.tooManyRequests("API key " + caller.keyId() + " is over its rate limit of "
                    + plural(rate, "request") + " per second (burst " + burst + "); retry in " + wait + " s.",
                    plural(rate, "request") + " per second, burst " + burst, wait), burst, 0, wait);
        }
        ConsumptionProbe quotaProbe = quotaBucket == null ? null : quotaBucket.tryConsumeAndReturnRemaining(calls);
        if (quotaProbe != null && !quotaProbe.isConsumed()) {
            if (rateBucket != null) {
                rateBucket.addTokens(calls); // the call is refused: it does not use up the rate either
            }
            throw quotaExceeded(caller.keyId(), quota, untilMidnight);
        }
        // the headers describe the limit closest to running out
        if (quotaProbe != null && (rateProbe == null || quotaProbe.getRemainingTokens() <= rateProbe.getRemainingTokens())) {
            set(context, quota, quotaProbe.getRemainingTokens(), untilMidnight);
        } else if (rateProbe != null) {
            set(context, burst, rateProbe.getRemainingTokens(), seconds(rateProbe.getNanosToWaitForReset()));
        }
    }

    private static ProblemException quotaExceeded(String keyId, long quota, int untilMidnight) {
        return headers(ProblemException.tooManyRequests("API key " + keyId + " has used its daily quota of "
                + plural(quota, "call") + "; it renews at 00:00 UTC, in " + untilMidnight + " s.",
                plural(quota, "call") + " per UTC day", untilMidnight), quota, 0, untilMidnight);
    }

    /**
     * The key's bucket of this kind ({@code rate} or {@code day}). {@code limits} names the limits (and the day), so
     * changed defaults or a new day make a new local bucket; the configuration is built only for a new bucket.
     */
    private Bucket bucket(String keyId, String kind, String limits,
                          java.util.function.Supplier<BucketConfiguration> configuration) {
        // while the database does not answer, the replica counts on its own rather than wait for it
        if (config.store() == Config.Store.POSTGRESQL && database.available()) {
            long id = Long.parseLong(keyId.substring(2), 16) * 2 + ("day".equals(kind) ? 1 : 0);
            return shared().builder().build(id, configuration);
        }
        String name = keyId + "/" + kind + "/" + limits;
        Bucket bucket = local.get(name);
        if (bucket == null) {
            // a new day (or new limits): the key's older buckets of this kind are done with
            local.keySet().removeIf(k -> k.startsWith(keyId + "/" + kind + "/") && !k.equals(name));
            bucket = local.computeIfAbsent(name,
                    k -> Bucket.builder().addLimit(configuration.get().getBandwidths()[0]).build());
        }
        return bucket;
    }

    @jakarta.inject.Inject
    dev.aifunc.db.DatabaseStatus database;

    private ProxyManager<Long> shared() {
        ProxyManager<Long> manager = shared;
        if (manager == null) {
            synchronized (this) {
                if (shared == null) {
                    shared = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource.get())
                            .table("rate_limit_bucket").build();
                }
                manager = shared;
            }
        }
        return manager;
    }

    /** Greedy refill of one token every 1/rate seconds, up to burst tokens. */
    static BucketConfiguration rateConfiguration(double rate, int burst) {
        return BucketConfiguration.builder().addLimit(Bandwidth.builder().capacity(burst)
                .refillGreedy(1, Duration.ofNanos(Math.max(1, (long) (1e9 / rate)))).build()).build();
    }

    /** The whole quota back at each midnight UTC. */
    static BucketConfiguration quotaConfiguration(long quota) {
        return BucketConfiguration.builder().addLimit(Bandwidth.builder().capacity(quota)
                .refillIntervallyAligned(quota, Duration.ofDays(1), nextUtcMidnight()).build()).build();
    }

    private static java.time.Instant nextUtcMidnight() {
        return LocalDate.now(ZoneOffset.UTC).plusDays(1).atStartOfDay(ZoneOffset.UTC).toInstant();
    }

    private static ProblemException headers(ProblemException e, long limit, long remaining, int reset) {
        return e.withHeader("RateLimit-Limit", String.valueOf(limit))
                .withHeader("RateLimit-Remaining", String.valueOf(remaining))
                .withHeader("RateLimit-Reset", String.valueOf(reset));
    }

    private static void set(RoutingContext context, long limit, long remaining, int reset) {
        context.response().headers().set("RateLimit-Limit", String.valueOf(limit))
                .set("RateLimit-Remaining", String.valueOf(remaining))
                .set("RateLimit-Reset", String.valueOf(reset));
    }

    private static int seconds(long nanos) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (nanos + 999_999_999L) / 1_000_000_000L));
    }

    /** {@code 1 request}, {@code 0.5 requests}, {@code 20 calls}. */
    private static String plural(double amount, String unit) {
        return java.math.BigDecimal.valueOf(amount).stripTrailingZeros().toPlainString() + " " + unit
                + (amount == 1 ? "" : "s");
    }
}
