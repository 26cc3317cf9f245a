package dev.aifunc.db;

import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * While {@link DatabaseStatus} sees PostgreSQL down or hung, requests that need it (the admin API, datasets, usage,
 * evaluations, the portal) get 503 with {@code Retry-After} at once instead of waiting for a connection that will
 * not answer. Calls of scenarios ({@code invoke}, {@code invoke-batch}) and the template catalogue pass: they are
 * served from memory, and fail fast themselves where they would need the database.
 */
public class DatabaseGate {

    /** What is served from memory. */
    private static final Pattern FROM_MEMORY = Pattern.compile(
            "^/(api/scenarios/[^/]+/(invoke|invoke-batch)|api/templates(/[^/]+)?|admin/login)/?$");

    @Inject
    DatabaseStatus database;

    @ServerRequestFilter(priority = 500)
    public void check(ContainerRequestContext request, io.vertx.ext.web.RoutingContext context) {
        if (database.available()) {
            return;
        }
        String path = context.normalizedPath(); // as the router matched it (%2F kept)
        if ((path.startsWith("/api/") || path.startsWith("/admin")) && !FROM_MEMORY.matcher(path).matches()) {
            database.requireAvailable();
        }
    }
}
