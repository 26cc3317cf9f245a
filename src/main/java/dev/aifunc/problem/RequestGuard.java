package dev.aifunc.problem;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.MediaType;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Refuses requests no resource could read, before any resource sees them:
 * <ul>
 *   <li>paths with control characters ({@code %00}, {@code %0A}, ...): no scenario, dataset or template id can
 *       contain one, and PostgreSQL refuses NUL in text, so such an id must end as a 404 here rather than as a
 *       database error;</li>
 *   <li>a {@code Content-Type} that is not a media type ({@code type/subtype}, RFC 9110 section 8.3), which the
 *       REST layer's content negotiation would otherwise fail on with a 500 (found by {@code FuzzedRequestsTest}).</li>
 * </ul>
 */
public class RequestGuard {

    /** @throws ProblemException 404 naming the path as unknown */
    @ServerRequestFilter(preMatching = true)
    public void refuseControlCharacters(ContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (path.chars().anyMatch(Character::isISOControl)) {
            throw new ProblemException(404, "Not Found", "No resource at this path: it contains a control character "
                    + "(such as %00), which no id may contain.", "(path)", null, null, null);
        }
    }

    /** @throws ProblemException 415 naming the header, when it does not parse as a media type */
    @ServerRequestFilter(preMatching = true)
    public void refuseUnparseableContentType(ContainerRequestContext request) {
        String type = request.getHeaderString("Content-Type");
        if (type == null || type.isBlank()) {
            return;
        }
        try {
            MediaType.valueOf(type);
        } catch (IllegalArgumentException e) {
            String shown = type.length() > 100 ? type.substring(0, 100) + "…" : type;
            throw new ProblemException(415, "Unsupported Media Type", "Content-Type '" + shown.replaceAll("\\p{Cntrl}", "?")
                    + "' is not a media type (type/subtype, such as application/json).", "Content-Type", null, null, null);
        }
    }
}
