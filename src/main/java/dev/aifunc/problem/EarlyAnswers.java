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
 * <p>
 * {@link #cutOff} is the other kind: an answer while the body is arriving (too slow, too large), after which the
 * endpoint's own later answer fails on the closed response; {@link #wasCut} tells a failure handler so.
 */
public final class EarlyAnswers {

    /** Longest wait, after an early answer, for the client to stop sending before its connection is closed (ms). */
    public static final long LINGER_MS = 10_000;

    private static final String CUT = EarlyAnswers.class.getName() + ".cut";

    private EarlyAnswers() {
    }

    /**
     * Answers {@code problem} while the body is still arriving, and stops it: HTTP/1.1 closes the connection once
     * the answer is written; HTTP/2 drops what the stream still sends (no reset: a reset right after the answer made
     * curl lose the answer). Nothing happens if the endpoint has answered meanwhile.
     */
    public static void cutOff(RoutingContext ctx, Problem problem) {
        HttpServerRequest request = ctx.request();
        HttpServerResponse response = ctx.response();
        boolean http2 = request.version() == HttpVersion.HTTP_2;
        ctx.put(CUT, Boolean.TRUE);
        try {
            if (response.headWritten()) {
                if (http2) {
                    response.reset(0); // this stream only: NO_ERROR asks the client to stop sending (RFC 9113, 8.1)
                } else {
                    request.connection().close();
                }
                return;
            }
            response.setStatusCode(problem.status()).putHeader("Content-Type", "application/problem+json");
            if (http2) {
                request.handler(dropped -> { });
            } else {
                response.putHeader("Connection", "close");
            }
            response.end(Json.encode(problem)).onComplete(done -> {
                if (!http2) {
                    request.connection().close();
                }
            });
        } catch (IllegalStateException answeredMeanwhile) {
            // the endpoint wrote its own answer first: nothing to cut
        }
    }

    /** Whether {@link #cutOff} answered this request. */
    public static boolean wasCut(RoutingContext ctx) {
        return ctx.get(CUT) != null;
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
