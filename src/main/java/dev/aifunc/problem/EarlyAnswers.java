package dev.aifunc.problem;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.Json;
import io.vertx.ext.web.RoutingContext;

/**
 * Answers sent before the request body is read (413 from the announced length, 400 for a path no layer can read).
 * HTTP/1.x: the answer says {@code Connection: close}; the connection closes once the client has stopped sending
 * (the HTTP layer reads and drops the rest of the body), or at the latest {@value #LINGER_MS} ms after the answer,
 * so that a client that announced a body and sends nothing does not keep its connection for the idle timeout.
 * Closing at once could reset the connection before the client reads the answer. HTTP/2: only the stream ends.
 */
public final class EarlyAnswers {

    /** Longest wait, after an early answer, for the client to stop sending before its connection is closed (ms). */
    public static final long LINGER_MS = 10_000;

    private EarlyAnswers() {
    }

    /** Sends {@code problem} as problem+json with its status, as described above. */
    public static void problem(RoutingContext ctx, Problem problem) {
        send(ctx, problem.status(), "application/problem+json", Json.encode(problem));
    }

    /** Sends {@code body} with this status and content type, as described above. */
    public static void send(RoutingContext ctx, int status, String contentType, String body) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response().setStatusCode(status).putHeader("Content-Type", contentType);
        boolean http1 = request.version() != HttpVersion.HTTP_2;
        if (http1) {
            response.putHeader("Connection", "close"); // HTTP/2 has no such header
        }
        response.end(body).onComplete(done -> {
            if (http1 && !request.isEnded()) {
                ctx.vertx().setTimer(LINGER_MS, id -> request.connection().close()); // no-op once closed
            }
        });
    }
}
