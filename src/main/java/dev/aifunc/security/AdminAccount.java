package dev.aifunc.security;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import io.quarkus.security.jpa.Password;
import io.quarkus.security.jpa.Roles;
import io.quarkus.security.jpa.UserDefinition;
import io.quarkus.security.jpa.Username;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * An account that may sign in to the admin portal (table {@code admin_account}). The password is kept only as a
 * bcrypt hash in modular crypt format ({@code $2a$10$...}); Quarkus Security JPA checks it at sign-in.
 */
@Entity
@Table(name = "admin_account")
@UserDefinition
public class AdminAccount extends PanacheEntityBase {

    /** The only role today; API roles come with API keys. */
    public static final String ADMIN = "admin";

    @Id
    @Username
    public String username;

    @Password
    @Column(name = "password_hash")
    public String passwordHash;

    @Roles
    public String role;
}
