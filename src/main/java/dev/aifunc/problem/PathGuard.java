package dev.aifunc.problem;

import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses request paths with control characters ({@code %00}, {@code %0A}, ...) before any resource sees them: no
 * scenario, dataset or template id can contain one, and PostgreSQL refuses NUL in text, so such an id must end as a
 * 404 here rather than as a database error.
 */
public class PathGuard {

    /** @throws ProblemException 404 naming the path as unknown */
    @ServerRequestFilter(preMatching = true)
    public void refuseControlCharacters(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path.chars().anyMatch(Character::isISOControl)) {
            throw new ProblemException(404, "Not Found", "No resource at this path: it contains a control character "
                    + "(such as %00), which no id may contain.", "(path)", null, null, null);
        }
    }
}
