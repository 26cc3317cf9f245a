package dev.aifunc.security;

import io.quarkus.security.AuthenticationFailedException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * A refused HTTP Basic sign-in on {@code /api/**} (wrong user name or password) fails before the REST layer; this
 * answers it with the same 401 problem+json as every other API error instead of the form login's redirect; a sign-in
 * refused by {@link SignInThrottle} (locked: 429, no check place: 503) with its status and {@code Retry-After}.
 */
@ApplicationScoped
public class ApiAuthFailures {

    void install(@Observes Router router) {
        router.route("/api/*").order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.response().ended() || !(ctx.failure() instanceof AuthenticationFailedException)) {
                ctx.next();
                return;
            }
            AuthenticationFailedException failure = (AuthenticationFailedException) ctx.failure();
            Integer refused = SignInRefused.status(failure);
            if (refused != null) {
                JsonObject problem = new JsonObject().put("type", "about:blank")
                        .put("title", refused == 429 ? "Too Many Requests" : "Service Unavailable")
                        .put("status", refused).put("detail", failure.getMessage())
                        .put("instance", ctx.normalizedPath()).put("field", "Authorization");
                ctx.response().setStatusCode(refused).putHeader("Content-Type", "application/problem+json")
                        .putHeader("Retry-After", String.valueOf(SignInRefused.retryAfterSeconds(failure)))
                        .end(problem.encode());
                return;
            }
            JsonObject problem = new JsonObject().put("type", "about:blank").put("title", "Unauthorized")
                    .put("status", 401).put("detail", "The user name or password is wrong.")
                    .put("instance", ctx.normalizedPath()).put("field", "Authorization");
            ctx.response().setStatusCode(401).putHeader("Content-Type", "application/problem+json")
                    .putHeader("WWW-Authenticate", ApiAccessFilter.CHALLENGE).end(problem.encode());
        });
    }
}
