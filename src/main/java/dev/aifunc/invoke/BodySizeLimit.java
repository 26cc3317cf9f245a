package dev.aifunc.invoke;

import dev.aifunc.problem.EarlyAnswers;
import dev.aifunc.problem.Problem;
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
 * Bodies sent without a length (chunked, or HTTP/2 without the header) are cut off by the HTTP layer at 64 MiB and
 * refused by the endpoint once read.
 */
@ApplicationScoped
public class BodySizeLimit {

    private static final Pattern INVOKE = Pattern.compile("^/api/scenarios/([^/]+)/invoke(-batch)?/?$");

    private final long maxBytes;
    private final InvokeService invoke;
    private final ScenarioRuntimes runtimes;
    private final dev.aifunc.task.TaskRegistry tasks;

    public BodySizeLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") io.quarkus.runtime.configuration.MemorySize max,
                         InvokeService invoke, ScenarioRuntimes runtimes, dev.aifunc.task.TaskRegistry tasks) {
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
        } catch (dev.aifunc.problem.ProblemException unknown) {
            image = true; // the largest invoke limit: the endpoint answers 404 or 409 after reading at most this
        }
        return invoke.maxBodyBytes(image);
    }

    void install(@Observes Router router) {
        router.route().order(-100).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
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
