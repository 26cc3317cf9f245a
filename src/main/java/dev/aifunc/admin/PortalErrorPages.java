package dev.aifunc.admin;

import dev.aifunc.problem.Problem;
import io.quarkus.qute.Location;
import io.quarkus.qute.Template;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Error pages for people: when a browser (an {@code Accept} that names {@code text/html}) gets a problem+json answer
 * on a portal page ({@code /admin/...}), the problem is shown as an HTML page in plain words with a way back,
 * keeping its status. API clients keep getting {@code application/problem+json}.
 */
public class PortalErrorPages {

    @Inject
    @Location("admin/error.html")
    Template page;

    /** Replaces a problem+json body by the HTML page when a browser asked for a portal page; keeps the status. */
    @ServerResponseFilter
    public void html(ContainerRequestContext request, ContainerResponseContext response) {
        String path = request.getUriInfo().getPath();
        String accept = request.getHeaderString("Accept");
        if (!(response.getEntity() instanceof Problem problem) || accept == null || !accept.contains("text/html")
                || !(path.equals("/admin") || path.startsWith("/admin/"))) {
            return;
        }
        String advice = switch (problem.status()) {
            case 403 -> "Reload the page you came from and try again.";
            case 404 -> "It may have been deleted or renamed. Go back to the list of scenarios.";
            case 503 -> "This usually passes within a few seconds: try again shortly.";
            default -> problem.status() >= 500 ? "This is a fault on our side and was logged. Try again; if it keeps "
                    + "happening, tell whoever runs this aifunc service." : "Go back, change what the message says and try again.";
        };
        String title = switch (problem.status()) {
            case 403 -> "This action was not allowed";
            case 404 -> "Not found";
            case 503 -> "Not ready yet";
            default -> problem.status() >= 500 ? "Something went wrong on our side" : "That did not work";
        };
        response.setEntity(page.data("status", problem.status()).data("title", title)
                .data("detail", problem.detail()).data("advice", advice).render(), null, MediaType.TEXT_HTML_TYPE);
    }
}
