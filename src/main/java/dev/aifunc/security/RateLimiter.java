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

        /** Bucket stores. */
        enum Store { LOCAL, POSTGRESQL }
    }

    private final Config config;
    private final Instance<AgroalDataSource> dataSource;
    private final Map<String, Bucket> local = new ConcurrentHashMap<>();
    private volatile ProxyManager<Long> shared;

    public RateLimiter(Config config, Instance<AgroalDataSource> dataSource) {
        this.config = config;
        this.dataSource = dataSource;
    }

    /**
     * Counts one call of the caller's key.
     *
     * @throws ProblemException 429 with {@code Retry-After} when the key is over its rate or its daily quota
     */
    public void consume(Caller caller, RoutingContext context) {
        if (caller.keyId() == null) {
            return; // admins are not limited
        }
        Double rate = caller.ratePerSecond() != null ? caller.ratePerSecond() : config.requestsPerSecond().orElse(null);
        if (rate != null) {
            int burst = caller.burst() != null ? caller.burst()
                    : config.burst().orElse((int) Math.max(1, Math.ceil(rate)));
            Bucket bucket = bucket(caller.keyId(), "rate", "rate/" + rate + "/" + burst, rateConfiguration(rate, burst));
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            if (!probe.isConsumed()) {
                int wait = seconds(probe.getNanosToWaitForRefill());
                throw headers(ProblemException.tooManyRequests("API key " + caller.keyId() + " is over its rate "
                        + "limit of " + format(rate) + " requests per second (burst " + burst + "); retry in " + wait
                        + " s.", format(rate) + " requests per second, burst " + burst, wait), burst, 0, wait);
            }
            if (caller.dailyQuota() == null) {
                set(context, burst, probe.getRemainingTokens(), seconds(probe.getNanosToWaitForReset()));
                return;
            }
        }
        if (caller.dailyQuota() != null) {
            long quota = caller.dailyQuota();
            Bucket bucket = bucket(caller.keyId(), "day", "day/" + quota + "/" + LocalDate.now(ZoneOffset.UTC),
                    quotaConfiguration(quota));
            ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(1);
            int untilMidnight = seconds(Duration.between(java.time.Instant.now(), nextUtcMidnight()).toNanos());
            if (!probe.isConsumed()) {
                throw headers(ProblemException.tooManyRequests("API key " + caller.keyId() + " has used its daily "
                        + "quota of " + quota + " calls; it renews at 00:00 UTC, in " + untilMidnight + " s.",
                        quota + " calls per UTC day", untilMidnight), quota, 0, untilMidnight);
            }
            set(context, quota, probe.getRemainingTokens(), untilMidnight);
        }
    }

    /** The key's bucket of this kind; {@code variant} names the limits, so changed defaults make a new bucket. */
    private Bucket bucket(String keyId, String kind, String variant, BucketConfiguration configuration) {
        if (config.store() == Config.Store.POSTGRESQL) {
            long id = Long.parseLong(keyId.substring(2), 16) * 2 + ("day".equals(kind) ? 1 : 0);
            return shared().builder().build(id, () -> configuration);
        }
        return local.computeIfAbsent(keyId + "/" + variant,
                k -> Bucket.builder().addLimit(configuration.getBandwidths()[0]).build());
    }

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

    private static String format(double rate) {
        return java.math.BigDecimal.valueOf(rate).stripTrailingZeros().toPlainString();
    }
}
