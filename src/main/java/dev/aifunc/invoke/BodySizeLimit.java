package dev.aifunc.invoke;

import dev.aifunc.problem.EarlyAnswers;
import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.task.TaskRegistry;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a request whose {@code Content-Length} is over its limit before its body is read, with a 413
 * problem+json that names the limit (the HTTP layer's own 413 has no body) and the connection closed. The limit is
 * {@code quarkus.http.limits.max-body-size} (64 MiB), and for invoke calls the smaller one of the endpoint
 * ({@link InvokeService#maxBodyBytes}: 1 MiB, about 28 MB for image templates and for an unknown scenario;
 * invoke-batch 8 MiB), so that the calls in progress ({@code aifunc.invoke.max-in-flight}) cannot hold 64 MiB each.
 * An invoke body sent without a length (chunked, or HTTP/2 without the header) is counted as it arrives and cut
 * with 413 at the same limit (read first, 16 chunked 62 MB uploads ran a 2.5 GiB replica out of heap in a newcomer
 * check). Other requests without a length are cut off by the HTTP layer at 64 MiB.
 */
@ApplicationScoped
public class BodySizeLimit {

    /** The invoke endpoints' paths (normalized): group 1 the scenario id, group 2 "-batch" for invoke-batch. */
    static final Pattern INVOKE = Pattern.compile("^/api/scenarios/([^/]+)/invoke(-batch)?/?$");
    /** Routing-context key: the bytes {@link InFlightLimit} charges for a body sent without a length. */
    static final String CHARGED_BYTES = BodySizeLimit.class.getName() + ".charged";
    private static final long WATCH_MS = 10;

    private final long maxBytes;
    private final InvokeService invoke;
    private final ScenarioRuntimes runtimes;
    private final TaskRegistry tasks;

    public BodySizeLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") io.quarkus.runtime.configuration.MemorySize max,
                         InvokeService invoke, ScenarioRuntimes runtimes, TaskRegistry tasks) {
        this.maxBytes = max.asLongValue();
        this.invoke = invoke;
        this.runtimes = runtimes;
        this.tasks = tasks;
    }

    /** The body limit of an invoke call on this path in bytes, or -1 when the path is not an invoke call. */
    private long invokeLimit(String method, String path) {
        Matcher m = INVOKE.matcher(path);
        if (!method.equals("POST") || !m.matches()) {
            return -1;
        }
        if (m.group(2) != null) {
            return invoke.maxBatchBodyBytes();
        }
        boolean image;
        try {
            image = tasks.takesImage(runtimes.template(m.group(1)).task());
        } catch (ProblemException unknown) {
            image = true; // the largest invoke limit: the endpoint answers 404 or 409 after reading at most this
        }
        return invoke.maxBodyBytes(image);
    }

    void install(@Observes Router router) {
        router.route().order(-100).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length == null && !ctx.request().isEnded() && hasBody(ctx.request())) {
                long limit = invokeLimit(ctx.request().method().name(), ctx.normalizedPath());
                if (limit >= 0) {
                    watch(ctx, limit);
                }
            }
            if (length != null) {
                try {
                    long bytes = Long.parseLong(length.strip());
                    long invokeLimit = bytes > 0 ? invokeLimit(ctx.request().method().name(), ctx.normalizedPath()) : -1;
                    long limit = invokeLimit >= 0 ? Math.min(invokeLimit, maxBytes) : maxBytes;
                    if (bytes > limit) {
                        refuse(ctx, bytes, limit);
                        return;
                    }
                } catch (NumberFormatException e) {
                    // malformed length: let the HTTP layer answer 400
                }
            }
            ctx.next();
        });
    }

    /**
     * A body without a length is counted as it arrives (every {@value #WATCH_MS} ms) and cut with 413 once it has
     * more bytes than its limit: HTTP/1.1 closes the connection, HTTP/2 drops the rest of the stream's body.
     * {@link InFlightLimit} charges it at that limit.
     */
    private static void watch(RoutingContext ctx, long limit) {
        ctx.put(CHARGED_BYTES, limit);
        HttpServerRequest request = ctx.request();
        long timer = ctx.vertx().setPeriodic(WATCH_MS, id -> {
            if (request.isEnded() || ctx.response().ended() || ctx.response().closed()) {
                ctx.vertx().cancelTimer(id);
            } else if (request.bytesRead() > limit) {
                ctx.vertx().cancelTimer(id);
                EarlyAnswers.cutOff(ctx, new Problem("about:blank", "Content Too Large", 413, "The request body has "
                        + "more than " + limit + " bytes (sent without Content-Length, counted as it arrived); the "
                        + "limit is " + limit + ".", request.path(), "(body)", limit + " bytes", null));
            }
        });
        ctx.addEndHandler(done -> ctx.vertx().cancelTimer(timer));
    }

    /** Whether the request says a body follows: chunked (HTTP/1.1), or any request on HTTP/2 whose stream is open. */
    private static boolean hasBody(HttpServerRequest request) {
        return request.version() == HttpVersion.HTTP_2 || request.getHeader("Transfer-Encoding") != null;
    }

    /** 413 in words for a person in the portal, else problem+json; the unread body is not waited for. */
    private static void refuse(RoutingContext ctx, long bytes, long limit) {
        String accept = ctx.request().getHeader("Accept");
        if (ctx.request().path().startsWith("/admin") && accept != null && accept.contains("text/html")) {
            // the portal's Qute pages are not reachable from this layer
            EarlyAnswers.send(ctx, 413, "text/html; charset=utf-8", "<!DOCTYPE html><html lang=\"en\"><head>"
                    + "<meta charset=\"utf-8\"><title>File too large · aifunc</title></head>"
                    + "<body style=\"font-family:system-ui,sans-serif;margin:2rem\">"
                    + "<h1>The file is too large</h1><p id=\"error-detail\">It has " + bytes
                    + " bytes; the limit is " + limit + " bytes (" + (limit >> 20) + " MiB).</p>"
                    + "<p>Go back and choose a smaller file, or split it.</p>"
                    + "<p><a href=\"/admin\">Back to the scenarios</a></p></body></html>");
            return;
        }
        EarlyAnswers.problem(ctx, new Problem("about:blank", "Content Too Large", 413,
                "The request body has " + bytes + " bytes; the limit is " + limit + ".",
                ctx.request().path(), "(body)", limit + " bytes", null));
    }
}
