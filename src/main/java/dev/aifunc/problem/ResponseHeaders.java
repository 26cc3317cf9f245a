package dev.aifunc.problem;

import io.vertx.core.http.Cookie;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.impl.ServerCookie;
import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.util.Locale;

/**
 * What every response's headers must not carry, fixed just before they are sent:
 * <ul>
 *   <li>{@code Location} never echoes the request's {@code Host} header: an absolute URL on this request's own
 *       host (the REST layer and the sign-in form build them from {@code Host}) becomes relative (path, query and
 *       fragment), which browsers and HTTP clients resolve against the URL they called (RFC 9110, 10.2.2);</li>
 *   <li>the portal's session cookie gets {@code Secure} when the request came over TLS, here or at a proxy that
 *       says so with {@code X-Forwarded-Proto: https}, so a browser never sends it over plain HTTP.</li>
 * </ul>
 * The static security headers (CSP, {@code X-Frame-Options}, {@code X-Content-Type-Options},
 * {@code Referrer-Policy}) are set by {@code quarkus.http.header.*} in application.properties.
 */
@ApplicationScoped
public class ResponseHeaders {

    /** The portal's session cookie ({@code quarkus.http.auth.form.cookie-name}). */
    static final String SESSION_COOKIE = "aifunc-session";

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE).handler(ctx -> {
            HttpServerRequest request = ctx.request();
            HttpServerResponse response = ctx.response();
            ctx.addHeadersEndHandler(done -> {
                String location = response.headers().get("Location");
                if (location != null) {
                    response.headers().set("Location", relative(location, request.getHeader("Host")));
                }
                if (overTls(request)) {
                    // cookies set on the response are encoded after this handler: mark the session cookie being sent
                    for (Cookie cookie : request.cookies(SESSION_COOKIE)) {
                        if (cookie instanceof ServerCookie sent && sent.isChanged() && !sent.isFromUserAgent()) {
                            cookie.setSecure(true);
                        }
                    }
                }
            });
            ctx.next();
        });
    }

    /** {@code location} without its scheme and authority when they name {@code host}; unchanged otherwise. */
    static String relative(String location, String host) {
        if (host == null || !(location.startsWith("http://") || location.startsWith("https://"))) {
            return location;
        }
        try {
            URI uri = URI.create(location);
            if (uri.getRawAuthority() == null || !uri.getRawAuthority().equalsIgnoreCase(host)) {
                return location;
            }
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return path + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery())
                    + (uri.getRawFragment() == null ? "" : "#" + uri.getRawFragment());
        } catch (IllegalArgumentException e) {
            return location;
        }
    }

    private static boolean overTls(HttpServerRequest request) {
        String proto = request.getHeader("X-Forwarded-Proto");
        return request.isSSL() || (proto != null && proto.strip().toLowerCase(Locale.ROOT).startsWith("https"));
    }

}
