package dev.aifunc.invoke;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import dev.aifunc.usage.UsageRecorder;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import jakarta.inject.Inject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Requests found by a new user trying to break the service: a cross-site page posting to the API, NUL characters in
 * ids and names, the same id created four times at once; and slow-loris style traffic: bodies sent too slowly to
 * hold the invoke places, headers that never end, headers and URLs over the size limits. Each gets a clear 4xx,
 * and the service keeps serving (and counting usage) afterwards. The test profile's body timeout is 3 s
 * ({@code %test.aifunc.http.body-timeout}; 20 s in production), its read timeout 6 s (60 s).
 */
@QuarkusTest
class HostileRequestsTest {

    @Inject
    UsageRecorder usage;

    @Test
    void anotherSitesPageCannotChangeScenarios() {
        Api.recreate("hostile-target", "text-embedding", Map.of());
        given().contentType(ContentType.JSON).body(Map.of("name", "v2", "config", Map.of("language", "zh")))
                .put("/api/scenarios/hostile-target").then().statusCode(200);
        // a "simple" request a browser sends from any page without asking first
        given().header("Origin", "http://evil.example").contentType("text/plain").body("x")
                .post("/api/scenarios/hostile-target/versions/1/activate").then().statusCode(403);
        given().get("/api/scenarios/hostile-target").then().body("version", equalTo(2));
        // the same request from the service's own pages, or without Origin (curl, SDKs), works
        given().contentType("text/plain").body("x").post("/api/scenarios/hostile-target/versions/1/activate")
                .then().statusCode(200);
    }

    @Test
    void nulCharactersAreRefusedAndUsageKeepsCounting() throws Exception {
        Api.recreate("hostile-nul", "text-embedding", Map.of());
        given().urlEncodingEnabled(false).contentType(ContentType.JSON).body(Map.of("text", "x"))
                .post("/api/scenarios/%00/invoke")
                .then().statusCode(404).body("field", equalTo("(path)"));
        given().urlEncodingEnabled(false).get("/api/scenarios/a%00b").then().statusCode(404).body("field", equalTo("(path)"));
        given().contentType(ContentType.JSON).body("{\"id\":\"hostile-nul-2\",\"template\":\"text-embedding\",\"name\":\"bad\\u0000name\"}")
                .post("/api/scenarios").then().statusCode(400).contentType("application/problem+json");
        given().contentType(ContentType.JSON).body("{\"events\":[{\"userId\":\"u\\u0000\",\"itemId\":\"i\"}]}")
                .post("/api/scenarios/hostile-nul/events").then().statusCode(422); // the events reader's own check
        usage.flush();
        java.time.Instant from = java.time.Instant.now().minusSeconds(1);
        Api.invoke("hostile-nul", Map.of("text", "still counted")).then().statusCode(200);
        usage.flush();
        given().queryParam("from", from.toString()).get("/api/scenarios/hostile-nul/usage").then().statusCode(200)
                .body("total.calls", equalTo(1));
        // NUL anywhere in any JSON body: an invoke input, a key's scope, a config string
        given().contentType(ContentType.JSON).body("{\"text\":\"a\\u0000b\"}").post("/api/scenarios/hostile-nul/invoke")
                .then().statusCode(400).body("detail", org.hamcrest.Matchers.containsString("NUL"));
        given().contentType(ContentType.JSON).body("{\"name\":\"k\",\"scenarios\":[\"r\\u0000s\"]}").post("/api/keys")
                .then().statusCode(400);
    }

    /**
     * More slow invoke bodies than {@code aifunc.invoke.max-in-flight} hold every place (a real call gets 503), until
     * the body timeout answers each with 408 and closes it; then the real call is served again. One of them sends a
     * byte every 200 ms, which does not buy it more time.
     */
    @Test
    void slowBodiesAreCutOffAndFreeTheirPlaces() throws Exception {
        Api.recreate("hostile-slow", "text-embedding", Map.of());
        int places = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("aifunc.invoke.max-in-flight", Integer.class);
        List<java.net.Socket> slow = new ArrayList<>();
        Thread trickler = null;
        try {
            for (int i = 0; i < places + 2; i++) {
                java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port);
                socket.setSoTimeout(30_000);
                send(socket, "POST /api/scenarios/hostile-slow/invoke HTTP/1.1\r\nHost: localhost\r\n"
                        + "Authorization: Bearer " + dev.aifunc.support.TestCredentials.adminKey() + "\r\n"
                        + "Content-Type: application/json\r\nContent-Length: 4000\r\n\r\n{\"text\": \"");
                slow.add(socket);
            }
            java.net.Socket trickling = slow.get(0);
            trickler = new Thread(() -> {
                try {
                    for (int i = 0; i < 200; i++) {
                        send(trickling, "a");
                        Thread.sleep(200);
                    }
                } catch (Exception closed) {
                    // cut off, as expected
                }
            });
            trickler.start();
            awaitInFlight(places); // every slow request has its place
            Api.invoke("hostile-slow", Map.of("text", "a real caller")).then().statusCode(503)
                    .header("Retry-After", "1");
            long start = System.nanoTime();
            int cut = 0;
            int refused = 0;
            for (java.net.Socket socket : slow) {
                String answer = readResponse(socket);
                if (answer.startsWith("HTTP/1.1 503")) {
                    refused++; // over the limit: refused at once, before its body
                    continue;
                }
                org.hamcrest.MatcherAssert.assertThat(answer, org.hamcrest.Matchers.startsWith("HTTP/1.1 408"));
                org.hamcrest.MatcherAssert.assertThat(answer, org.hamcrest.Matchers.containsString("application/problem+json"));
                org.hamcrest.MatcherAssert.assertThat(answer, org.hamcrest.Matchers.containsString("aifunc.http.body-timeout"));
                assertEquals(-1, socket.getInputStream().read(), "the connection is closed after the 408");
                cut++;
            }
            assertEquals(places, cut, "every slow body that got a place is cut off");
            assertEquals(2, refused, "the two over the limit were refused");
            System.out.printf("HostileRequestsTest: %d slow bodies cut off with 408 within %.1f s of the real call's 503%n",
                    cut, (System.nanoTime() - start) / 1e9);
            Api.invoke("hostile-slow", Map.of("text", "a real caller")).then().statusCode(200)
                    .body("embedding.size()", equalTo(384));
        } finally {
            if (trickler != null) {
                trickler.interrupt();
            }
            for (java.net.Socket socket : slow) {
                socket.close();
            }
        }
    }

    /**
     * A dataset upload is read as a stream while it is stored, so it is not under the body timeout; a client that
     * stops sending half-way fails (a 4xx, or its connection is closed) after {@code quarkus.http.read-timeout} (6 s
     * in the test profile) and nothing changes.
     */
    @Test
    void anUploadThatStopsHalfWayFailsAndChangesNothing() throws Exception {
        Api.recreate("hostile-upload", "review-sentiment", Map.of());
        given().contentType("text/csv").body("text,label\nA lovely film,positive\nA dreadful film,negative\n")
                .put("/api/scenarios/hostile-upload/datasets/examples").then().statusCode(200).body("rows", equalTo(2));
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(30_000);
            send(socket, "PUT /api/scenarios/hostile-upload/datasets/examples HTTP/1.1\r\nHost: localhost\r\n"
                    + "Authorization: Bearer " + dev.aifunc.support.TestCredentials.adminKey() + "\r\n"
                    + "Content-Type: text/csv\r\nContent-Length: 100000\r\n\r\ntext,label\ngreat film,positive\n");
            long start = System.nanoTime();
            String answer = readResponse(socket);
            long ms = (System.nanoTime() - start) / 1_000_000;
            // a 4xx problem, or the connection closed without one: either way the upload has failed, in time, and
            // by the read timeout (6 s), not by the body timeout (3 s), which does not apply to streamed uploads
            if (!answer.isEmpty()) {
                org.hamcrest.MatcherAssert.assertThat(answer, org.hamcrest.Matchers.matchesPattern("(?s)HTTP/1\\.1 4\\d\\d.*"));
                org.hamcrest.MatcherAssert.assertThat(answer, org.hamcrest.Matchers.containsString("application/problem+json"));
                org.hamcrest.MatcherAssert.assertThat(answer, org.hamcrest.Matchers.not(org.hamcrest.Matchers.startsWith("HTTP/1.1 408")));
            }
            assertTrue(ms >= 5_000 && ms < 20_000, "the stalled upload ended after " + ms + " ms, not by the read timeout");
        }
        given().get("/api/scenarios/hostile-upload/datasets/examples").then().statusCode(200).body("rows", equalTo(2));
        Api.invoke("hostile-upload", Map.of("text", "A wonderful film.")).then().statusCode(200)
                .body("label", equalTo("positive"));
    }

    /**
     * Connections whose headers never end (the classic slow-loris) take no invoke place and no worker thread: with
     * three times {@code max-in-flight} of them open, real calls are all served. Headers over
     * {@code quarkus.http.limits.max-header-size} (20 KiB) get 431, a request line over 4 KiB gets 414.
     */
    @Test
    void endlessAndOversizedHeadersAreRefused() throws Exception {
        Api.recreate("hostile-headers", "text-embedding", Map.of());
        int places = org.eclipse.microprofile.config.ConfigProvider.getConfig()
                .getValue("aifunc.invoke.max-in-flight", Integer.class);
        List<java.net.Socket> endless = new ArrayList<>();
        try {
            for (int i = 0; i < 3 * places; i++) {
                java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port);
                send(socket, "POST /api/scenarios/hostile-headers/invoke HTTP/1.1\r\nHost: localhost\r\nX-Slow: a");
                endless.add(socket);
            }
            for (int i = 0; i < 20; i++) {
                Api.invoke("hostile-headers", Map.of("text", "served while " + endless.size() + " headers dangle"))
                        .then().statusCode(200).body("embedding.size()", equalTo(384));
            }
        } finally {
            for (java.net.Socket socket : endless) {
                socket.close();
            }
        }
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(10_000);
            send(socket, "GET /api/scenarios HTTP/1.1\r\nHost: localhost\r\nX-Big: " + "a".repeat(30_000)
                    + "\r\n\r\n");
            org.hamcrest.MatcherAssert.assertThat(readAll(socket), org.hamcrest.Matchers.matchesPattern("(?s)HTTP/1\\.[01] 431.*"));
        }
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(10_000);
            send(socket, "GET /api/scenarios/" + "a".repeat(8_000) + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
            org.hamcrest.MatcherAssert.assertThat(readAll(socket), org.hamcrest.Matchers.matchesPattern("(?s)HTTP/1\\.[01] 414.*"));
        }
        Api.invoke("hostile-headers", Map.of("text", "still served")).then().statusCode(200);
    }

    /** Waits (at most 2 s) until {@code aifunc_invoke_in_flight} reads {@code n}. */
    private static void awaitInFlight(int n) throws InterruptedException {
        String expected = "aifunc_invoke_in_flight " + n + ".0";
        for (long until = System.nanoTime() + 2_000_000_000L; System.nanoTime() < until; ) {
            if (given().get("/q/metrics").asString().lines().anyMatch(expected::equals)) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the slow requests never held " + n + " places");
    }

    private static void send(java.net.Socket socket, String text) throws java.io.IOException {
        socket.getOutputStream().write(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        socket.getOutputStream().flush();
    }

    /** One HTTP/1.1 response: status line, headers and a {@code Content-Length} body. */
    private static String readResponse(java.net.Socket socket) throws java.io.IOException {
        java.io.InputStream in = socket.getInputStream();
        java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream();
        int b;
        while ((b = in.read()) >= 0) {
            head.write(b);
            if (head.toString(java.nio.charset.StandardCharsets.US_ASCII).endsWith("\r\n\r\n")) {
                break;
            }
        }
        String headers = head.toString(java.nio.charset.StandardCharsets.US_ASCII);
        java.util.regex.Matcher length = java.util.regex.Pattern.compile("(?i)content-length: *(\\d+)").matcher(headers);
        byte[] body = length.find() ? in.readNBytes(Integer.parseInt(length.group(1))) : new byte[0];
        return headers + new String(body, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** Everything the server sends until it closes the connection (or its read timeout passes). */
    private static String readAll(java.net.Socket socket) throws java.io.IOException {
        java.io.ByteArrayOutputStream received = new java.io.ByteArrayOutputStream();
        byte[] buffer = new byte[4096];
        int n;
        try {
            while ((n = socket.getInputStream().read(buffer)) > 0) {
                received.write(buffer, 0, n);
            }
        } catch (java.net.SocketTimeoutException timeout) {
            received.write("[no end after the read timeout]".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        } catch (java.net.SocketException reset) {
            // closed by the server after its answer
        }
        return received.toString(java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void theSameIdCreatedFourTimesAtOnceGivesOneScenarioAndThreeConflicts() throws Exception {
        given().delete("/api/scenarios/hostile-race");
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            List<Future<Integer>> calls = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                calls.add(pool.submit((Callable<Integer>) () -> given().contentType(ContentType.JSON)
                        .body(Map.of("id", "hostile-race", "template", "text-embedding", "name", "race"))
                        .post("/api/scenarios").statusCode()));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Integer> f : calls) {
                statuses.add(f.get());
            }
            assertEquals(1, statuses.stream().filter(s -> s == 201).count(), statuses.toString());
            assertEquals(3, statuses.stream().filter(s -> s == 409).count(), statuses.toString());
        } finally {
            pool.shutdownNow();
        }
    }
}
