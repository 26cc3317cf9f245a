package dev.aifunc.security;

import io.quarkus.security.identity.SecurityIdentity;
import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Named;

/**
 * The signed-in portal user of the current request, for Qute pages: {@code {inject:portal.name}} and
 * {@code {inject:portal.csrfToken}}, the value of the hidden {@code csrf-token} field every changing form carries.
 */
@Named("portal")
@RequestScoped
public class PortalUser {

    private final CsrfTokens tokens;
    private final SecurityIdentity identity;
    private String token;

    public PortalUser(CsrfTokens tokens, SecurityIdentity identity) {
        this.tokens = tokens;
        this.identity = identity;
    }

    /** The user name, or empty when nobody is signed in. */
    public String getName() {
        return identity.isAnonymous() ? "" : identity.getPrincipal().getName();
    }

    /** A CSRF token for this user (made once per request); empty when nobody is signed in. */
    public String getCsrfToken() {
        if (token == null) {
            token = identity.isAnonymous() ? "" : tokens.issue(identity.getPrincipal().getName());
        }
        return token;
    }
}
