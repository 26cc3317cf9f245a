package dev.aifunc.invoke;

import dev.aifunc.problem.Problem;
import io.vertx.core.json.Json;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a request whose {@code Content-Length} is over {@code quarkus.http.limits.max-body-size} before its body
 * is read, with a 413 problem+json that names the limit (the HTTP layer's own 413 has no body). Bodies sent
 * without a length (chunked) are still cut off by the HTTP layer at the same limit.
 */
@ApplicationScoped
public class BodySizeLimit {

    private final long maxBytes;

    public BodySizeLimit(@ConfigProperty(name = "quarkus.http.limits.max-body-size") io.quarkus.runtime.configuration.MemorySize max) {
        this.maxBytes = max.asLongValue();
    }

    void install(@Observes Router router) {
        router.route().order(-100).handler(ctx -> {
            String length = ctx.request().getHeader("Content-Length");
            if (length != null) {
                try {
                    if (Long.parseLong(length.strip()) > maxBytes) {
                        Problem problem = new Problem("about:blank", "Content Too Large", 413,
                                "The request body has " + length.strip() + " bytes; the limit is " + maxBytes + ".",
                                ctx.request().path(), "(body)", maxBytes + " bytes", null);
                        String accept = ctx.request().getHeader("Accept");
                        if (ctx.request().path().startsWith("/admin") && accept != null && accept.contains("text/html")) {
                            // a person in the portal: a page in words, not JSON (the portal's Qute pages are not
                            // reachable from this layer)
                            ctx.response().setStatusCode(413).putHeader("Content-Type", "text/html; charset=utf-8")
                                    .putHeader("Connection", "close")
                                    .end("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>File too large"
                                            + " · aifunc</title></head><body style=\"font-family:system-ui,sans-serif;margin:2rem\">"
                                            + "<h1>The file is too large</h1><p id=\"error-detail\">It has " + length.strip()
                                            + " bytes; the limit is " + maxBytes + " bytes (" + (maxBytes >> 20) + " MiB).</p>"
                                            + "<p>Go back and choose a smaller file, or split it.</p>"
                                            + "<p><a href=\"/admin\">Back to the scenarios</a></p></body></html>");
                            return;
                        }
                        ctx.response().setStatusCode(413)
                                .putHeader("Content-Type", "application/problem+json")
                                .putHeader("Connection", "close")
                                .end(Json.encode(problem));
                        return;
                    }
                } catch (NumberFormatException e) {
                    // malformed length: let the HTTP layer answer 400
                }
            }
            ctx.next();
        });
    }
}
