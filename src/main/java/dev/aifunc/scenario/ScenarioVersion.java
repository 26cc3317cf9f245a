package dev.aifunc.scenario;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import org.hibernate.annotations.Immutable;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/** One immutable saved state of a scenario: name, description and the config as the user gave it (JSON). */
@Entity
@Immutable
@Table(name = "scenario_version")
@IdClass(ScenarioVersion.Key.class)
public class ScenarioVersion extends PanacheEntityBase {

    @Id
    @Column(name = "scenario_id")
    public String scenarioId;

    @Id
    public int version;

    public String name;

    public String description;

    /** The config JSON as saved (template defaults are merged at run time). */
    @JdbcTypeCode(SqlTypes.JSON)
    public String config;

    @Column(name = "created_at")
    public Instant createdAt;

    /** All versions of a scenario, oldest first. */
    public static List<ScenarioVersion> of(String scenarioId) {
        return list("scenarioId = ?1 order by version", scenarioId);
    }

    /** One version of a scenario, or null. */
    public static ScenarioVersion of(String scenarioId, int version) {
        return findById(new Key(scenarioId, version));
    }

    /** Composite key (scenario id, version number). */
    public static class Key implements Serializable {
        public String scenarioId;
        public int version;

        public Key() {
        }

        public Key(String scenarioId, int version) {
            this.scenarioId = scenarioId;
            this.version = version;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && k.version == version && Objects.equals(k.scenarioId, scenarioId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(scenarioId, version);
        }
    }
}
