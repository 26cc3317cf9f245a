package dev.aifunc.problem;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Refuses, before any other handler, paths with matrix parameters ({@code /invoke;x=1}) with 400 problem+json
 * naming {@code (path)}: the REST layer drops them when it matches a resource, so the limits that recognise the
 * invoke endpoints by their path (in-flight calls, body sizes, body timeouts) would not see the call (found by a
 * newcomer check: 16 image bodies of 62 MB on {@code invoke;x=1} ran a 2.5 GiB replica out of heap). aifunc has no
 * use for matrix parameters. (A {@code %} not followed by two hex digits is refused by the HTTP layer before any
 * handler, with a 400 without a body.)
 */
@ApplicationScoped
public class RawPathGuard {

    void install(@Observes Router router) {
        router.route().order(-110).handler(ctx -> {
            String path = ctx.request().path();
            if (path == null || path.indexOf(';') < 0) {
                ctx.next();
                return;
            }
            EarlyAnswers.problem(ctx, new Problem("about:blank", "Bad Request", 400, "The path has a ';': matrix "
                    + "parameters are not supported; send options in the body or the query string.", null, "(path)",
                    null, null));
        });
    }
}
