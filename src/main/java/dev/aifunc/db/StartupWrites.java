package dev.aifunc.db;

import io.quarkus.hibernate.orm.panache.Panache;

/**
 * Serialises the writes replicas make while they start (the first admin account, method names of older scenarios):
 * two replicas of a fresh Deployment start at the same moment on one database, and without this both would insert
 * the same admin account and one would fail its start on the duplicate key.
 */
public final class StartupWrites {

    /** The PostgreSQL advisory lock every start-up write takes ("aifu" in ASCII). */
    static final long LOCK_KEY = 0x61696675L;

    private StartupWrites() {
    }

    /**
     * Waits until no other replica is in its start-up writes, and holds the lock until the current transaction ends.
     * Call first thing inside the {@code @Transactional} start-up observer.
     */
    public static void lock() {
        Panache.getEntityManager()
                .createNativeQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(" + LOCK_KEY + ")) AS held")
                .getSingleResult();
    }
}
