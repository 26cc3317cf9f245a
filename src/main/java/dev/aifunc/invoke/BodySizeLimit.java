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
