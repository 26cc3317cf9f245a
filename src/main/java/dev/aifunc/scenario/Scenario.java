package dev.aifunc.scenario;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import jakarta.persistence.Version;
import java.time.Instant;

/**
 * A persisted scenario: a named configuration of a template. Its content lives in immutable
 * {@link ScenarioVersion}s; this row points at the active and the latest one. {@code lockVersion} changes on every
 * write and is the scenario's ETag.
 */
@Entity
@Table(name = "scenario")
public class Scenario extends PanacheEntityBase {

    /** URL-safe slug chosen by the user, e.g. {@code shop-faq}. */
    @Id
    public String id;

    /** Template id, fixed at creation. */
    public String template;

    @Column(name = "active_version")
    public int activeVersion;

    @Column(name = "latest_version")
    public int latestVersion;

    @Column(name = "created_at")
    public Instant createdAt;

    @Column(name = "updated_at")
    public Instant updatedAt;

    /**
     * The scenario's method name in generated clients ({@code shopFaq}), chosen once at creation (see
     * {@code ScenarioContract.operationId}); null only for rows older than it, until start-up names them.
     */
    @Column(name = "operation_id")
    public String operationId;

    /** Shadow mode: the candidate version that answers live calls in the background, or null. */
    @Column(name = "shadow_version")
    public Integer shadowVersion;

    /** When shadow mode started for {@link #shadowVersion}. */
    @Column(name = "shadow_since")
    public Instant shadowSince;

    @Version
    @Column(name = "lock_version")
    public int lockVersion;
}
