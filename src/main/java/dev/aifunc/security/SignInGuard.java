package dev.aifunc.security;

import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * Keeps broken sign-in requests away from the account lookup, so they end on the sign-in form with "do not match"
 * instead of a 500: a form post to {@code /j_security_check} without the urlencoded content type is sent back to
 * the form (a failure handler on the sign-in route), so is a post without a user name or password, and a user name with control characters (PostgreSQL refuses NUL) fails before the database is asked.
 */
@ApplicationScoped
public class SignInGuard implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    /** The page a refused sign-in goes back to ({@code quarkus.http.auth.form.error-page}). */
    static final String ERROR_PAGE = "/admin/login?error=true";

    void install(@Observes Router router) {
        // Quarkus' form mechanism fails on a post that is not a form (no or another Content-Type): back to the form
        router.route("/j_security_check").order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.response().ended()) {
                return;
            }
            ctx.response().setStatusCode(302).putHeader("Location", ERROR_PAGE).end();
        });
        // a form post the mechanism did not take (no user name or password, or one over the form field limit)
        // would otherwise fall through to the REST layer's 404
        router.post("/j_security_check").order(io.quarkus.vertx.http.runtime.RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT)
                .handler(ctx -> ctx.response().setStatusCode(302).putHeader("Location", ERROR_PAGE).end());
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    /** Runs before the JPA account lookup; an empty result hands the request on to it. */
    @Override
    public int priority() {
        return 2_000; // above the default 1001 of the JPA provider
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
                                              AuthenticationRequestContext context) {
        String user = request.getUsername();
        if (user == null || user.isEmpty() || user.length() > 100 || user.chars().anyMatch(Character::isISOControl)) {
            return Uni.createFrom().failure(new AuthenticationFailedException("malformed user name"));
        }
        return Uni.createFrom().nullItem();
    }
}
