package dev.aifunc.problem;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A domain error that becomes an {@code application/problem+json} response through {@link ProblemMappers}.
 * Carries the HTTP status, the offending field and the limit, so messages say what was wrong with the input.
 */
public class ProblemException extends RuntimeException {

    private final int status;
    private final String title;
    private final String field;
    private final String limit;
    private final List<Problem.FieldError> errors;
    private final Integer retryAfterSeconds;
    private final Map<String, String> headers = new LinkedHashMap<>();

    public ProblemException(int status, String title, String detail, String field, String limit,
                            List<Problem.FieldError> errors, Integer retryAfterSeconds) {
        super(detail);
        this.status = status;
        this.title = title;
        this.field = field;
        this.limit = limit;
        this.errors = errors;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** 404: the named resource does not exist. */
    public static ProblemException notFound(String detail) {
        return new ProblemException(404, "Not Found", detail, null, null, null, null);
    }

    /** 400: the request could not be read (malformed JSON, invalid UTF-8, bad parameter). */
    public static ProblemException badRequest(String detail, String field) {
        return new ProblemException(400, "Bad Request", detail, field, null, null, null);
    }

    /** 422: well-formed input that breaks the schema or a limit. */
    public static ProblemException unprocessable(String detail, String field, String limit) {
        return new ProblemException(422, "Unprocessable Content", detail, field, limit, null, null);
    }

    /** 422 with itemised errors (schema violations, dataset rows). */
    public static ProblemException unprocessable(String detail, List<Problem.FieldError> errors) {
        return new ProblemException(422, "Unprocessable Content", detail,
                errors.isEmpty() ? null : errors.get(0).field(), errors.isEmpty() ? null : errors.get(0).limit(),
                errors, null);
    }

    /** 413: a body or a part of it is larger than the documented limit. */
    public static ProblemException tooLarge(String detail, String field, String limit) {
        return new ProblemException(413, "Content Too Large", detail, field, limit, null, null);
    }

    /** 409: the resource already exists or is in a conflicting state. */
    public static ProblemException conflict(String detail) {
        return new ProblemException(409, "Conflict", detail, null, null, null, null);
    }

    /** 412: an {@code If-Match} precondition failed (someone saved a newer version first). */
    public static ProblemException preconditionFailed(String detail) {
        return new ProblemException(412, "Precondition Failed", detail, "If-Match", null, null, null);
    }

    /** 503 with {@code Retry-After}: a model is still loading. */
    public static ProblemException unavailable(String detail, int retryAfterSeconds) {
        return new ProblemException(503, "Service Unavailable", detail, null, null, null, retryAfterSeconds);
    }

    /** 401: no credentials, or unknown or revoked ones; {@code challenge} becomes {@code WWW-Authenticate}. */
    public static ProblemException unauthorized(String detail, String field, String challenge) {
        return new ProblemException(401, "Unauthorized", detail, field, null, null, null)
                .withHeader("WWW-Authenticate", challenge);
    }

    /** 403: the caller is known but may not do this. */
    public static ProblemException forbidden(String detail, String field) {
        return new ProblemException(403, "Forbidden", detail, field, null, null, null);
    }

    /** 429 with {@code Retry-After}: over a rate limit or quota. */
    public static ProblemException tooManyRequests(String detail, String limit, int retryAfterSeconds) {
        return new ProblemException(429, "Too Many Requests", detail, null, limit, null, retryAfterSeconds);
    }

    /** Adds a response header (e.g. {@code WWW-Authenticate}, {@code RateLimit-Remaining}). */
    public ProblemException withHeader(String name, String value) {
        headers.put(name, value);
        return this;
    }

    /** Extra response headers, in the order they were added. */
    public Map<String, String> headers() {
        return headers;
    }

    public int status() {
        return status;
    }

    public Integer retryAfterSeconds() {
        return retryAfterSeconds;
    }

    /** The problem body for this error at the given request path. */
    public Problem toProblem(String instance) {
        return new Problem("about:blank", title, status, getMessage(), instance, field, limit, errors);
    }
}
