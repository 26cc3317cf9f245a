package dev.aifunc.problem;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a request from a web page of another site with 403 problem+json, as every other error is answered, just
 * before Quarkus' CORS filter (which refuses the same requests with an empty 403). A request is from another site
 * when its {@code Origin} differs from the scheme and {@code Host} it was sent to and is not among
 * {@code quarkus.http.cors.origins} (exact origins, or {@code /regular expressions/}); requests without
 * {@code Origin} (curl, SDKs, servers) and same-origin pages (the portal, Swagger UI) pass.
 */
@ApplicationScoped
public class CrossOriginRefusal {

    private final List<String> exact;
    private final List<Pattern> patterns;
    private final boolean any;

    public CrossOriginRefusal(@ConfigProperty(name = "quarkus.http.cors.origins") Optional<List<String>> origins) {
        List<String> all = origins.orElse(List.of()).stream().map(String::strip).filter(o -> !o.isEmpty()).toList();
        this.any = all.contains("*");
        this.exact = all.stream().filter(o -> !(o.length() > 1 && o.startsWith("/") && o.endsWith("/"))).toList();
        this.patterns = all.stream().filter(o -> o.length() > 1 && o.startsWith("/") && o.endsWith("/"))
                .map(o -> Pattern.compile(o.substring(1, o.length() - 1))).toList();
    }

    void install(@Observes Router router) {
        // Quarkus' CORS filter runs at order -300
        router.route().order(-310).handler(ctx -> {
            HttpServerRequest request = ctx.request();
            String origin = request.getHeader("Origin");
            if (origin == null || allowed(origin, request)) {
                ctx.next();
                return;
            }
            String shown = origin.length() > 100 ? origin.substring(0, 100) + "…" : origin;
            EarlyAnswers.problem(ctx, new Problem("about:blank", "Forbidden", 403, "Requests from web pages of "
                    + "other sites are refused (Origin " + shown.replaceAll("\\p{Cntrl}", "?") + "). Allow a browser "
                    + "app's origin with QUARKUS_HTTP_CORS_ORIGINS.", request.path(), "Origin", null, null));
        });
    }

    private boolean allowed(String origin, HttpServerRequest request) {
        if (any || exact.contains(origin) || patterns.stream().anyMatch(p -> p.matcher(origin).matches())) {
            return true;
        }
        String host = request.getHeader("Host");
        String scheme = request.isSSL() ? "https" : "http";
        String forwarded = request.getHeader("X-Forwarded-Proto");
        return host != null && (origin.equalsIgnoreCase(scheme + "://" + host)
                || (forwarded != null && origin.equalsIgnoreCase(forwarded.strip() + "://" + host)));
    }
}
