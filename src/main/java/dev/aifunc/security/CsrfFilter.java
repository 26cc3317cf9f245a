package dev.aifunc.security;

import dev.aifunc.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.inject.Inject;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.WithFormRead;
import org.jboss.resteasy.reactive.server.core.ResteasyReactiveRequestContext;
import org.jboss.resteasy.reactive.server.spi.ResteasyReactiveContainerRequestContext;

/**
 * Rejects every state-changing request to the portal ({@code /admin/...}, any method but GET, HEAD and OPTIONS)
 * that lacks a valid {@link CsrfTokens} token for the signed-in user, in the {@code csrf-token} form field or the
 * {@code X-CSRF-Token} header: 403 problem+json. The public API ({@code /api/...}) is not affected.
 */
public class CsrfFilter {

    private static final Set<String> SAFE = Set.of("GET", "HEAD", "OPTIONS");

    @Inject
    CsrfTokens tokens;

    @Inject
    SecurityIdentity identity;

    /**
     * @throws ProblemException 403 when the token is missing, forged, for another user or older than the session
     */
    @ServerRequestFilter
    @WithFormRead // parses form bodies (urlencoded, multipart) before the check; other bodies stay streamed
    public void check(ResteasyReactiveContainerRequestContext request) {
        String path = request.getUriInfo().getPath();
        if (SAFE.contains(request.getMethod()) || !(path.equals("/admin") || path.startsWith("/admin/"))) {
            return;
        }
        String token = request.getHeaderString(CsrfTokens.HEADER);
        if (token == null) {
            Object field = ((ResteasyReactiveRequestContext) request.getServerRequestContext())
                    .getFormParameter(CsrfTokens.FIELD, true, false);
            token = field == null ? null : String.valueOf(field);
        }
        String user = identity.isAnonymous() ? null : identity.getPrincipal().getName();
        if (!tokens.valid(user, token)) {
            throw new ProblemException(403, "Forbidden", "This form has expired or did not come from the aifunc "
                    + "portal (its csrf-token is missing or invalid). Reload the page and submit it again.",
                    CsrfTokens.FIELD, null, null, null);
        }
    }
}
