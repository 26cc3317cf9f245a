package dev.aifunc.security;

import java.util.Set;

/**
 * Who is calling, as the access filter decided: an admin (account, admin key or anyone with auth off) or an API
 * key with its scope and limits.
 *
 * @param actor         name for audit and logs: the admin's user name, {@code key:k_…}, or {@code local}
 * @param keyId         the API key's public id, or null when no key was used
 * @param admin         may use the admin API and call every scenario
 * @param scenarios     scenario ids a key may call; null: every scenario
 * @param ratePerSecond sustained requests per second for this key, null: unlimited
 * @param burst         requests allowed at once above the rate
 * @param dailyQuota    calls per UTC day, null: none
 */
public record Caller(String actor, String keyId, boolean admin, Set<String> scenarios, Double ratePerSecond,
                     Integer burst, Long dailyQuota) {

    /** Name of the request property the access filter stores the caller under. */
    public static final String PROPERTY = "aifunc.caller";

    /** An admin identity (account, configured admin key, or auth off); never rate-limited. */
    public static Caller admin(String actor) {
        return new Caller(actor, null, true, null, null, null, null);
    }

    /** True when this caller may call the scenario. */
    public boolean mayCall(String scenarioId) {
        return admin || scenarios == null || scenarios.contains(scenarioId);
    }
}
