package dev.aifunc.security;

import io.quarkus.elytron.security.common.BcryptUtil;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.transaction.Transactional;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Makes sure the configured admin account exists at start-up ({@code aifunc.admin.username}, default {@code admin}).
 * With {@code aifunc.admin.password} (env {@code AIFUNC_ADMIN_PASSWORD}) the account gets that password; without
 * one, a new account gets a random password that is logged once, and an existing account keeps its own.
 */
@ApplicationScoped
public class AdminAccounts {

    private static final Logger LOG = Logger.getLogger(AdminAccounts.class);

    /** {@code aifunc.admin.*}. */
    @ConfigMapping(prefix = "aifunc.admin")
    public interface Config {
        /** Name of the admin account created at start-up. */
        @WithDefault("admin")
        String username();

        /** Its password (at least 8 characters); when absent a new account gets a random one, logged once. */
        Optional<String> password();
    }

    /** Shortest password accepted, in characters. */
    public static final int MIN_PASSWORD_CHARS = 8;

    private final Config config;

    public AdminAccounts(Config config) {
        this.config = config;
    }

    @Transactional
    void ensureAdmin(@Observes @jakarta.annotation.Priority(3) StartupEvent event) {
        dev.aifunc.db.StartupWrites.lock(); // a twin replica starting now may be creating the same account
        String username = config.username().strip();
        AdminAccount account = AdminAccount.findById(username);
        Optional<String> configured = config.password().filter(p -> !p.isBlank());
        configured.filter(p -> p.length() < MIN_PASSWORD_CHARS).ifPresent(p -> {
            throw new IllegalStateException("aifunc.admin.password must have at least " + MIN_PASSWORD_CHARS + " characters");
        });
        if (account == null) {
            account = new AdminAccount();
            account.username = username;
            account.role = AdminAccount.ADMIN;
            String password = configured.orElseGet(AdminAccounts::randomPassword);
            account.passwordHash = BcryptUtil.bcryptHash(password);
            account.persist();
            if (configured.isEmpty()) {
                LOG.warnf("Admin account '%s' created with the generated password %s (set AIFUNC_ADMIN_PASSWORD to "
                        + "choose one); it is shown only this once.", username, password);
            } else {
                LOG.infof("Admin account '%s' created with the configured password.", username);
            }
        } else if (configured.isPresent()) {
            account.passwordHash = BcryptUtil.bcryptHash(configured.get());
        }
    }

    private static String randomPassword() {
        byte[] bytes = new byte[15];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
