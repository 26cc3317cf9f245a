package dev.aifunc.invoke;

import dev.aifunc.problem.EarlyAnswers;
import dev.aifunc.problem.Problem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.configuration.MemorySize;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Cuts off request bodies that arrive too slowly (slow-loris style "slow POST"): a body must be complete within
 * {@code aifunc.http.body-timeout} (20 s) plus one second for every {@code aifunc.http.body-min-rate} bytes received
 * (16 KiB, that is 128 kbit/s), the rule of Apache's mod_reqtimeout with a higher rate. A request over its deadline
 * gets 408 problem+json and is closed (HTTP/1.1: its connection, with {@code Connection: close}; HTTP/2: its stream
 * only), which frees its place under {@code aifunc.invoke.max-in-flight}. A body sent at 1 byte/s is cut after
 * 20 s; a 1 MiB invoke body is allowed 84 s, a 64 MiB upload about 68 minutes. HTTP/1.1 requests without a body
 * (no {@code Content-Length}, not chunked) are not timed; a {@code body-timeout} of 0 turns the check off. Metric:
 * {@code aifunc_http_body_timeouts_total}.
 * <p>
 * Not timed either: the two uploads read as a stream while they are processed (dataset {@code PUT} and
 * {@code POST .../evaluate}), whose bytes arrive only as fast as the service reads them; a client that stops
 * sending there fails the upload after {@code quarkus.http.read-timeout} (60 s) without a byte.
 */
@ApplicationScoped
public class BodyReadTimeout {

    /** The uploads whose body the endpoint reads as a stream while it works (DatasetResource, EvaluationResource). */
    private static final Pattern STREAMED = Pattern.compile("^/api/scenarios/[^/]+/(evaluate|datasets/[^/]+)/?$");

    private final long initialMs;
    private final long minBytesPerSecond;
    private final Counter cut;

    /**
     * @param initial the time every body gets (0 or less: no check)
     * @param minRate the bytes per second that earn one more second each
     */
    public BodyReadTimeout(@ConfigProperty(name = "aifunc.http.body-timeout", defaultValue = "20s") Duration initial,
                           @ConfigProperty(name = "aifunc.http.body-min-rate", defaultValue = "16K") MemorySize minRate,
                           MeterRegistry metrics) {
        this.initialMs = initial.toMillis();
        this.minBytesPerSecond = Math.max(1, minRate.asLongValue());
        this.cut = Counter.builder("aifunc.http.body.timeouts")
                .description("Requests cut off with 408 because their body arrived slower than aifunc.http.body-*")
                .register(metrics);
    }

    void install(@Observes Router router) {
        if (initialMs <= 0) {
            return;
        }
        router.route().order(-101).handler(ctx -> {
            HttpServerRequest request = ctx.request();
            boolean mayHaveBody = request.version() == HttpVersion.HTTP_2
                    || request.getHeader("Content-Length") != null || request.getHeader("Transfer-Encoding") != null;
            if (mayHaveBody && !request.isEnded() && !STREAMED.matcher(ctx.normalizedPath()).matches()) {
                long[] timer = {0};
                long start = System.nanoTime();
                timer[0] = ctx.vertx().setTimer(initialMs, id -> check(ctx, start, timer));
                ctx.addEndHandler(done -> ctx.vertx().cancelTimer(timer[0]));
            }
            ctx.next();
        });
        // the endpoint's own attempt to answer a request cut off (here or by BodySizeLimit) fails on the closed
        // response: nothing to log
        router.route().order(-101).failureHandler(ctx -> {
            if (!EarlyAnswers.wasCut(ctx)) {
                ctx.next();
            }
        });
    }

    /**
     * Whether the whole body is here: the request has ended, or as many bytes as {@code Content-Length} announced
     * were received (a request paused by a later handler is not "ended" until it is resumed, though its bytes are).
     */
    static boolean arrived(HttpServerRequest request) {
        if (request.isEnded()) {
            return true;
        }
        String length = request.getHeader("Content-Length");
        if (length == null) {
            return false;
        }
        try {
            return request.bytesRead() >= Long.parseLong(length.strip());
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** On the request's event loop: re-arms the timer while the body keeps to the rate, else answers 408. */
    private void check(RoutingContext ctx, long startNanos, long[] timer) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        if (arrived(request) || response.ended() || response.closed()) {
            return; // a body that has arrived is never slow, however long the endpoint then works on it
        }
        long allowedMs = initialMs + request.bytesRead() * 1000 / minBytesPerSecond;
        long elapsedMs = (System.nanoTime() - startNanos) / 1_000_000;
        if (elapsedMs < allowedMs) {
            timer[0] = ctx.vertx().setTimer(allowedMs - elapsedMs, id -> check(ctx, startNanos, timer));
            return;
        }
        cut.increment();
        EarlyAnswers.cutOff(ctx, new Problem("about:blank", "Request Timeout", 408, "The request body arrived too "
                + "slowly: " + request.bytesRead() + " bytes in " + elapsedMs + " ms. A body must arrive within "
                + initialMs + " ms plus 1 s per " + minBytesPerSecond + " bytes (aifunc.http.body-timeout, "
                + "aifunc.http.body-min-rate).", request.path(), "(body)",
                initialMs + " ms + 1 s per " + minBytesPerSecond + " bytes", null));
    }
}
