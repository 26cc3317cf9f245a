package dev.aifunc.audit;

import dev.aifunc.problem.ProblemException;
import io.quarkus.panache.common.Parameters;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.time.Instant;
import java.util.List;

/**
 * Who changed what, when. {@link #record} joins the caller's transaction, so a change and its audit entry are
 * committed together or not at all.
 */
@ApplicationScoped
public class AuditLog {

    /** Most entries one query returns. */
    public static final int MAX_LIMIT = 1000;

    /** One entry as the API shows it. */
    public record Entry(long id, Instant at, String actor, String action, String scenarioId, Integer version,
                        String detail) {
    }

    /**
     * Adds an entry in the current transaction (or a new one).
     *
     * @param actor      who: the admin's user name, {@code key:k_…}, {@code local}
     * @param action     what, e.g. {@code scenario.update}
     * @param scenarioId which scenario, or null
     * @param version    which version, or null
     * @param detail     a short summary, cut to 2,000 characters
     */
    @Transactional(Transactional.TxType.REQUIRED)
    public void record(String actor, String action, String scenarioId, Integer version, String detail) {
        AuditEvent event = new AuditEvent();
        event.at = Instant.now();
        event.actor = actor == null ? "unknown" : actor.length() > 100 ? actor.substring(0, 100) : actor;
        event.action = action;
        event.scenarioId = scenarioId;
        event.version = version;
        event.detail = detail == null ? null : detail.length() > 2000 ? detail.substring(0, 2000) : detail;
        event.persist();
    }

    /**
     * Entries, newest first.
     *
     * @param scenarioId only this scenario's, or null for all
     * @param from       from this instant (inclusive), or null
     * @param to         before this instant, or null
     * @param limit      1 to {@value #MAX_LIMIT}
     * @throws ProblemException 422 when limit is out of range or from is after to
     */
    public List<Entry> list(String scenarioId, Instant from, Instant to, int limit) {
        if (limit < 1 || limit > MAX_LIMIT) {
            throw ProblemException.unprocessable("limit must be 1 to " + MAX_LIMIT + ".", "limit", MAX_LIMIT + " entries");
        }
        if (from != null && to != null && from.isAfter(to)) {
            throw ProblemException.unprocessable("from is after to.", "from", null);
        }
        Parameters params = new Parameters();
        StringBuilder query = new StringBuilder("1 = 1");
        if (scenarioId != null) {
            query.append(" and scenarioId = :scenario");
            params.and("scenario", scenarioId);
        }
        if (from != null) {
            query.append(" and at >= :from");
            params.and("from", from);
        }
        if (to != null) {
            query.append(" and at < :to");
            params.and("to", to);
        }
        query.append(" order by at desc, id desc");
        return AuditEvent.<AuditEvent>find(query.toString(), params).page(0, limit).list().stream()
                .map(e -> new Entry(e.id, e.at, e.actor, e.action, e.scenarioId, e.version, e.detail)).toList();
    }
}
