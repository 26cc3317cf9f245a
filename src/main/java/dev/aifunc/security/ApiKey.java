package dev.aifunc.security;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * An API key (table {@code api_key}). The secret itself is never stored: only its SHA-256 (a key is 190 random
 * bits, so a fast hash is enough; bcrypt would cost ~50 ms on every call).
 */
@Entity
@Table(name = "api_key")
public class ApiKey extends PanacheEntityBase {

    /** Public id, {@code k_} and 8 hex digits; the key starts with it, and lists and usage show it. */
    @Id
    public String id;

    public String name;

    @Column(name = "secret_sha256")
    public String secretSha256;

    /** Comma-separated scenario ids the key may call; null: every scenario. */
    public String scenarios;

    @Column(name = "is_admin")
    public boolean admin;

    /** Sustained requests per second; null: {@code aifunc.rate-limit.requests-per-second}. */
    @Column(name = "rate_per_second")
    public Double ratePerSecond;

    /** Requests allowed at once above the sustained rate; null: {@code aifunc.rate-limit.burst}. */
    public Integer burst;

    /** Calls per UTC day; null: no quota. */
    @Column(name = "daily_quota")
    public Long dailyQuota;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "created_by")
    public String createdBy;

    @Column(name = "revoked_at")
    public Instant revokedAt;

    @Column(name = "revoked_by")
    public String revokedBy;
}
