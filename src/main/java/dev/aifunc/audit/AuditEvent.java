package dev.aifunc.audit;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** One change, as the audit log keeps it (table {@code audit_event}). */
@Entity
@Table(name = "audit_event")
public class AuditEvent extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    public Instant at;

    /** Admin user name, {@code key:k_…} for an admin key, or {@code local} with auth off. */
    public String actor;

    /** What happened, e.g. {@code scenario.create}, {@code scenario.activate}, {@code key.revoke}. */
    public String action;

    @Column(name = "scenario_id")
    public String scenarioId;

    public Integer version;

    /** A short, human-readable summary (never a secret). */
    public String detail;
}
