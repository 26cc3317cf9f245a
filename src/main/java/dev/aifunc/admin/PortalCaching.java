package dev.aifunc.admin;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Portal pages are never stored by the browser or a proxy ({@code Cache-Control: no-store}): after signing out,
 * Back does not show a signed-in page, and a shared computer keeps no copy of scenario settings.
 */
public class PortalCaching {

    /** Adds {@code Cache-Control: no-store} to every answer under {@code /admin}. */
    @ServerResponseFilter
    public void noStore(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        if (path.equals("/admin") || path.startsWith("/admin/")) {
            response.getHeaders().putSingle("Cache-Control", "no-store");
        }
    }
}
