package dev.aifunc.problem;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.util.List;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every error into an RFC 9457 {@code application/problem+json} response: domain errors keep their status,
 * unreadable JSON becomes 400 naming the field, bean-validation failures 422, framework errors (404, 405, 415)
 * keep theirs. Anything unexpected is logged and answered 500 without internals.
 */
public class ProblemMappers {

    /** The media type of every error body. */
    public static final String PROBLEM_JSON = "application/problem+json";

    private static final Logger LOG = Logger.getLogger(ProblemMappers.class);

    /** Builds the response for a problem, adding {@code Retry-After} when the problem has one. */
    public static Response response(Problem problem, Integer retryAfterSeconds) {
        Response.ResponseBuilder builder = Response.status(problem.status()).type(PROBLEM_JSON).entity(problem);
        if (retryAfterSeconds != null) {
            builder.header("Retry-After", retryAfterSeconds);
        }
        return builder.build();
    }

    @ServerExceptionMapper
    public Response problem(ProblemException e, UriInfo uri) {
        Response response = response(e.toProblem(path(uri)), e.retryAfterSeconds());
        e.headers().forEach((name, value) -> response.getHeaders().add(name, value));
        return response;
    }

    @ServerExceptionMapper
    public Response unreadableJson(JsonProcessingException e, UriInfo uri) {
        String field = null;
        if (e instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining(".")).replace(".[", "[");
        }
        String detail = "The request body is not valid JSON for this operation: " + parserMessage(e);
        return response(new Problem("about:blank", "Bad Request", 400, detail, path(uri), field, null, null), null);
    }

    /**
     * Jackson's message for people: without its advice to programmers ("enable JsonReadFeature...") and without
     * Java type names.
     */
    public static String parserMessage(com.fasterxml.jackson.core.JsonProcessingException e) {
        String message = e.getOriginalMessage() == null ? "unreadable" : e.getOriginalMessage();
        message = message.replaceAll("\\s*\\(?\\s*(or )?(enable|disable) `[^`]*`[^)]*\\)?", "");
        message = message.replaceAll("`(java\\.|dev\\.aifunc\\.)[\\w.$]*`", "this field's type");
        return message.strip();
    }

    @ServerExceptionMapper
    public Response mismatchedInput(com.fasterxml.jackson.databind.exc.MismatchedInputException e, UriInfo uri) {
        return unreadableJson(e, uri);
    }

    @ServerExceptionMapper
    public Response violation(io.quarkus.hibernate.validator.runtime.jaxrs.ResteasyReactiveViolationException e,
                              UriInfo uri) {
        return constraintViolation(e, uri);
    }

    @ServerExceptionMapper
    public Response constraintViolation(ConstraintViolationException e, UriInfo uri) {
        List<Problem.FieldError> errors = e.getConstraintViolations().stream()
                .map(v -> leafPath(v).equals("(body)")
                        ? new Problem.FieldError("(body)", null, "is missing: send a JSON object")
                        : new Problem.FieldError(leafPath(v), null, v.getMessage()))
                .sorted((a, b) -> a.field().compareTo(b.field()))
                .toList();
        String detail = errors.stream().map(err -> err.field() + ": " + err.message()).collect(Collectors.joining("; "));
        return response(new Problem("about:blank", "Unprocessable Content", 422, detail, path(uri),
                errors.isEmpty() ? null : errors.get(0).field(), null, errors), null);
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e, UriInfo uri) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            LOG.error("Request failed", e);
        }
        Response.StatusType type = e.getResponse().getStatusInfo();
        Throwable cause = e.getCause();
        while (cause != null && !(cause instanceof JsonProcessingException)) {
            cause = cause.getCause();
        }
        if (status == 400 && cause instanceof JsonProcessingException json) {
            return unreadableJson(json, uri);
        }
        String detail = switch (status) {
            case 404 -> "No resource at " + path(uri) + ".";
            case 405 -> "This method is not allowed on " + path(uri) + ".";
            case 415 -> "Unsupported media type: send the body as the operation documents (usually application/json).";
            case 413 -> "A part of the request is larger than allowed: form fields other than files are limited to "
                    + "64 KiB (send images as file parts).";
            case 406 -> "The Accept header asks for a media type this operation cannot produce.";
            default -> e.getMessage();
        };
        Response.ResponseBuilder builder = Response.status(status).type(PROBLEM_JSON)
                .entity(new Problem("about:blank", type.getReasonPhrase(), status, detail, path(uri), null, null, null));
        e.getResponse().getHeaders().forEach((name, values) -> {
            if (!name.equalsIgnoreCase("Content-Type") && !name.equalsIgnoreCase("Content-Length")) {
                values.forEach(v -> builder.header(name, v));
            }
        });
        return builder.build();
    }

    @ServerExceptionMapper
    public Response unreadableBody(java.io.IOException e, UriInfo uri) {
        return response(new Problem("about:blank", "Bad Request", 400, "The request body could not be read: "
                + e.getMessage(), path(uri), "(body)", null, null), null);
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e, UriInfo uri) {
        if (databaseUnavailable(e)) {
            LOG.warnf("PostgreSQL is unreachable on %s: %s", path(uri), e.getMessage());
            return Response.fromResponse(response(new Problem("about:blank", "Service Unavailable", 503,
                    "The database is unreachable; retry in a few seconds. Scenarios already prepared keep answering.",
                    path(uri), null, null, null), null)).header("Retry-After", "5").build();
        }
        LOG.error("Unexpected error on " + path(uri), e);
        return response(new Problem("about:blank", "Internal Server Error", 500,
                "The service failed to handle this request; the error was logged.", path(uri), null, null, null), null);
    }

    /**
     * Whether a failure comes from not reaching PostgreSQL (connection refused, pool timeout, SQLSTATE class 08),
     * which is a 503 to retry, not a 500.
     */
    public static boolean databaseUnavailable(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof java.sql.SQLTransientConnectionException || t instanceof java.net.ConnectException
                    || t instanceof org.hibernate.exception.JDBCConnectionException) {
                return true;
            }
            // 08: connection exceptions; 57P: the server shutting down or restarting (57P01 admin_shutdown, ...)
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null
                    && (sql.getSQLState().startsWith("08") || sql.getSQLState().startsWith("57P"))) {
                return true;
            }
            if (t instanceof java.net.SocketTimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String leafPath(ConstraintViolation<?> v) {
        // "create.arg0.name" -> "name": drop the method and parameter segments of a method-validation path
        String p = v.getPropertyPath().toString();
        String[] parts = p.split("\\.");
        if (parts.length == 2) {
            return "(body)"; // the method parameter itself: the body is missing
        }
        return parts.length > 2 ? String.join(".", java.util.Arrays.copyOfRange(parts, 2, parts.length)) : p;
    }

    private static String path(UriInfo uri) {
        return uri == null ? null : "/" + uri.getPath().replaceFirst("^/", "");
    }
}
