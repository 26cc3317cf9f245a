package dev.aifunc.invoke;

import dev.aifunc.problem.Problem;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Pattern;

/**
 * Back-pressure at the door: counts the invoke and invoke-batch calls in progress on this replica (from the moment
 * the request arrives on the event loop until its response ends or its connection closes) and refuses one more than
 * {@code aifunc.invoke.max-in-flight} at once with 503 problem+json and {@code Retry-After: 1}. Without it, a flood
 * queues for the worker threads and every caller waits seconds; with it, the calls let in keep their usual latency
 * and the others know at once to come back. Metrics: {@code aifunc_invoke_in_flight},
 * {@code aifunc_invoke_refused_total}.
 */
@ApplicationScoped
public class InFlightLimit {

    private static final Pattern INVOKE = Pattern.compile("^/api/scenarios/[^/]+/invoke(-batch)?/?$");

    private final int limit;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final Counter refused;

    public InFlightLimit(InvokeConfig config, MeterRegistry metrics) {
        this.limit = config.maxInFlight();
        Gauge.builder("aifunc.invoke.in.flight", inFlight, AtomicInteger::get)
                .description("Invoke calls in progress on this replica").register(metrics);
        this.refused = Counter.builder("aifunc.invoke.refused")
                .description("Invoke calls refused with 503 because aifunc.invoke.max-in-flight were in progress")
                .register(metrics);
    }

    void install(@Observes Router router) {
        router.route().order(-99).handler(ctx -> {
            if (!ctx.request().method().name().equals("POST") || !INVOKE.matcher(ctx.normalizedPath()).matches()) {
                ctx.next();
                return;
            }
            if (inFlight.incrementAndGet() > limit) {
                inFlight.decrementAndGet();
                refused.increment();
                Problem problem = new Problem("about:blank", "Service Unavailable", 503, limit + " calls are in "
                        + "progress on this replica, its limit (aifunc.invoke.max-in-flight); retry in a second.",
                        ctx.request().path(), null, limit + " calls in progress", null);
                ctx.response().setStatusCode(503).putHeader("Content-Type", "application/problem+json")
                        .putHeader("Retry-After", "1").end(Json.encode(problem));
                return;
            }
            ctx.addEndHandler(done -> inFlight.decrementAndGet());
            ctx.next();
        });
    }
}
