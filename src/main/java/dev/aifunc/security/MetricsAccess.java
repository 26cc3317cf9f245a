package dev.aifunc.security;

import dev.aifunc.problem.EarlyAnswers;
import dev.aifunc.problem.Problem;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Who may read {@code /q/metrics}, which names every scenario and key id: with {@code Authorization: Bearer <token>}
 * where the token is {@code aifunc.metrics.token} (for a Prometheus scraper) or the operator's
 * {@code aifunc.auth.admin-key}; anyone when {@code aifunc.metrics.public=true} or the API is open
 * ({@code aifunc.auth.enabled=false}). Otherwise 401 problem+json. Health ({@code /q/health/*}) stays open: it shows
 * only states and counts, and probes call it without credentials.
 */
@ApplicationScoped
public class MetricsAccess {

    private final boolean open;
    private final Optional<String> token;
    private final Optional<String> adminKey;

    public MetricsAccess(@ConfigProperty(name = "aifunc.metrics.public", defaultValue = "false") boolean isPublic,
                         @ConfigProperty(name = "aifunc.metrics.token") Optional<String> token, AuthConfig auth) {
        this.open = isPublic || !auth.enabled();
        this.token = token.map(String::strip).filter(t -> !t.isEmpty());
        this.adminKey = auth.adminKey().map(String::strip).filter(t -> !t.isEmpty());
    }

    void install(@Observes Router router) {
        router.route("/q/metrics*").order(-250).handler(ctx -> {
            String authorization = ctx.request().getHeader("Authorization");
            String presented = authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)
                    ? authorization.substring(7).strip() : null;
            if (open || matches(presented, token) || matches(presented, adminKey)) {
                ctx.next();
                return;
            }
            ctx.response().putHeader("WWW-Authenticate", "Bearer realm=\"aifunc-metrics\"");
            EarlyAnswers.problem(ctx, new Problem("about:blank", "Unauthorized", 401, "The metrics name scenarios and "
                    + "keys: send Authorization: Bearer with aifunc.metrics.token (AIFUNC_METRICS_TOKEN) or the "
                    + "operator admin key, or set aifunc.metrics.public=true on a private network.",
                    ctx.request().path(), "Authorization", null, null));
        });
    }

    private static boolean matches(String presented, Optional<String> expected) {
        return presented != null && expected.isPresent() && MessageDigest.isEqual(
                presented.getBytes(StandardCharsets.UTF_8), expected.get().getBytes(StandardCharsets.UTF_8));
    }
}
