package dev.aifunc.dataset;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifunc.problem.Problem;
import dev.aifunc.problem.ProblemException;
import io.agroal.api.AgroalDataSource;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * The interaction events of recommendation scenarios (table {@code interaction_event}): appended in bulk, atomically
 * (all events of a request or none), idempotent on an optional caller-given {@code eventId}, and read back for
 * learning. The largest {@code seq} of a scenario is its event log's revision: every replica sees the same one.
 */
@ApplicationScoped
public class EventService {

    /** One interaction: who did what with which item, how much, and when. */
    public record Event(String eventId, String userId, String itemId, String type, float weight, Instant at) {
    }

    /**
     * Result of an append.
     *
     * @param accepted   events stored
     * @param duplicates events skipped because their {@code eventId} was already stored
     * @param revision   the scenario's event-log revision after the append
     */
    public record AppendResult(int accepted, int duplicates, long revision) {
    }

    /** Size of a scenario's event log. */
    public record Stats(long events, long users, long items, long revision, Instant lastEventAt) {
    }

    /** Most events in one request. */
    public static final int MAX_EVENTS_PER_REQUEST = 100_000;
    /** Longest user id, item id or event id, in characters. */
    public static final int MAX_ID_CHARS = 200;
    private static final Pattern TYPE = Pattern.compile("^[A-Za-z0-9_.:-]{1,64}$");
    private static final int INSERT_BATCH = 1000;

    private final AgroalDataSource dataSource;
    private final ObjectMapper mapper;

    public EventService(AgroalDataSource dataSource, ObjectMapper mapper) {
        this.dataSource = dataSource;
        this.mapper = mapper;
    }

    /**
     * Parses a request body: one event object, {@code {"events": [...]}}, or (with {@code jsonLines}) one event per
     * line. Fields: {@code userId}, {@code itemId} (required, 1-200 characters), {@code type} (default
     * {@code interaction}), {@code weight} (default 1, finite, |weight| ≤ 1e6), {@code timestamp} (ISO-8601, or
     * epoch seconds / milliseconds; default now), {@code eventId} (optional).
     *
     * @throws ProblemException 400 unreadable JSON; 413 more than {@link #MAX_EVENTS_PER_REQUEST}; 422 with every
     *                          broken field named ({@code events[3].userId})
     */
    public List<Event> parse(byte[] body, boolean jsonLines) {
        if (body.length == 0) {
            throw ProblemException.badRequest("The request body is empty; send an event or {\"events\": [...]}.", "(body)");
        }
        List<JsonNode> nodes = new ArrayList<>();
        try {
            if (jsonLines) {
                try (var it = mapper.readerFor(JsonNode.class).<JsonNode>readValues(body)) {
                    while (it.hasNextValue()) {
                        add(nodes, it.nextValue());
                    }
                }
            } else {
                JsonNode root = mapper.readTree(body);
                if (root != null && root.isObject() && root.has("events")) {
                    if (!root.get("events").isArray() || root.size() != 1) {
                        throw ProblemException.unprocessable("Send {\"events\": [ ... ]} with nothing else in it.", "events", null);
                    }
                    for (JsonNode e : root.get("events")) {
                        add(nodes, e);
                    }
                } else {
                    add(nodes, root);
                }
            }
        } catch (IOException e) {
            String message = e instanceof com.fasterxml.jackson.core.JsonProcessingException j ? j.getOriginalMessage() : e.getMessage();
            throw ProblemException.badRequest("The request body is not valid JSON: " + message, "(body)");
        }
        if (nodes.isEmpty()) {
            throw ProblemException.unprocessable("No events in the request.", "events", "1.." + MAX_EVENTS_PER_REQUEST + " events");
        }
        List<Problem.FieldError> errors = new ArrayList<>();
        List<Event> events = new ArrayList<>(nodes.size());
        Instant now = Instant.now();
        for (int i = 0; i < nodes.size(); i++) {
            String at = nodes.size() == 1 && !jsonLines ? "" : "events[" + i + "].";
            Event e = event(nodes.get(i), at, now, errors::add);
            if (e != null) {
                events.add(e);
            }
            if (errors.size() >= 100) {
                break;
            }
        }
        if (!errors.isEmpty()) {
            throw ProblemException.unprocessable("No event was stored: " + errors.get(0).field() + " "
                    + errors.get(0).message() + (errors.size() > 1 ? " (and " + (errors.size() - 1) + " more)" : ""), errors);
        }
        return events;
    }

    /**
     * Appends events to a scenario's log in one transaction.
     *
     * @throws ProblemException 404 unknown scenario
     */
    @Transactional
    public AppendResult append(String scenarioId, List<Event> events) {
        int accepted = 0;
        try (Connection c = dataSource.getConnection()) {
            dev.aifunc.scenario.ScenarioRowLock.lockForShare(c, scenarioId);
            try (PreparedStatement ps = c.prepareStatement(
                    "INSERT INTO interaction_event (scenario_id, event_id, user_id, item_id, type, weight, occurred_at) "
                            + "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (scenario_id, event_id) WHERE event_id IS NOT NULL DO NOTHING")) {
                for (int i = 0; i < events.size(); i++) {
                    Event e = events.get(i);
                    ps.setString(1, scenarioId);
                    ps.setString(2, e.eventId());
                    ps.setString(3, e.userId());
                    ps.setString(4, e.itemId());
                    ps.setString(5, e.type());
                    ps.setFloat(6, e.weight());
                    ps.setTimestamp(7, Timestamp.from(e.at()));
                    ps.addBatch();
                    if ((i + 1) % INSERT_BATCH == 0 || i == events.size() - 1) {
                        for (int n : ps.executeBatch()) {
                            accepted += n == Statement.SUCCESS_NO_INFO ? 1 : Math.max(0, n);
                        }
                    }
                }
            }
            return new AppendResult(accepted, events.size() - accepted, revision(c, scenarioId));
        } catch (SQLException e) {
            throw new IllegalStateException("storing events failed", e);
        }
    }

    /** The scenario's event-log revision: the {@code seq} of its newest event, 0 when it has none. */
    public long revision(String scenarioId) {
        try (Connection c = dataSource.getConnection()) {
            return revision(c, scenarioId);
        } catch (SQLException e) {
            throw new IllegalStateException("reading the event revision failed", e);
        }
    }

    /** Counts of a scenario's event log. */
    public Stats stats(String scenarioId) {
        String sql = "SELECT count(*), count(DISTINCT user_id), count(DISTINCT item_id), coalesce(max(seq), 0), max(occurred_at) "
                + "FROM interaction_event WHERE scenario_id = ?";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scenarioId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                Timestamp last = rs.getTimestamp(5);
                return new Stats(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), last == null ? null : last.toInstant());
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading event stats failed", e);
        }
    }

    /** The events of one user, oldest first. */
    public List<Event> ofUser(String scenarioId, String userId) {
        List<Event> events = new ArrayList<>();
        String sql = "SELECT event_id, user_id, item_id, type, weight, occurred_at FROM interaction_event "
                + "WHERE scenario_id = ? AND user_id = ? ORDER BY occurred_at, seq";
        try (Connection c = dataSource.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, scenarioId);
            ps.setString(2, userId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    events.add(read(rs));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading events failed", e);
        }
        return events;
    }

    /**
     * Streams every event of a scenario up to {@code revision} (inclusive), in {@code seq} order, to {@code sink}.
     *
     * @return how many events were read
     */
    public long forEach(String scenarioId, long revision, Consumer<Event> sink) {
        String sql = "SELECT event_id, user_id, item_id, type, weight, occurred_at FROM interaction_event "
                + "WHERE scenario_id = ? AND seq <= ? ORDER BY seq";
        long count = 0;
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false); // lets the driver stream with a fetch size instead of loading every row
            try (PreparedStatement ps = c.prepareStatement(sql)) {
                ps.setFetchSize(10_000);
                ps.setString(1, scenarioId);
                ps.setLong(2, revision);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        sink.accept(read(rs));
                        count++;
                    }
                }
            } finally {
                c.rollback();
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("reading events failed", e);
        }
        return count;
    }

    private static Event read(ResultSet rs) throws SQLException {
        return new Event(rs.getString(1), rs.getString(2), rs.getString(3), rs.getString(4), rs.getFloat(5),
                rs.getTimestamp(6).toInstant());
    }

    private static long revision(Connection c, String scenarioId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT seq FROM interaction_event WHERE scenario_id = ? ORDER BY seq DESC LIMIT 1")) {
            ps.setString(1, scenarioId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    private static void add(List<JsonNode> nodes, JsonNode node) {
        if (nodes.size() >= MAX_EVENTS_PER_REQUEST) {
            throw ProblemException.tooLarge("More than " + MAX_EVENTS_PER_REQUEST + " events in one request; send "
                    + "them in several.", "events", MAX_EVENTS_PER_REQUEST + " events");
        }
        nodes.add(node);
    }

    private static Event event(JsonNode node, String at, Instant now, Consumer<Problem.FieldError> error) {
        if (node == null || !node.isObject()) {
            error.accept(new Problem.FieldError(at.isEmpty() ? "(body)" : at.substring(0, at.length() - 1), null,
                    "must be an event object"));
            return null;
        }
        List<Problem.FieldError> mine = new ArrayList<>();
        for (var it = node.fieldNames(); it.hasNext(); ) {
            String name = it.next();
            if (!List.of("eventId", "userId", "itemId", "type", "weight", "timestamp").contains(name)) {
                mine.add(new Problem.FieldError(at + name, null, "is not an event field (eventId, userId, itemId, type, weight, timestamp)"));
            }
        }
        String userId = id(node, "userId", at, true, mine);
        String itemId = id(node, "itemId", at, true, mine);
        String eventId = id(node, "eventId", at, false, mine);
        String type = "interaction";
        if (node.hasNonNull("type")) {
            type = node.get("type").asText();
            if (!node.get("type").isTextual() || !TYPE.matcher(type).matches()) {
                mine.add(new Problem.FieldError(at + "type", null, "must be 1-64 letters, digits or _ . : -", "64 characters"));
            }
        }
        float weight = 1f;
        if (node.hasNonNull("weight")) {
            JsonNode w = node.get("weight");
            if (!w.isNumber() || !Double.isFinite(w.asDouble()) || Math.abs(w.asDouble()) > 1e6) {
                mine.add(new Problem.FieldError(at + "weight", null, "must be a finite number with |weight| <= 1e6", "1e6"));
            } else {
                weight = (float) w.asDouble();
            }
        }
        Instant when = now;
        if (node.hasNonNull("timestamp")) {
            when = timestamp(node.get("timestamp"));
            if (when == null) {
                mine.add(new Problem.FieldError(at + "timestamp", null,
                        "must be ISO-8601 with an offset (2026-11-30T10:15:00Z) or epoch seconds/milliseconds, from 1970",
                        "1970 .. now + 24 h"));
            } else if (when.isAfter(now.plus(java.time.Duration.ofHours(24)))) {
                mine.add(new Problem.FieldError(at + "timestamp", null,
                        "is more than 24 hours in the future; events happen in the past", "now + 24 h"));
            }
        }
        mine.forEach(error);
        return mine.isEmpty() ? new Event(eventId, userId, itemId, type, weight, when) : null;
    }

    private static String id(JsonNode node, String field, String at, boolean required, List<Problem.FieldError> errors) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                errors.add(new Problem.FieldError(at + field, null, "is required"));
            }
            return null;
        }
        String s = v.isTextual() || v.isIntegralNumber() ? v.asText() : null;
        if (s != null && s.chars().anyMatch(Character::isISOControl)) {
            errors.add(new Problem.FieldError(at + field, null, "must not contain control characters"));
            return null;
        }
        if (s == null || s.isBlank() || s.length() > MAX_ID_CHARS) {
            errors.add(new Problem.FieldError(at + field, null, "must be a string or integer of 1-" + MAX_ID_CHARS
                    + " characters", MAX_ID_CHARS + " characters"));
            return null;
        }
        return s;
    }

    /** ISO-8601 text, or a number of epoch seconds (below 1e11) or milliseconds; null when unreadable or out of range. */
    static Instant timestamp(JsonNode v) {
        Instant at;
        if (v.isNumber()) {
            double n = v.asDouble();
            if (!Double.isFinite(n) || n < 0 || n > 253_402_300_799_000d) {
                return null;
            }
            at = n < 1e11 ? Instant.ofEpochMilli(Math.round(n * 1000)) : Instant.ofEpochMilli(Math.round(n));
        } else if (v.isTextual()) {
            try {
                at = OffsetDateTime.parse(v.asText()).toInstant();
            } catch (DateTimeParseException e) {
                try {
                    at = Instant.parse(v.asText());
                } catch (DateTimeParseException e2) {
                    return null;
                }
            }
        } else {
            return null;
        }
        return at.isBefore(Instant.EPOCH) || at.isAfter(Instant.parse("9999-12-31T23:59:59Z")) ? null : at;
    }
}
