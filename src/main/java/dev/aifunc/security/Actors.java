package dev.aifunc.security;

import io.quarkus.arc.Arc;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

/** Who is making the current change, for the audit log. */
@ApplicationScoped
public class Actors {

    @Inject
    CurrentVertxRequest request;

    @Inject
    CurrentIdentityAssociation identities;

    /**
     * The actor of the current request: the caller the {@link ApiAccessFilter} decided on (admin user name,
     * {@code key:k_…}, {@code admin-key}, {@code local}), else the signed-in portal user; {@code system} outside
     * requests (start-up).
     */
    public String current() {
        if (!Arc.container().requestContext().isActive()) {
            return "system";
        }
        RoutingContext context = request.getCurrent();
        if (context != null && context.get(Caller.PROPERTY) instanceof Caller caller) {
            return caller.actor();
        }
        SecurityIdentity identity = identities.getIdentity();
        return identity == null || identity.isAnonymous() ? "anonymous" : identity.getPrincipal().getName();
    }
}
