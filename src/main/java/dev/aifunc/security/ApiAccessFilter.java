package dev.aifunc.security;

import dev.aifunc.problem.ProblemException;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.inject.Inject;
import jakarta.ws.rs.container.ContainerRequestContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Locale;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * Decides who may use {@code /api/**}. Calling a scenario ({@code invoke}, {@code invoke-batch}, {@code events},
 * {@code openapi} under {@code /api/scenarios/{id}/}) takes an API key whose scope includes the scenario, or an
 * admin; everything else under {@code /api} takes an admin: an admin account (HTTP Basic, or the portal's session
 * cookie), an admin API key, or the operator's {@code aifunc.auth.admin-key}.
 *
 * <p>Keys are read from {@code Authorization: Bearer <key>} or {@code X-API-Key: <key>}. No credentials, or an
 * unknown or revoked key: 401 with {@code WWW-Authenticate}. A known key that may not do this: 403. Then the
 * {@link RateLimiter} counts the call. The decided {@link Caller} is kept on the request for usage and audit.
 * Keys are never logged: problems name the key by its public id only.
 */
public class ApiAccessFilter {

    private static final Pattern CALL = Pattern.compile("^/api/scenarios/([^/]+)/(invoke|invoke-batch|events|openapi)/?$");
    /** Challenge sent with 401: both ways to authenticate. */
    static final String CHALLENGE = "Bearer realm=\"aifunc\", Basic realm=\"aifunc\"";

    @Inject
    AuthConfig config;

    @Inject
    SecurityIdentity identity;

    @Inject
    ApiKeys keys;

    @Inject
    RateLimiter limiter;

    @Inject
    WarmupCredential warmup;

    @ServerRequestFilter
    public void check(ContainerRequestContext request, RoutingContext context) {
        // the path as the router matched it: an encoded '/' (%2F) stays inside its segment, so a path cannot look
        // like a call of one scenario here and reach another endpoint there
        String path = context.normalizedPath();
        if (!path.startsWith("/api/")) {
            return;
        }
        Matcher call = CALL.matcher(path);
        String scenario = call.matches() ? decode(call.group(1)) : null;
        Caller caller = caller(request);
        if (scenario == null && !caller.admin()) {
            throw ProblemException.forbidden("API key " + caller.keyId() + " may call scenarios but not use the "
                    + "admin API (" + request.getMethod() + " " + path + "); use an admin account or an admin key.",
                    "Authorization");
        }
        if (scenario != null && !caller.mayCall(scenario)) {
            throw ProblemException.forbidden("API key " + caller.keyId() + " may not call scenario '" + scenario
                    + "'; it may call: " + String.join(", ", new TreeSet<>(caller.scenarios())) + ".", "Authorization");
        }
        context.put(Caller.PROPERTY, caller);
        // invoke and events count as calls; a batch counts its inputs (InvokeResource); reading the contract is free
        String kind = call.matches() ? call.group(2) : "";
        if (kind.equals("invoke") || kind.equals("events")) {
            limiter.consume(caller, context, 1);
        }
        if (!kind.isEmpty() && !kind.equals("openapi")) {
            limiter.enter(caller, context);
        }
    }

    private Caller caller(ContainerRequestContext request) {
        if (warmup.accepts(request.getHeaderString(WarmupCredential.HEADER))) {
            return Caller.admin(WarmupCredential.ACTOR);
        }
        if (!config.enabled()) {
            return Caller.admin("local");
        }
        if (!identity.isAnonymous() && identity.hasRole(AdminAccount.ADMIN)) {
            return Caller.admin(identity.getPrincipal().getName());
        }
        String presented = presentedKey(request);
        if (presented == null) {
            throw ProblemException.unauthorized("This needs credentials: an API key as 'Authorization: Bearer <key>' "
                    + "or 'X-API-Key: <key>' (create one in the portal under API keys, or with POST /api/keys), "
                    + "or an admin account with HTTP Basic.", "Authorization", CHALLENGE);
        }
        Optional<String> adminKey = config.adminKey().map(String::strip); // its length is checked at start-up
        if (adminKey.isPresent() && MessageDigest.isEqual(adminKey.get().getBytes(StandardCharsets.UTF_8),
                presented.getBytes(StandardCharsets.UTF_8))) {
            return Caller.admin("admin-key");
        }
        String header = request.getHeaderString("Authorization") != null ? "Authorization" : "X-API-Key";
        return keys.authenticate(presented).orElseThrow(() -> ProblemException.unauthorized(
                "The API key is unknown or revoked.", header, CHALLENGE));
    }

    private static String decode(String segment) {
        try {
            return java.net.URLDecoder.decode(segment.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return segment;
        }
    }

    /** The key from {@code Authorization: Bearer} or {@code X-API-Key}, or null when neither is sent. */
    static String presentedKey(ContainerRequestContext request) {
        String authorization = request.getHeaderString("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String key = authorization.substring(7).strip();
            return key.isEmpty() ? null : key;
        }
        String header = request.getHeaderString("X-API-Key");
        if (header != null && !header.isBlank()) {
            return header.strip();
        }
        if (authorization != null && !authorization.toLowerCase(Locale.ROOT).startsWith("basic ")) {
            throw ProblemException.unauthorized("The Authorization header must be 'Bearer <API key>' or 'Basic "
                    + "<user:password>'.", "Authorization", CHALLENGE);
        }
        return null;
    }
}
