package dev.aifunc.invoke;

import dev.aifunc.problem.Problem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Back-pressure at the door: counts the invoke and invoke-batch calls in progress on this replica (from the moment
 * the request arrives on the event loop until its response ends or its connection closes) and refuses one more than
 * {@code aifunc.invoke.max-in-flight} at once with 503 problem+json and {@code Retry-After: 1}. Without it, a flood
 * queues for the worker threads and every caller waits seconds; with it, the calls let in keep their usual latency
 * and the others know at once to come back. The bodies of those calls are bounded too: their announced lengths may
 * add up to {@code aifunc.invoke.max-body-bytes-in-flight} (64 MiB; one call alone may always use its own limit),
 * so that many large image bodies cannot fill the heap (a body without a length is charged at its limit, which
 * {@link BodySizeLimit} enforces as it arrives). Metrics: {@code aifunc_invoke_in_flight}, {@code aifunc_invoke_refused_total}.
 */
@ApplicationScoped
public class InFlightLimit {

    private final int limit;
    private final long maxBodyBytes;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicLong bodyBytes = new AtomicLong();
    private final Counter refused;

    public InFlightLimit(InvokeConfig config, MeterRegistry metrics) {
        this.limit = config.maxInFlight();
        this.maxBodyBytes = config.maxBodyBytesInFlight();
        Gauge.builder("aifunc.invoke.in.flight", inFlight, AtomicInteger::get)
                .description("Invoke calls in progress on this replica").register(metrics);
        this.refused = Counter.builder("aifunc.invoke.refused")
                .description("Invoke calls refused with 503 because aifunc.invoke.max-in-flight calls or "
                        + "aifunc.invoke.max-body-bytes-in-flight bytes of bodies were in progress")
                .register(metrics);
    }

    private void refuse(RoutingContext ctx, String detail, String limitText) {
        refused.increment();
        Problem problem = new Problem("about:blank", "Service Unavailable", 503, detail, ctx.request().path(), null,
                limitText, null);
        ctx.response().setStatusCode(503).putHeader("Content-Type", "application/problem+json")
                .putHeader("Retry-After", "1").end(Json.encode(problem));
    }

    /** The {@code Content-Length} in bytes; 0 when absent or not a number (the HTTP layer refuses the latter). */
    private static long announcedBytes(String length) {
        try {
            return length == null ? 0 : Math.max(0, Long.parseLong(length.strip()));
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    void install(@Observes Router router) {
        router.route().order(-99).handler(ctx -> {
            if (!ctx.request().method().name().equals("POST") || !BodySizeLimit.INVOKE.matcher(ctx.normalizedPath()).matches()) {
                ctx.next();
                return;
            }
            if (inFlight.incrementAndGet() > limit) {
                inFlight.decrementAndGet();
                refuse(ctx, limit + " calls are in progress on this replica, its limit (aifunc.invoke.max-in-flight); "
                        + "retry in a second.", limit + " calls in progress");
                return;
            }
            Long charged = ctx.get(BodySizeLimit.CHARGED_BYTES);
            long bytes = charged != null ? charged : announcedBytes(ctx.request().getHeader("Content-Length"));
            long heldBefore = bodyBytes.getAndAdd(bytes);
            if (heldBefore > 0 && heldBefore + bytes > maxBodyBytes) {
                bodyBytes.addAndGet(-bytes);
                inFlight.decrementAndGet();
                refuse(ctx, "The invoke calls in progress on this replica hold " + heldBefore + " bytes of bodies; "
                        + "this one's " + bytes + " would go over " + maxBodyBytes + " (aifunc.invoke.max-body-bytes-in-flight); "
                        + "retry in a second.", maxBodyBytes + " bytes of bodies in progress");
                return;
            }
            ctx.addEndHandler(done -> {
                bodyBytes.addAndGet(-bytes);
                inFlight.decrementAndGet();
            });
            ctx.next();
        });
    }
}
