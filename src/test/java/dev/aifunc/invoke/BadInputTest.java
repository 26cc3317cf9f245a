package dev.aifunc.invoke;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.ValidatableResponse;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Hostile and careless input gets the right 4xx problem+json naming the field (and limit), never a 500, and the
 * next valid request still works.
 */
@QuarkusTest
class BadInputTest {

    private static final String ID = "bad-input-sentiment";

    private static boolean created;

    @BeforeEach
    void scenario() {
        Api.awaitReady();
        if (!created) {
            Api.recreate(ID, "review-sentiment", Map.of("language", "en"));
            created = true;
        }
    }

    private static ValidatableResponse problem(io.restassured.response.Response r, int status) {
        ValidatableResponse v = r.then().statusCode(status).contentType("application/problem+json")
                .body("status", equalTo(status)).body("title", notNullValue()).body("detail", notNullValue());
        stillWorks();
        return v;
    }

    private static void stillWorks() {
        Api.invoke(ID, Map.of("text", "Absolutely love it, works perfectly.")).then().statusCode(200)
                .body("label", equalTo("positive"));
    }

    @Test
    void emptyWhitespaceAndInvisibleText() {
        problem(Api.invoke(ID, Map.of("text", "")), 422).body("field", equalTo("text"));
        problem(Api.invoke(ID, Map.of("text", "   \n\t ")), 422).body("field", equalTo("text"));
        problem(Api.invoke(ID, Map.of("text", "\u00a0\u200b\ufeff\u3000")), 422).body("field", equalTo("text"));
    }

    @Test
    void nestingBombsAndTrailingGarbage() throws Exception {
        for (int depth : new int[] {100, 600, 100_000}) {
            String body = "{\"text\": \"ok\", \"x\": " + "[".repeat(depth) + "]".repeat(depth) + "}";
            for (String path : List.of("/api/scenarios/" + ID + "/invoke", "/api/scenarios")) {
                java.net.http.HttpResponse<String> response = rawPost(path, body);
                org.junit.jupiter.api.Assertions.assertEquals(400, response.statusCode(), response.body());
                org.junit.jupiter.api.Assertions.assertEquals("application/problem+json",
                        response.headers().firstValue("Content-Type").orElse(""));
                org.hamcrest.MatcherAssert.assertThat(response.body(), containsString("64"));
            }
            stillWorks();
        }
        problem(given().contentType("application/json").body("{\"text\": \"ok\"} garbage")
                .post("/api/scenarios/" + ID + "/invoke"), 400);
        problem(given().contentType("application/json").body("{\"text\": \"ok\", \"text\": \"again\"}")
                .post("/api/scenarios/" + ID + "/invoke"), 400);
    }

    /** POST without RestAssured, whose request logging would try to pretty-print a nesting bomb. */
    private static java.net.http.HttpResponse<String> rawPost(String path, String json) throws Exception {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port + path))
                .header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + dev.aifunc.support.TestCredentials.adminKey())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(json)).build();
        return java.net.http.HttpClient.newHttpClient().send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bodyOverTheServerLimitIsRefusedBeforeReading() throws Exception {
        // announce 64 MiB + 1 and send nothing: the answer must come from the headers alone
        assertRefusedFromHeaders("PUT", "/api/scenarios/" + ID + "/datasets/examples", "text/csv", 67108865, 67108864);
        stillWorks();
    }

    /** The invoke endpoints' own limits, applied to the announced length: 128 calls in progress cannot hold 64 MiB each. */
    @Test
    void invokeBodiesOverTheirLimitAreRefusedBeforeReading() throws Exception {
        assertRefusedFromHeaders("POST", "/api/scenarios/" + ID + "/invoke", "application/json", 1048577, 1048576, true);
        assertRefusedFromHeaders("POST", "/api/scenarios/" + ID + "/invoke-batch", "application/json", 8388609, 8388608);
        // image templates: 20 MiB of image as base64 plus 64 KiB; unknown scenarios get the same, largest limit
        long imageLimit = 20971520L * 4 / 3 + 65_536;
        Api.recreate("bad-input-image", "product-category", Map.of());
        assertRefusedFromHeaders("POST", "/api/scenarios/bad-input-image/invoke", "image/png", imageLimit + 1, imageLimit);
        assertRefusedFromHeaders("POST", "/api/scenarios/no-such-scenario/invoke", "application/json", imageLimit + 1, imageLimit);
        // a body without a length is counted as it arrives and cut at the same limit
        byte[] chunked = ("{\"text\": \"" + "c".repeat(1_100_000) + "\"}").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://localhost:" + io.restassured.RestAssured.port + "/api/scenarios/" + ID + "/invoke"))
                .version(java.net.http.HttpClient.Version.HTTP_1_1).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + dev.aifunc.support.TestCredentials.adminKey())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofInputStream(() -> new java.io.ByteArrayInputStream(chunked)))
                .build();
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
        org.junit.jupiter.api.Assertions.assertEquals(413, response.statusCode(), response.body());
        org.hamcrest.MatcherAssert.assertThat(response.body(), containsString("\"limit\":\"1048576 bytes\""));
        stillWorks();
    }

    /** Large image bodies in progress at once are bounded by their announced bytes (64 MiB), small calls go on. */
    @Test
    void bodyBytesInProgressAreBounded() throws Exception {
        Api.recreate("bad-input-image", "product-category", Map.of());
        String head = "POST /api/scenarios/bad-input-image/invoke HTTP/1.1\r\nHost: localhost\r\n"
                + "Authorization: Bearer " + dev.aifunc.support.TestCredentials.adminKey() + "\r\n"
                + "Content-Type: image/png\r\nContent-Length: 28000000\r\n\r\n";
        List<java.net.Socket> held = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 2; i++) { // 56 MB announced, nothing sent: held until the body timeout
                java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port);
                socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                held.add(socket);
            }
            Thread.sleep(300);
            String third = rawExchange(head);
            org.hamcrest.MatcherAssert.assertThat(third, org.hamcrest.Matchers.startsWith("HTTP/1.1 503"));
            org.hamcrest.MatcherAssert.assertThat(third.toLowerCase(java.util.Locale.ROOT), containsString("retry-after: 1"));
            org.hamcrest.MatcherAssert.assertThat(third, containsString("max-body-bytes-in-flight"));
            // a one-sentence call fits in what is left
            given().contentType("application/json").body(Map.of("text", "A fine film."))
                    .post("/api/scenarios/" + ID + "/invoke").then().statusCode(200).body("label", notNullValue());
        } finally {
            for (java.net.Socket socket : held) {
                socket.close();
            }
        }
    }

    /** Sends only the headers of a request announcing {@code length} bytes and checks the 413 names {@code limit}. */
    private static void assertRefusedFromHeaders(String method, String path, String contentType, long length, long limit)
            throws Exception {
        assertRefusedFromHeaders(method, path, contentType, length, limit, false);
    }

    /** As above; with {@code waitForClose}, also checks the server closes the connection (EarlyAnswers.LINGER_MS). */
    private static void assertRefusedFromHeaders(String method, String path, String contentType, long length, long limit,
                                                 boolean waitForClose) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write((method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: "
                    + contentType + "\r\nContent-Length: " + length + "\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            StringBuilder received = new StringBuilder();
            byte[] buffer = new byte[1024];
            int n;
            while (received.indexOf("}") < 0 && (n = socket.getInputStream().read(buffer)) > 0) {
                received.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8));
            }
            String response = received.toString();
            org.hamcrest.MatcherAssert.assertThat(path, response, org.hamcrest.Matchers.startsWith("HTTP/1.1 413"));
            org.hamcrest.MatcherAssert.assertThat(response, containsString("application/problem+json"));
            org.hamcrest.MatcherAssert.assertThat(response, containsString("\"limit\":\"" + limit + " bytes\""));
            org.hamcrest.MatcherAssert.assertThat(response.toLowerCase(java.util.Locale.ROOT), containsString("connection: close"));
            if (waitForClose) {
                // the client sends nothing more: the connection is closed after the linger time, not kept open
                long t0 = System.nanoTime();
                socket.setSoTimeout((int) dev.aifunc.problem.EarlyAnswers.LINGER_MS + 5_000);
                while (socket.getInputStream().read(buffer) > 0) {
                    // the rest of the answer
                }
                org.junit.jupiter.api.Assertions.assertTrue(System.nanoTime() - t0 < (dev.aifunc.problem.EarlyAnswers.LINGER_MS + 4_000) * 1_000_000L);
            }
        }
    }

    /** Two inputs FuzzedRequestsTest found giving 500, now a 4xx naming what is wrong. */
    @Test
    void hugeNumbersAndUnparseableContentTypes() {
        Api.recreate("bad-input-similar", "similar-items", Map.of());
        problem(given().contentType("application/json").body("{\"text\": \"a film\", \"topK\": 1e308}")
                .post("/api/scenarios/bad-input-similar/invoke"), 422).body("field", equalTo("topK"));
        problem(given().contentType("application/json").body("{\"text\": \"a film\", \"topK\": -1e999}")
                .post("/api/scenarios/bad-input-similar/invoke"), 422).body("field", equalTo("topK"));
        problem(given().contentType("garbage").body("{}".getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/api/scenarios/" + ID + "/invoke"), 415)
                .body("field", equalTo("Content-Type"));
    }

    @Test
    void missingFieldWrongTypesAndUnknownFields() {
        problem(Api.invoke(ID, Map.of()), 422).body("field", equalTo("text"));
        problem(Api.invoke(ID, Map.of("text", 42)), 422).body("field", equalTo("text"));
        problem(Api.invoke(ID, Map.of("text", List.of("a", "b"))), 422).body("field", equalTo("text"));
        problem(Api.invoke(ID, Map.of("text", "ok", "colour", "blue")), 422).body("detail", containsString("colour"));
        problem(given().contentType("application/json").body("[1, 2]").post("/api/scenarios/" + ID + "/invoke"), 422);
        problem(given().contentType("application/json").body("null").post("/api/scenarios/" + ID + "/invoke"), 422);
    }

    @Test
    void malformedJsonAndInvalidUtf8() {
        problem(given().contentType("application/json").body("{\"text\": ").post("/api/scenarios/" + ID + "/invoke"), 400);
        problem(given().contentType("application/json").body("").post("/api/scenarios/" + ID + "/invoke"), 400);
        byte[] invalidUtf8 = {'{', '"', 't', 'e', 'x', 't', '"', ':', '"', (byte) 0xC3, (byte) 0x28, (byte) 0xFF, '"', '}'};
        problem(given().contentType("application/json").body(invalidUtf8).post("/api/scenarios/" + ID + "/invoke"), 400);
        // forms a lenient decoder reads as other characters: overlong '/' (C0 AF), a code point above U+10FFFF, an
        // encoded surrogate, a sequence cut by the end of the body
        for (byte[] bad : List.of(new byte[] {(byte) 0xC0, (byte) 0xAF}, new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80})) {
            problem(given().contentType("application/json").body(json("{\"text\": \"a ", bad, "\"}"))
                    .post("/api/scenarios/" + ID + "/invoke"), 400).body("detail", containsString("Invalid UTF-8"));
            problem(given().contentType("application/json")
                    .body(json("{\"id\": \"bad-utf8\", \"template\": \"review-sentiment\", \"name\": \"a ", bad, "\"}"))
                    .post("/api/scenarios"), 400).body("detail", containsString("Invalid UTF-8"));
            given().get("/api/scenarios/bad-utf8").then().statusCode(404);
            problem(given().contentType("text/csv").body(json("text,label\nfine film,positive\na ", bad, " film,negative\n"))
                    .put("/api/scenarios/" + ID + "/datasets/examples"), 422).body("detail", containsString("Invalid UTF-8"));
        }
        problem(given().contentType("application/json").body(json("{\"text\": \"a\"}", new byte[] {(byte) 0xE2, (byte) 0x82}, ""))
                .post("/api/scenarios/" + ID + "/invoke"), 400).body("detail", containsString("Invalid UTF-8"));
    }

    private static byte[] json(String before, byte[] middle, String after) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(before.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        out.writeBytes(middle);
        out.writeBytes(after.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return out.toByteArray();
    }

    /** Matrix parameters: the REST layer drops them, so the invoke limits would not recognise the path. */
    @Test
    void matrixParametersInPaths() throws Exception {
        // (sent as written: an HTTP client library would encode the ';')
        for (String path : List.of("/api/scenarios/" + ID + "/invoke;x=1", "/api/scenarios/" + ID + ";v=2/invoke",
                "/api/scenarios/" + ID + "/invoke;jsessionid=1/")) {
            String response = rawExchange("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n"
                    + "Content-Type: application/json\r\nContent-Length: 16\r\n\r\n{\"text\": \"fine\"}");
            org.hamcrest.MatcherAssert.assertThat(path, response, org.hamcrest.Matchers.startsWith("HTTP/1.1 400"));
            org.hamcrest.MatcherAssert.assertThat(response, containsString("application/problem+json"));
            org.hamcrest.MatcherAssert.assertThat(response, containsString("\"field\":\"(path)\""));
            org.hamcrest.MatcherAssert.assertThat(response, containsString("matrix parameters"));
        }
        stillWorks();
    }

    /** Writes {@code head} on a new connection and returns what comes back until the first '}' (at most 10 s). */
    private static String rawExchange(String head) throws Exception {
        try (java.net.Socket socket = new java.net.Socket("127.0.0.1", io.restassured.RestAssured.port)) {
            socket.setSoTimeout(3_000);
            socket.getOutputStream().write(head.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            StringBuilder received = new StringBuilder();
            byte[] buffer = new byte[1024];
            int n;
            try {
                while (received.indexOf("}") < 0 && (n = socket.getInputStream().read(buffer)) > 0) {
                    received.append(new String(buffer, 0, n, java.nio.charset.StandardCharsets.UTF_8));
                }
            } catch (java.net.SocketTimeoutException e) {
                // an answer without a body on a connection left open: the caller's assertions tell
            }
            return received.toString();
        }
    }

    @Test
    void oneMegabyteTextIsOverTheLimit() {
        String big = "a".repeat(1_000_000);
        problem(Api.invoke(ID, Map.of("text", big)), 422).body("field", equalTo("text"))
                .body("detail", containsString("10000")).body("limit", equalTo("maxLength 10000 characters"));
        String huge = "b".repeat(2_000_000);
        problem(Api.invoke(ID, Map.of("text", huge)), 413).body("limit", equalTo("1048576 bytes"));
    }

    @Test
    void wrongContentType() {
        problem(given().contentType("text/plain").body("{\"text\": \"hello\"}").post("/api/scenarios/" + ID + "/invoke"), 415)
                .body("field", equalTo("Content-Type"));
        problem(given().contentType("application/xml").body("<text>hi</text>").post("/api/scenarios/" + ID + "/invoke"), 415);
    }

    @Test
    void noContentTypeAtAllIsA415() throws Exception {
        // java.net.http sends no Content-Type unless told to (RestAssured always adds one)
        var response = java.net.http.HttpClient.newHttpClient().send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create(io.restassured.RestAssured.baseURI + ":" + io.restassured.RestAssured.port
                                + "/api/scenarios/" + ID + "/invoke"))
                .header("Authorization", "Bearer " + dev.aifunc.support.TestCredentials.adminKey())
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"text\": \"hello\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        org.junit.jupiter.api.Assertions.assertEquals(415, response.statusCode(), response.body());
        org.junit.jupiter.api.Assertions.assertTrue(response.body().contains("\"field\":\"Content-Type\""), response.body());
        // a form sent to a text scenario: also 415, naming what it takes
        problem(given().multiPart("text", "hello").post("/api/scenarios/" + ID + "/invoke"), 415)
                .body("field", equalTo("Content-Type"));
    }

    @Test
    void emptyAndOversizedBatches() {
        problem(given().contentType("application/json").body(Map.of("inputs", List.of()))
                .post("/api/scenarios/" + ID + "/invoke-batch"), 422).body("field", equalTo("inputs"));
        problem(given().contentType("application/json").body(Map.of("items", List.of()))
                .post("/api/scenarios/" + ID + "/invoke-batch"), 422).body("field", equalTo("inputs"));
        List<Map<String, String>> many = java.util.Collections.nCopies(257, Map.of("text", "fine"));
        problem(given().contentType("application/json").body(Map.of("inputs", many))
                .post("/api/scenarios/" + ID + "/invoke-batch"), 422).body("limit", equalTo("256 items"));
    }

    @Test
    void unknownScenarioAndTemplate() {
        problem(Api.invoke("no-such-scenario", Map.of("text", "hi")), 404);
        problem(given().contentType("application/json")
                .body(Map.of("id", "x1", "template", "mind-reading", "name", "x")).post("/api/scenarios"), 422)
                .body("field", equalTo("template"));
        problem(given().contentType("application/json").body("{\"id\": 5}").post("/api/scenarios"), 422);
        problem(given().contentType("application/json").post("/api/scenarios"), 422).body("field", equalTo("(body)"));
        problem(given().contentType("application/json").body("{\"id\": \"m1\",").post("/api/scenarios"), 400);
        problem(given().contentType("application/json")
                .body(Map.of("id", "x2", "template", "review-sentiment", "name", "x", "colour", "blue"))
                .post("/api/scenarios"), 400).body("detail", containsString("colour"));
        problem(given().contentType("application/json")
                .body(Map.of("id", "x3", "template", "review-sentiment", "name", "x", "config", Map.of("modelPack", "gpt-4")))
                .post("/api/scenarios"), 422).body("field", equalTo("config.modelPack"))
                .body("detail", containsString("bge-small-en-v1.5"));
    }

    @Test
    void cjkAndEmojiAreFine() {
        Api.invoke(ID, Map.of("text", "I love it 😍😍 best purchase ever 🎉")).then().statusCode(200)
                .body("label", equalTo("positive"));
        Api.invoke(ID, Map.of("text", "😡👎")).then().statusCode(200).body("label", notNullValue());
        Api.invoke(ID, Map.of("text", "这个产品非常好用")).then().statusCode(200).body("label", notNullValue());
    }

    @Test
    void badDatasetUploadsChangeNothing() {
        Api.recreate("bad-dataset-faq", "faq-matching", Map.of("language", "en"));
        given().contentType("text/csv").body("question,answer\nWhere is my parcel?,Track it under Orders.\n")
                .put("/api/scenarios/bad-dataset-faq/datasets/faq").then().statusCode(200).body("rows", equalTo(1));
        problem(given().contentType("text/csv").body("question,answer\nOk?,Yes\n,missing question\nAlso ok?,Yes\n")
                .put("/api/scenarios/bad-dataset-faq/datasets/faq"), 422)
                .body("errors[0].line", equalTo(3)).body("detail", containsString("Nothing was changed"));
        problem(given().contentType("application/x-ndjson").body("{\"question\":\"a\",\"answer\":\"b\"}\n{broken\n".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .put("/api/scenarios/bad-dataset-faq/datasets/faq"), 422).body("errors[0].line", equalTo(2));
        problem(given().contentType("text/csv; charset=UTF-8").body("question,answer\n\"Multi\nline?\",Yes\n,no question\n")
                .put("/api/scenarios/bad-dataset-faq/datasets/faq"), 422).body("errors[0].line", equalTo(4));
        problem(given().contentType("text/csv").body("text,label\nhi,greeting\n")
                .put("/api/scenarios/bad-dataset-faq/datasets/examples"), 422).body("field", equalTo("name"))
                .body("detail", containsString("[faq]"));
        problem(given().contentType("text/csv").body("text,label\nGreat value,positive\nPrinter jam,facilities\n")
                .put("/api/scenarios/" + ID + "/datasets/examples"), 422).body("errors[0].line", equalTo(3))
                .body("errors[0].message", containsString("facilities"));
        problem(given().contentType("application/pdf").body("%PDF".getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .put("/api/scenarios/bad-dataset-faq/datasets/faq"), 415);
        given().get("/api/scenarios/bad-dataset-faq/datasets/faq").then().statusCode(200)
                .body("rows", equalTo(1)).body("revision", equalTo(1))
                .body("sample[0].question", equalTo("Where is my parcel?"));
    }
}
