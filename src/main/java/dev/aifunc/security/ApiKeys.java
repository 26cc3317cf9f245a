package dev.aifunc.security;

import com.fasterxml.jackson.databind.JsonNode;
import dev.aifunc.audit.AuditLog;
import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import dev.aifunc.scenario.Scenario;
import io.quarkus.cache.Cache;
import io.quarkus.cache.CacheName;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Creates, lists, revokes and checks API keys. A key looks like {@code afk_3f9a1c2b_<43 base64url characters>}:
 * the public id ({@code k_3f9a1c2b}) and 256 random bits. It is shown once, at creation; the database keeps its
 * SHA-256 only. Checked keys are cached for {@code quarkus.cache.caffeine."api-keys".expire-after-write} (5 s):
 * a revoke takes effect at once on the replica that made it and within that time on the others.
 */
@ApplicationScoped
public class ApiKeys {

    /** What every key starts with, so secret scanners and people can recognise one. */
    public static final String PREFIX = "afk_";
    /** Most scenarios one key may be scoped to. */
    public static final int MAX_SCENARIOS = 100;
    /** Highest sustained rate a key may be given, requests per second. */
    public static final double MAX_RATE = 100_000;
    /** Highest burst, requests. */
    public static final int MAX_BURST = 1_000_000;
    /** Highest daily quota, calls. */
    public static final long MAX_DAILY_QUOTA = 1_000_000_000L;

    private static final Pattern SHAPE = Pattern.compile("^afk_([0-9a-f]{8})_[A-Za-z0-9_-]{43}$");
    private static final SecureRandom RANDOM = new SecureRandom();

    /** Body of {@code POST /api/keys} (its documented shape; {@link #create} reads the JSON itself, strictly). */
    public record CreateKey(String name, List<String> scenarios, Boolean admin, Double ratePerSecond,
                            Integer burst, Long dailyQuota) {
    }

    /** A key as lists show it (never the secret). */
    public record KeyView(String id, String name, String prefix, List<String> scenarios, boolean admin,
                          Double ratePerSecond, Integer burst, Long dailyQuota, Instant createdAt, String createdBy,
                          Instant revokedAt, String revokedBy) {
    }

    /** The answer to a create: the view and, this once, the key itself. */
    public record CreatedKey(String key, KeyView apiKey) {
    }

    private final Cache cache;
    private final AuditLog audit;

    public ApiKeys(@CacheName("api-keys") Cache cache, AuditLog audit) {
        this.cache = cache;
        this.audit = audit;
    }

    /** Lowest sustained rate a key may be given: one request per 1,000 s. */
    public static final double MIN_RATE = 0.001;

    /**
     * Creates a key from a JSON body (as {@link CreateKey}), checking types strictly: numbers must be JSON numbers,
     * {@code burst} and {@code dailyQuota} whole numbers, {@code admin} true or false.
     *
     * @throws ProblemException 422 naming the field: name missing, over 200 characters or with control characters;
     *                          unknown scenario ids or more than {@value #MAX_SCENARIOS}; an admin key with
     *                          scenarios; a burst without a rate; rates or quotas of the wrong type or out of range
     */
    @Transactional
    public CreatedKey create(JsonNode body, String actor) {
        List<Problem.FieldError> errors = new ArrayList<>();
        if (body == null || !body.isObject()) {
            throw ProblemException.unprocessable("Send a JSON object with at least a 'name'.", "name", null);
        }
        body.fieldNames().forEachRemaining(f -> {
            if (!Set.of("name", "scenarios", "admin", "ratePerSecond", "burst", "dailyQuota").contains(f)) {
                errors.add(new Problem.FieldError(f, null, "is not a field of a key (name, scenarios, admin, "
                        + "ratePerSecond, burst, dailyQuota)"));
            }
        });
        JsonNode nameNode = body.path("name");
        String name = nameNode.isTextual() ? nameNode.asText().strip() : "";
        if (name.isEmpty() || name.codePointCount(0, name.length()) > 200) {
            errors.add(new Problem.FieldError("name", null, "give the key a name of 1 to 200 characters",
                    "200 characters"));
        } else if (name.chars().anyMatch(Character::isISOControl)) {
            errors.add(new Problem.FieldError("name", null, "must not contain control characters (tabs, line breaks)"));
        }
        boolean admin = false;
        JsonNode adminNode = body.path("admin");
        if (adminNode.isBoolean()) {
            admin = adminNode.asBoolean();
        } else if (!adminNode.isMissingNode() && !adminNode.isNull()) {
            errors.add(new Problem.FieldError("admin", null, "must be true or false"));
        }
        Set<String> scenarios = null;
        JsonNode scenariosNode = body.path("scenarios");
        if (scenariosNode.isArray() && !scenariosNode.isEmpty()) {
            scenarios = new LinkedHashSet<>();
            for (JsonNode id : scenariosNode) {
                if (!id.isTextual()) {
                    errors.add(new Problem.FieldError("scenarios", null, "must be a list of scenario ids (strings); got " + id));
                } else if (Scenario.findById(id.asText()) == null) {
                    errors.add(new Problem.FieldError("scenarios", null, "there is no scenario " + id));
                } else {
                    scenarios.add(id.asText());
                }
            }
            if (scenarios.size() > MAX_SCENARIOS) {
                errors.add(new Problem.FieldError("scenarios", null, "at most " + MAX_SCENARIOS + " scenarios per key "
                        + "(leave it empty for all)", MAX_SCENARIOS + " scenarios"));
            }
            if (admin) {
                errors.add(new Problem.FieldError("scenarios", null, "an admin key may call every scenario; leave "
                        + "scenarios empty, or make a key that is not admin"));
            }
        } else if (!scenariosNode.isMissingNode() && !scenariosNode.isNull() && !scenariosNode.isArray()) {
            errors.add(new Problem.FieldError("scenarios", null, "must be a list of scenario ids"));
        }
        Double rate = null;
        JsonNode rateNode = body.path("ratePerSecond");
        if (rateNode.isNumber() && rateNode.asDouble() >= MIN_RATE && rateNode.asDouble() <= MAX_RATE) {
            rate = rateNode.asDouble();
        } else if (!rateNode.isMissingNode() && !rateNode.isNull()) {
            errors.add(new Problem.FieldError("ratePerSecond", null, "must be a number from " + MIN_RATE + " to "
                    + (long) MAX_RATE, MIN_RATE + " to " + (long) MAX_RATE + " per second"));
        }
        Long burst = whole(body, "burst", MAX_BURST, "requests", errors);
        Long quota = whole(body, "dailyQuota", MAX_DAILY_QUOTA, "calls", errors);
        if (burst != null && rate == null && errors.stream().noneMatch(e -> e.field().equals("ratePerSecond"))) {
            errors.add(new Problem.FieldError("burst", null, "a burst needs a ratePerSecond to refill it"));
        }
        if (!errors.isEmpty()) {
            Problem.FieldError first = errors.get(0);
            throw ProblemException.unprocessable("The key cannot be created: " + first.field() + ": "
                    + first.message() + ".", errors);
        }
        return store(name, scenarios, admin, rate, burst == null ? null : burst.intValue(), quota, actor);
    }

    private static Long whole(JsonNode body, String field, long max, String unit, List<Problem.FieldError> errors) {
        JsonNode node = body.path(field);
        if (node.isMissingNode() || node.isNull()) {
            return null;
        }
        if (node.isIntegralNumber() && node.canConvertToLong() && node.asLong() >= 1 && node.asLong() <= max) {
            return node.asLong();
        }
        errors.add(new Problem.FieldError(field, null, "must be a whole number from 1 to " + max, "1 to " + max + " " + unit));
        return null;
    }

    private CreatedKey store(String name, Set<String> scenarios, boolean admin, Double rate, Integer burst, Long quota,
                             String actor) {
        String hex;
        do {
            byte[] id = new byte[4];
            RANDOM.nextBytes(id);
            hex = HexFormat.of().formatHex(id);
        } while (ApiKey.findById("k_" + hex) != null);
        byte[] secret = new byte[32];
        RANDOM.nextBytes(secret);
        String key = PREFIX + hex + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);

        ApiKey row = new ApiKey();
        row.id = "k_" + hex;
        row.name = name;
        row.secretSha256 = sha256(key);
        row.scenarios = scenarios == null ? null : String.join(",", scenarios);
        row.admin = admin;
        row.ratePerSecond = rate;
        row.burst = burst;
        row.dailyQuota = quota;
        row.createdAt = Instant.now();
        row.createdBy = actor;
        row.persist();
        audit.record(actor, "key.create", null, null, row.id + " '" + name + "'"
                + (row.admin ? ", admin" : "") + (row.scenarios == null ? ", all scenarios" : ", scenarios " + row.scenarios)
                + (rate == null ? "" : ", " + rate + "/s") + (burst == null ? "" : ", burst " + burst)
                + (quota == null ? "" : ", " + quota + " a day"));
        cache.invalidateAll().await().indefinitely(); // a cached "unknown" for this hash must not linger
        return new CreatedKey(key, view(row));
    }

    /** One key, if it exists. */
    public Optional<KeyView> get(String id) {
        return Optional.ofNullable(ApiKey.<ApiKey>findById(id)).map(ApiKeys::view);
    }

    /** Every key, newest first, revoked ones included. */
    public List<KeyView> list() {
        return ApiKey.<ApiKey>list("order by createdAt desc").stream().map(ApiKeys::view).toList();
    }

    /**
     * Revokes a key: it stops working at once on this replica.
     *
     * @return false when there is no such key
     */
    @Transactional
    public boolean revoke(String id, String actor) {
        ApiKey row = ApiKey.findById(id);
        if (row == null) {
            return false;
        }
        if (row.revokedAt == null) {
            row.revokedAt = Instant.now();
            row.revokedBy = actor;
            audit.record(actor, "key.revoke", null, null, row.id + " '" + row.name + "'");
        }
        cache.invalidateAll().await().indefinitely();
        lastKnown.clear();
        return true;
    }

    /**
     * The caller a presented key stands for, or empty when it is malformed, unknown or revoked. Cached by hash.
     */
    public Optional<Caller> authenticate(String presented) {
        if (presented == null || !SHAPE.matcher(presented).matches()) {
            return Optional.empty(); // not even shaped like a key: no database lookup
        }
        String hash = sha256(presented);
        if (!database.available()) {
            // PostgreSQL away or hung: no lookup that would wait for it; a key this replica last saw valid keeps
            // working (no one can revoke it meanwhile), any other waits for the database
            Caller known = lastKnown.get(hash);
            if (known != null) {
                return Optional.of(known);
            }
            database.requireAvailable();
        }
        try {
            return cache.<String, Optional<Caller>>get(hash, h -> lookup(h)).await().indefinitely();
        } catch (RuntimeException e) {
            // PostgreSQL away: a key this replica last saw valid keeps working (no one can revoke it meanwhile)
            Caller known = lastKnown.get(hash);
            if (known != null && dev.aifunc.problem.ProblemMappers.databaseUnavailable(e)) {
                return Optional.of(known);
            }
            throw e;
        }
    }

    @jakarta.inject.Inject
    dev.aifunc.db.DatabaseStatus database;

    /** Keys this replica last found valid, by hash: used only while the database cannot be reached. */
    private final java.util.Map<String, Caller> lastKnown = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * The key with this hash from PostgreSQL, answered within {@value #LOOKUP_TIMEOUT_MS} ms: a check runs on the
     * path of every call whose key is not cached, so a database that stopped answering must not hold it for the
     * connection's 15 s socket timeout (then the key this replica last saw valid is used, see authenticate).
     */
    Optional<Caller> lookup(String hash) {
        String sql = "SELECT id, is_admin, scenarios, rate_per_second, burst, daily_quota, revoked_at FROM api_key "
                + "WHERE secret_sha256 = ?";
        try (java.sql.Connection c = dataSource.getConnection()) {
            int before = c.getNetworkTimeout();
            c.setNetworkTimeout(Runnable::run, LOOKUP_TIMEOUT_MS);
            try (java.sql.PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setString(1, hash);
                try (java.sql.ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getTimestamp(7) != null) {
                        lastKnown.remove(hash);
                        return Optional.empty();
                    }
                    String scopes = rs.getString(3);
                    Set<String> scenarios = scopes == null ? null : Set.copyOf(Arrays.asList(scopes.split(",")));
                    Double rate = rs.getObject(4) == null ? null : rs.getDouble(4);
                    Integer burst = rs.getObject(5) == null ? null : rs.getInt(5);
                    Long quota = rs.getObject(6) == null ? null : rs.getLong(6);
                    String id = rs.getString(1);
                    Caller caller = new Caller("key:" + id, id, rs.getBoolean(2), scenarios, rate, burst, quota);
                    if (lastKnown.size() >= 10_000) {
                        lastKnown.clear(); // bounded: many keys only cost a database read each after an outage begins
                    }
                    lastKnown.put(hash, caller);
                    return Optional.of(caller);
                }
            } finally {
                if (!c.isClosed()) {
                    c.setNetworkTimeout(Runnable::run, before);
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException("checking the API key failed: " + e.getMessage(), e);
        }
    }

    /** Longest wait for PostgreSQL's answer to a key check (ms). */
    static final int LOOKUP_TIMEOUT_MS = 2_000;

    @jakarta.inject.Inject
    io.agroal.api.AgroalDataSource dataSource;

    static KeyView view(ApiKey row) {
        return new KeyView(row.id, row.name, PREFIX + row.id.substring(2) + "_…",
                row.scenarios == null ? null : List.of(row.scenarios.split(",")), row.admin, row.ratePerSecond,
                row.burst, row.dailyQuota, row.createdAt, row.createdBy, row.revokedAt, row.revokedBy);
    }

    /** Hex SHA-256 of a string's UTF-8 bytes. */
    public static String sha256(String value) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(value.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
