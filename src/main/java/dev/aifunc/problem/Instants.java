package dev.aifunc.problem;

import java.time.Instant;

/** Instants given as query parameters: only those PostgreSQL's {@code timestamptz} can compare (years 1 to 9999). */
public final class Instants {

    /** Earliest instant accepted: 0001-01-01T00:00:00Z. */
    public static final Instant MIN = Instant.parse("0001-01-01T00:00:00Z");
    /** Latest instant accepted: 9999-12-31T23:59:59Z. */
    public static final Instant MAX = Instant.parse("9999-12-31T23:59:59Z");

    private Instants() {
    }

    /**
     * Parses an ISO-8601 instant given in the query parameter {@code field} ({@code 2026-12-01T00:00:00Z}).
     *
     * @throws ProblemException 422 naming the field when it is not an instant or outside years 1 to 9999
     */
    public static Instant parse(String text, String field) {
        try {
            return inRange(Instant.parse(text.strip()), field);
        } catch (java.time.format.DateTimeParseException e) {
            throw ProblemException.unprocessable("'" + field + "' must be an ISO-8601 instant such as "
                    + "2026-12-01T00:00:00Z; got '" + text + "'.", field, null);
        }
    }

    /**
     * The instant, if it is within years 1 to 9999.
     *
     * @throws ProblemException 422 naming the field otherwise
     */
    public static Instant inRange(Instant instant, String field) {
        if (instant.isBefore(MIN) || instant.isAfter(MAX)) {
            throw ProblemException.unprocessable("'" + field + "' must be between 0001-01-01T00:00:00Z and "
                    + "9999-12-31T23:59:59Z; got " + instant + ".", field, "years 1 to 9999");
        }
        return instant;
    }
}
