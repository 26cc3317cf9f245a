package dev.aifunc.security;

import dev.aifunc.audit.AuditLog;
import io.agroal.api.AgroalDataSource;
import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.AuthenticationRequestContext;
import io.quarkus.security.identity.IdentityProvider;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.UsernamePasswordAuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.HttpSecurityUtils;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.jboss.logging.Logger;

/**
 * Checks admin user names and passwords (HTTP Basic on the API, the portal's sign-in form) against
 * {@code admin_account}, under {@link SignInThrottle}: a locked account or client is refused before any password is
 * checked, password checks take a bounded number of cores, and every failure counts. The start of a lock is audited
 * ({@code auth.locked}). Broken sign-in requests end on the sign-in form with "do not match" instead of a 500: a form
 * post to {@code /j_security_check} without the urlencoded content type or without a user name or password, and a
 * user name with control characters (PostgreSQL refuses NUL). The portal's session cookie is checked by Quarkus
 * Security JPA as before; this provider only answers user name and password requests.
 */
@ApplicationScoped
public class SignInGuard implements IdentityProvider<UsernamePasswordAuthenticationRequest> {

    private static final Logger LOG = Logger.getLogger(SignInGuard.class);

    /** The page a refused sign-in goes back to ({@code quarkus.http.auth.form.error-page}). */
    static final String ERROR_PAGE = "/admin/login?error=true";

    /** Checked when the account does not exist, so an unknown name costs the same time as a wrong password. */
    private static final String DUMMY_HASH = BcryptUtil.bcryptHash("aifunc-no-such-account");

    private final SignInThrottle throttle;
    private final AgroalDataSource dataSource;
    private final AuditLog audit;
    private final dev.aifunc.db.DatabaseStatus database;

    public SignInGuard(SignInThrottle throttle, AgroalDataSource dataSource, AuditLog audit,
                       dev.aifunc.db.DatabaseStatus database) {
        this.throttle = throttle;
        this.dataSource = dataSource;
        this.audit = audit;
        this.database = database;
    }

    void install(@Observes Router router) {
        // before authentication (Quarkus runs it at order -200): a locked client's form post is refused without
        // reading its password
        router.post("/j_security_check").order(-250).handler(ctx -> {
            SignInThrottle.Lock lock = throttle.lock(null, client(ctx));
            if (lock == null) {
                ctx.next();
                return;
            }
            ctx.response().setStatusCode(429).putHeader("Retry-After", String.valueOf(lock.retryAfterSeconds()))
                    .putHeader("Content-Type", "text/plain; charset=UTF-8")
                    .end("Too many failed sign-ins from this address; try again in " + lock.retryAfterSeconds()
                            + " s.\n");
        });
        // Quarkus' form mechanism fails on a post that is not a form (no or another Content-Type): back to the form
        router.route("/j_security_check").order(Integer.MIN_VALUE).failureHandler(ctx -> {
            if (ctx.response().ended()) {
                return;
            }
            ctx.response().setStatusCode(302).putHeader("Location", ERROR_PAGE).end();
        });
        // a form post the mechanism did not take (no user name or password, or one over the form field limit)
        // would otherwise fall through to the REST layer's 404
        router.post("/j_security_check").order(io.quarkus.vertx.http.runtime.RouteConstants.ROUTE_ORDER_BEFORE_DEFAULT)
                .handler(ctx -> ctx.response().setStatusCode(302).putHeader("Location", ERROR_PAGE).end());
    }

    @Override
    public Class<UsernamePasswordAuthenticationRequest> getRequestType() {
        return UsernamePasswordAuthenticationRequest.class;
    }

    /** Runs before the JPA account provider, which then never sees a user name and password. */
    @Override
    public int priority() {
        return 2_000; // above the default 1001 of the JPA provider
    }

    @Override
    public Uni<SecurityIdentity> authenticate(UsernamePasswordAuthenticationRequest request,
                                              AuthenticationRequestContext context) {
        String user = request.getUsername();
        if (user == null || user.isEmpty() || user.length() > 100 || user.chars().anyMatch(Character::isISOControl)) {
            return Uni.createFrom().failure(new AuthenticationFailedException("malformed user name"));
        }
        RoutingContext http = HttpSecurityUtils.getRoutingContextAttribute(request);
        String client = http == null ? null : client(http);
        SignInThrottle.Lock lock = throttle.lock(user, client);
        if (lock != null) {
            return Uni.createFrom().failure(SignInRefused.of(429, "Too many failed sign-ins for the " + lock.what()
                    + "; try again in " + lock.retryAfterSeconds() + " s.", lock.retryAfterSeconds()));
        }
        char[] password = request.getPassword().getPassword();
        return context.runBlocking(() -> {
            String[] account = account(user); // {hash, role} or null
            boolean[] matches = {false};
            boolean checked;
            try {
                checked = throttle.check(() -> matches[0] = BcryptUtil.matches(new String(password),
                        account == null ? DUMMY_HASH : account[0]));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                checked = false;
            }
            if (!checked) {
                throw SignInRefused.of(503, "Too many sign-ins are being checked; retry in a few seconds.", 2);
            }
            if (account != null && matches[0]) {
                return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(user))
                        .addRole(account[1]).build();
            }
            SignInThrottle.Lock started = throttle.failed(user, client);
            if (started != null) {
                LOG.warnf("Sign-ins locked for the %s for %d s after repeated failures", started.what(),
                        started.retryAfterSeconds());
                try {
                    audit.record("(sign-in)", "auth.locked", null, null, started.what() + " locked for "
                            + started.retryAfterSeconds() + " s after repeated failed sign-ins (last as '" + user
                            + "' from " + client + ")");
                } catch (RuntimeException e) {
                    LOG.debugf("auditing the lock failed: %s", e.getMessage());
                }
            }
            throw new AuthenticationFailedException("wrong user name or password");
        });
    }

    /** The account's bcrypt hash and role, or null when there is none. */
    private String[] account(String user) {
        if (!database.available()) {
            throw SignInRefused.of(503, "The database is unreachable; sign-ins cannot be checked. Retry in a few "
                    + "seconds.", 5);
        }
        try (Connection c = dataSource.getConnection();
             PreparedStatement ps = c.prepareStatement("SELECT password_hash, role FROM admin_account WHERE username = ?")) {
            ps.setString(1, user);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? new String[] {rs.getString(1), rs.getString(2)} : null;
            }
        } catch (SQLException e) {
            LOG.warnf("Checking a sign-in failed: the database did not answer (%s)", e.getMessage());
            throw SignInRefused.of(503, "The database is unreachable; sign-ins cannot be checked. Retry in a few "
                    + "seconds.", 5);
        }
    }

    static String client(RoutingContext ctx) {
        var address = ctx.request().remoteAddress();
        return address == null ? null : address.hostAddress();
    }
}
