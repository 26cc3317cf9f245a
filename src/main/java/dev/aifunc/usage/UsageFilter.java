package dev.aifunc.usage;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.time.Instant;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Hands every answered {@code POST /api/scenarios/{id}/invoke} and {@code /invoke-batch} to the
 * {@link UsageRecorder}: scenario, the version from {@code X-Scenario-Version}, status, time in the service (ms, from
 * the request filter to the response filter) and the body size from {@code Content-Length} (0 when the body was
 * chunked) and the API key; calls refused before they reached the scenario (401, 403), and calls on ids no
 * scenario can have, are not recorded. Every call is counted in the Micrometer timer
 * {@code aifunc_invoke_seconds} (Prometheus at {@code /q/metrics}) with the tags {@code scenario}, {@code endpoint} and {@code status} ({@code 2xx}, {@code 4xx}, ...).
 */
public class UsageFilter {

    private static final Pattern INVOKE = Pattern.compile("^/api/scenarios/([^/]+)/invoke(-batch)?/?$");
    private static final String STARTED = "aifunc.usage.started";
    private static final String ARRIVED = "aifunc.usage.arrived";

    @Inject
    UsageRecorder recorder;

    @Inject
    io.micrometer.core.instrument.MeterRegistry metrics;

    /** Notes when an invoke call arrived (wall clock for the record, nanoTime for its duration). */
    @ServerRequestFilter(preMatching = true)
    public void arrived(ContainerRequestContext request) {
        if ("POST".equals(request.getMethod()) && INVOKE.matcher(request.getUriInfo().getPath()).matches()) {
            request.setProperty(STARTED, System.nanoTime());
            request.setProperty(ARRIVED, Instant.now());
        }
    }

    /** Records the answered call and times it in the metrics; other requests pass untouched. */
    @ServerResponseFilter
    public void answered(ContainerRequestContext request, ContainerResponseContext response,
                         io.vertx.ext.web.RoutingContext context) {
        Object started = request.getProperty(STARTED);
        if (!(started instanceof Long t0)) {
            return;
        }
        Matcher m = INVOKE.matcher(request.getUriInfo().getPath());
        if (!m.matches()) {
            return;
        }
        Integer version = null;
        Object header = response.getHeaders().getFirst("X-Scenario-Version");
        if (header != null) {
            try {
                version = Integer.valueOf(header.toString());
            } catch (NumberFormatException e) {
                version = null;
            }
        }
        long bytes = Math.max(0, request.getLength());
        long nanos = System.nanoTime() - t0;
        String scenario;
        Object who = context.get(dev.aifunc.security.Caller.PROPERTY);
        if (who instanceof dev.aifunc.security.Caller c && dev.aifunc.security.WarmupCredential.ACTOR.equals(c.actor())) {
            return; // the service warming itself up after a start: no one's call
        }
        if (!(who instanceof dev.aifunc.security.Caller caller)) {
            // refused before the scenario was reached (no or a bad key, out of scope): not a call of the scenario,
            // and its id is whatever the caller typed, so it is no tag value either
            scenario = "(refused)";
        } else if (version == null && !m.group(1).matches(dev.aifunc.scenario.ScenarioDtos.ID_REGEX)) {
            // an id no scenario can have (too long, upper case, %-escapes...): the caller's typo, not a call of a
            // scenario, and no text to store (found by FuzzedRequestsTest: such ids were refused by the database)
            scenario = "(unknown)";
        } else {
            recorder.record(new UsageRecorder.Call(m.group(1), version, response.getStatus(), nanos / 1e6, bytes,
                    caller.keyId(), (Instant) request.getProperty(ARRIVED)));
            // an id that named no scenario is not a tag value (unknown ids would make one time series each); a 429
            // comes before the scenario is looked up, so its id is not known to be real either
            scenario = version != null ? m.group(1) : response.getStatus() == 404 ? "(unknown)"
                    : response.getStatus() == 429 ? "(rate-limited)" : m.group(1);
        }
        io.micrometer.core.instrument.Timer.builder("aifunc.invoke")
                .description("Invoke calls by scenario, endpoint and status class, time in the service")
                .tag("scenario", scenario).tag("endpoint", m.group(2) == null ? "invoke" : "invoke-batch")
                .tag("status", (response.getStatus() / 100) + "xx")
                .register(metrics).record(nanos, java.util.concurrent.TimeUnit.NANOSECONDS);
    }
}
