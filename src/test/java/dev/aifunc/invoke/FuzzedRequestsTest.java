package dev.aifunc.invoke;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.impl.Constraint;

import static org.quicktheories.QuickTheory.qt;

/**
 * A property-based fuzzing run (QuickTheories: generated inputs, shrunk to the smallest failing one) over the invoke
 * and admin API: random JSON built from the templates' field names, broken JSON and UTF-8, mutated and oversized
 * images (a PNG whose header claims 50,000 x 50,000 pixels), random CSV and JSON Lines datasets and evaluation
 * files, random ids, versions and query parameters, with and without content types. Property: no answer is a
 * server error (5xx), other than 503 with {@code Retry-After} (back-pressure), and every 4xx of {@code /api} is
 * problem+json whose {@code status} is the HTTP status (but 414 and 431, which the HTTP codec sends without a body,
 * and answers to HEAD). Accept headers vary too, valid and not. Afterwards the service still answers correctly.
 * <p>
 * Bounded in time: {@code -Dfuzz.seconds} (90 by default). The seed changes with every run; a failure prints it
 * with the shrunk request.
 */
@QuarkusTest
class FuzzedRequestsTest {

    private static final List<String> TARGETS = List.of("fz-embed", "fz-sentiment", "fz-faq", "fz-similar",
            "fz-product", "fz-ocr", "fz-faces", "fz-foryou");
    private static final List<String> TEMPLATES = List.of("text-embedding", "review-sentiment", "faq-matching",
            "similar-items", "product-category", "ocr", "face-anonymization", "personalized-recommendations",
            "text-classification", "text-similarity", "image-classification", "no-such-template", "");
    private static final List<String> KEYS = List.of("text", "texts", "inputs", "question", "image", "itemId",
            "userId", "topK", "items", "k", "language", "labels", "faq", "answer", "examples", "threshold", "config",
            "name", "id", "template", "version", "output", "minScore", "halfLifeDays", "modelPack", "", "\u0000",
            "x".repeat(300));
    private static final List<String> STRINGS = List.of("", " ", "\u0000", "\t\n", "\uD83D\uDE00", "\u202Eevil",
            "-1", "NaN", "1e309", "null", "true", "../../etc/passwd", "%00", "%2F", "<script>alert(1)</script>",
            "' OR 1=1 --", "fz-sentiment", "u3", "i1", "en", "zh", "positive", "x".repeat(5000),
            "这家餐厅很好吃", "data:image/png;base64,AAAA", "iVBORw0KGgo=", "=".repeat(9));
    private static final List<String> NUMBERS = List.of("0", "-1", "1", "3", "100", "101", "2147483647",
            "-2147483648", "9007199254740993", "1e18", "0.5", "-0.0", "1e308", "1e-320", "1e999999",
            "123456789012345678901234567890", "1.0e2");
    private static final List<String> CONTENT_TYPES = List.of("application/json", "application/json; charset=utf-8",
            "text/plain", "text/csv", "application/x-ndjson", "image/png", "image/jpeg", "application/octet-stream",
            "multipart/form-data; boundary=fz", "application/json; charset=latin1", "garbage", "");

    private static final List<String> ACCEPTS = List.of("", "", "", "application/json", "*/*", "/", "garbage",
            "image/png", "text/html", "application/problem+json;q=0.5, */*;q=0.1", "image/*;q=abc", ";;;");

    /** One generated HTTP request. */
    record Call(String method, String path, String contentType, byte[] body, String accept) {
        Call(String method, String path, String contentType, byte[] body) {
            this(method, path, contentType, body, "");
        }

        Call withAccept(String value) {
            return new Call(method, path, contentType, body, value);
        }

        @Override
        public String toString() {
            String shown = new String(body, 0, Math.min(body.length, 300), StandardCharsets.UTF_8);
            return method + " " + path + " [" + contentType + "]" + (accept.isEmpty() ? "" : " Accept: " + accept)
                    + " " + body.length + " bytes: " + shown;
        }
    }

    private final Map<Integer, Integer> statuses = new TreeMap<>();
    private byte[] png;
    private byte[] jpeg;

    @Test
    void noRequestGetsAServerError() throws Exception {
        Api.recreate("fz-embed", "text-embedding", Map.of());
        Api.recreate("fz-sentiment", "review-sentiment", Map.of());
        Api.recreate("fz-faq", "faq-matching", Map.of("language", "en", "faq", List.of(
                Map.of("question", "When are you open?", "answer", "9 to 5."))));
        Api.recreate("fz-similar", "similar-items", Map.of());
        Api.recreate("fz-product", "product-category", Map.of());
        Api.recreate("fz-ocr", "ocr", Map.of());
        Api.recreate("fz-faces", "face-anonymization", Map.of());
        Api.recreate("fz-foryou", "personalized-recommendations", Map.of());
        png = resource("/images/card-palette.png");
        jpeg = resource("/images/card-progressive.jpg");

        long seconds = Long.getLong("fuzz.seconds", 90);
        long start = System.nanoTime();
        qt().withExamples(1_000_000).withTestingTime(seconds, TimeUnit.SECONDS).withShrinkCycles(200)
                .forAll(calls()).checkAssert(this::sendAndCheck);
        int total = statuses.values().stream().mapToInt(Integer::intValue).sum();
        System.out.printf("FuzzedRequestsTest: %d requests in %.0f s, statuses %s%n", total,
                (System.nanoTime() - start) / 1e9, statuses);
        assertTrue(total > 300, "too few requests to call it a fuzzing run: " + total);

        // still serving, with the right answers
        Api.recreate("fz-after", "review-sentiment", Map.of());
        Api.invoke("fz-after", Map.of("text", "An absolutely wonderful film, I loved every minute of it."))
                .then().statusCode(200).body("label", equalTo("positive"));
        Api.recreate("fz-after-faq", "faq-matching", Map.of("language", "en", "faq", List.of(
                Map.of("question", "When are you open?", "answer", "9 to 5."))));
        Api.invoke("fz-after-faq", Map.of("question", "what are your opening hours?")).then().statusCode(200)
                .body("match.answer", equalTo("9 to 5."));
        given().delete("/api/scenarios/fz-after");
        given().delete("/api/scenarios/fz-after-faq");
        for (String id : TARGETS) {
            given().delete("/api/scenarios/" + id);
        }
    }

    private void sendAndCheck(Call call) {
        RequestSpecification request = given().urlEncodingEnabled(false);
        if (!call.contentType().isEmpty()) {
            request = request.contentType(call.contentType());
        }
        // a request line over 4 KiB gets 414 from the HTTP codec, which closes the connection at once: a body being
        // sent then breaks the client's pipe, so such calls go without one (the codec never reads it anyway)
        boolean lineTooLong = call.method().length() + call.path().length() + " HTTP/1.1".length() + 1 > 4096;
        if (call.body().length > 0 && !lineTooLong) {
            request = request.body(call.body());
        }
        if (!call.accept().isEmpty()) {
            request = request.header("Accept", call.accept());
        }
        Response response = request.request(call.method(), call.path());
        int status = response.statusCode();
        statuses.merge(status, 1, Integer::sum);
        if (status == 503) {
            assertTrue(response.header("Retry-After") != null, "503 without Retry-After for " + call);
            return;
        }
        assertTrue(status < 500, "server error " + status + " for " + call + ": " + response.asString());
        // 414 and 431 come from the HTTP codec before there is a request to answer, without a body (README)
        if (status >= 400 && status != 414 && status != 431 && !call.method().equals("HEAD")
                && call.path().startsWith("/api/")) {
            String type = String.valueOf(response.contentType());
            assertTrue(type.startsWith("application/problem+json"),
                    "a " + status + " that is not problem+json (" + type + ") for " + call + ": " + response.asString());
            assertEquals(status, response.jsonPath().getInt("status"), "problem status for " + call);
        }
    }

    // ---- generators ------------------------------------------------------------------------------------------

    private Gen<Call> calls() {
        return in -> {
            Draw d = new Draw(in);
            Call call = switch (d.pick(10)) {
                case 0, 1, 2 -> invoke(d);
                case 3 -> batch(d);
                case 4 -> image(d);
                case 5 -> scenarioWrite(d);
                case 6 -> dataset(d);
                case 7 -> evaluation(d);
                case 8 -> read(d);
                default -> misc(d);
            };
            return call.withAccept(d.pick(ACCEPTS));
        };
    }

    private Call invoke(Draw d) {
        String path = "/api/scenarios/" + d.id() + "/invoke" + d.query("output", "topK");
        return new Call("POST", path, d.contentType(0.7), d.jsonBody());
    }

    private Call batch(Draw d) {
        StringBuilder json = new StringBuilder("{\"inputs\":[");
        int n = d.pick(5) == 0 ? 257 : d.pick(6);
        for (int i = 0; i < n; i++) {
            json.append(i > 0 ? "," : "").append(d.pick(3) == 0 ? d.json(2) : "{\"text\":" + d.string() + "}");
        }
        json.append("]}");
        return new Call("POST", "/api/scenarios/" + d.id() + "/invoke-batch", d.contentType(0.8), d.mutate(json));
    }

    private Call image(Draw d) {
        String id = d.pick(List.of("fz-product", "fz-ocr", "fz-faces"));
        byte[] bytes = switch (d.pick(5)) {
            case 0 -> png.clone();
            case 1 -> jpeg.clone();
            case 2 -> bomb(d.pick(List.of(50_000, 100_000, 1 << 20, 65_535)));
            case 3 -> d.bytes(d.pick(2000));
            default -> d.flip(d.pick(2) == 0 ? png.clone() : jpeg.clone());
        };
        if (d.pick(4) == 0) {
            bytes = java.util.Arrays.copyOf(bytes, d.pick(bytes.length + 1));
        }
        if (d.pick(3) == 0) { // as JSON, base64 or a data URL
            String b64 = java.util.Base64.getEncoder().encodeToString(bytes);
            String value = d.pick(2) == 0 ? b64 : "data:image/png;base64," + b64;
            return new Call("POST", "/api/scenarios/" + id + "/invoke" + d.query("output"), d.contentType(0.8),
                    d.mutate(new StringBuilder("{\"image\":\"" + value + "\"}")));
        }
        String type = d.pick(List.of("image/png", "image/jpeg", "image/webp", "image/gif", "application/octet-stream"));
        return new Call("POST", "/api/scenarios/" + id + "/invoke" + d.query("output"), type, bytes);
    }

    private Call scenarioWrite(Draw d) {
        StringBuilder json = new StringBuilder("{");
        json.append("\"id\":").append(d.pick(3) == 0 ? d.string() : "\"fz-w-" + d.pick(6) + "\"");
        json.append(",\"template\":").append(d.pick(4) == 0 ? d.json(2) : "\"" + d.pick(TEMPLATES) + "\"");
        json.append(",\"name\":").append(d.pick(4) == 0 ? d.json(1) : d.string());
        if (d.pick(2) == 0) {
            json.append(",\"config\":").append(d.json(0));
        }
        if (d.pick(4) == 0) {
            json.append(",").append(d.string()).append(":").append(d.json(1));
        }
        json.append("}");
        String target = "/api/scenarios/fz-w-" + d.pick(6);
        return switch (d.pick(5)) {
            case 0, 1 -> new Call("POST", "/api/scenarios", d.contentType(0.8), d.mutate(json));
            case 2 -> new Call("PUT", target, d.contentType(0.8), d.mutate(json));
            case 3 -> new Call("POST", target + "/versions/" + d.number() + "/activate", "", new byte[0]);
            default -> new Call("DELETE", target, "", new byte[0]);
        };
    }

    private Call dataset(Draw d) {
        String name = d.pick(List.of("items", "examples", "events", "faq", "x", "%00"));
        String id = d.pick(List.of("fz-similar", "fz-sentiment", "fz-foryou", "fz-faq", "fz-w-" + d.pick(6)));
        boolean csv = d.pick(2) == 0;
        StringBuilder text = new StringBuilder();
        List<String> columns = new ArrayList<>();
        int width = 1 + d.pick(4);
        for (int i = 0; i < width; i++) {
            columns.add(d.pick(List.of("id", "title", "text", "label", "userId", "itemId", "category", "description",
                    "question", "answer", "weight", "timestamp", "")));
        }
        int rows = d.pick(8);
        if (csv) {
            text.append(String.join(",", columns)).append('\n');
            for (int r = 0; r < rows; r++) {
                for (int c = 0; c < width; c++) {
                    String cell = d.rawString();
                    text.append(c > 0 ? "," : "").append(d.pick(3) == 0 ? "\"" + cell + "\"" : cell);
                }
                text.append(d.pick(6) == 0 ? "\r\n" : "\n");
            }
        } else {
            for (int r = 0; r < rows; r++) {
                text.append(d.pick(5) == 0 ? d.json(1) : "{\"" + d.pick(columns) + "\":" + d.string() + ",\""
                        + d.pick(columns) + "\":" + d.string() + "}").append('\n');
            }
        }
        String type = csv ? d.pick(List.of("text/csv", "text/plain")) : "application/x-ndjson";
        if (d.pick(3) == 0) {
            return new Call("POST", "/api/scenarios/" + id + "/events", d.pick(2) == 0 ? "application/json" : type,
                    d.mutate(text));
        }
        return new Call("PUT", "/api/scenarios/" + id + "/datasets/" + name, type, d.mutate(text));
    }

    private Call evaluation(Draw d) {
        String id = d.pick(List.of("fz-sentiment", "fz-faq", "fz-ocr", "fz-similar", "fz-embed", d.id()));
        return switch (d.pick(5)) {
            case 0, 1 -> {
                StringBuilder csv = new StringBuilder(d.pick(List.of("text,label", "question,answer", "text", "image,text",
                        "userId,items", "")) + "\n");
                for (int r = d.pick(6); r > 0; r--) {
                    csv.append(d.rawString()).append(',').append(d.rawString()).append('\n');
                }
                yield new Call("POST", "/api/scenarios/" + id + "/evaluate" + d.query("version", "k", "sameDataAs"),
                        d.pick(List.of("text/csv", "application/x-ndjson", "application/json", "")), d.mutate(csv));
            }
            case 2 -> new Call("GET", "/api/scenarios/" + id + "/evaluations/" + d.number(), "", new byte[0]);
            case 3 -> new Call("GET", "/api/scenarios/" + id + "/evaluations/compare" + d.query("base", "candidate"), "",
                    new byte[0]);
            default -> new Call(d.pick(List.of("POST", "DELETE")), "/api/scenarios/" + id + "/evaluations/"
                    + d.number() + (d.pick(2) == 0 ? "/cancel" : ""), "", new byte[0]);
        };
    }

    private Call read(Draw d) {
        String id = d.id();
        String path = d.pick(List.of("/api/scenarios/" + id, "/api/scenarios/" + id + "/versions",
                "/api/scenarios/" + id + "/usage" + d.query("from", "to", "bucket"),
                "/api/scenarios/" + id + "/audit" + d.query("from", "to", "limit"),
                "/api/scenarios/" + id + "/datasets/" + d.pick(List.of("items", "examples", "x")),
                "/api/scenarios/" + id + "/shadow", "/api/scenarios/" + id + "/events",
                "/api/scenarios/" + id + "/evaluations", "/api/templates/" + d.enc(d.pick(TEMPLATES)),
                "/api/audit" + d.query("from", "to", "limit"), "/api/usage" + d.query("from", "to"),
                "/api/scenarios" + d.query("template", "limit"), "/q/openapi" + d.query("format")));
        return new Call(d.pick(List.of("GET", "GET", "GET", "HEAD", "OPTIONS")), path, "", new byte[0]);
    }

    private Call misc(Draw d) {
        String id = d.pick(List.of("fz-sentiment", "fz-faq", d.id()));
        return switch (d.pick(4)) {
            case 0 -> new Call("PUT", "/api/scenarios/" + id + "/shadow", d.contentType(0.8),
                    d.mutate(new StringBuilder("{\"version\":" + (d.pick(3) == 0 ? d.json(1) : d.number()) + "}")));
            case 1 -> new Call("POST", "/api/scenarios/" + id + "/shadow/promote", "", new byte[0]);
            case 2 -> new Call("POST", "/api/keys", d.contentType(0.8), d.mutate(new StringBuilder("{\"name\":"
                    + d.string() + ",\"ratePerSecond\":" + d.number() + ",\"burst\":" + d.number()
                    + ",\"dailyQuota\":" + d.number() + (d.pick(2) == 0 ? ",\"scenarios\":" + d.json(1) : "") + "}")));
            default -> new Call("PUT", "/api/scenarios/" + id + "/model", d.pick(List.of("application/octet-stream",
                    "application/zip", "")), d.bytes(d.pick(3000)));
        };
    }

    /** A valid 1x1 PNG whose header claims {@code size} x {@code size} pixels (a decompression bomb's header). */
    private byte[] bomb(int size) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteBuffer ihdr = ByteBuffer.allocate(13).putInt(size).putInt(size).put((byte) 8).put((byte) 2)
                .put((byte) 0).put((byte) 0).put((byte) 0);
        ImageDecoderTest.chunk(out, "IHDR", ihdr.array());
        ImageDecoderTest.chunk(out, "IDAT", new byte[] {0x78, (byte) 0x9C, 0x63, 0x60, 0x00, 0x00, 0x00, 0x04, 0x00, 0x01});
        ImageDecoderTest.chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static byte[] resource(String path) throws IOException {
        try (InputStream in = FuzzedRequestsTest.class.getResourceAsStream(path)) {
            return in.readAllBytes();
        }
    }

    /** Draws from QuickTheories' randomness source, so that a failing call shrinks. */
    private static final class Draw {
        private final RandomnessSource in;

        Draw(RandomnessSource in) {
            this.in = in;
        }

        int pick(int n) {
            return n <= 1 ? 0 : (int) in.next(Constraint.between(0, n - 1));
        }

        <T> T pick(List<T> options) {
            return options.get(pick(options.size()));
        }

        String id() {
            return switch (pick(6)) {
                case 0 -> enc(pick(STRINGS));
                case 1 -> "fz-w-" + pick(6);
                case 2 -> pick(List.of("%2F", "%00", "..", "%2e%2e", "a%20b", "%E2%80%AE", "x".repeat(300)));
                default -> pick(TARGETS);
            };
        }

        String enc(String s) {
            return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
        }

        /** {@code ?name=value&...} for some of {@code names}, values numbers, strings or instants. */
        String query(String... names) {
            StringBuilder q = new StringBuilder();
            for (String name : names) {
                if (pick(2) == 0) {
                    String value = switch (pick(4)) {
                        case 0 -> number();
                        case 1 -> pick(List.of("2026-01-01T00:00:00Z", "2099-12-31T23:59:59Z", "yesterday", "-1",
                                "image", "boxes", "json", "yaml", "minute", "hour"));
                        default -> pick(STRINGS);
                    };
                    q.append(q.length() == 0 ? "?" : "&").append(name).append('=').append(enc(value));
                }
            }
            return q.toString();
        }

        String contentType(double jsonShare) {
            return pick(100) < jsonShare * 100 ? "application/json" : pick(CONTENT_TYPES);
        }

        String number() {
            return pick(NUMBERS);
        }

        String rawString() {
            if (pick(3) == 0) {
                return pick(STRINGS).replace("\"", "\"\"");
            }
            StringBuilder s = new StringBuilder();
            for (int i = pick(12); i > 0; i--) {
                int cp = switch (pick(5)) {
                    case 0 -> pick(32); // control characters
                    case 1 -> 0x4E00 + pick(200); // CJK
                    case 2 -> 0x1F600 + pick(50); // emoji (outside the BMP)
                    default -> 32 + pick(95); // printable ASCII, quotes and commas included
                };
                s.appendCodePoint(cp);
            }
            return s.toString();
        }

        /** A JSON string literal. */
        String string() {
            StringBuilder out = new StringBuilder("\"");
            for (char c : rawString().toCharArray()) {
                if (c == '"' || c == '\\') {
                    out.append('\\').append(c);
                } else if (c < 0x20) {
                    out.append(String.format("\\u%04x", (int) c));
                } else {
                    out.append(c);
                }
            }
            return out.append('"').toString();
        }

        /** A JSON value nested at most about 4 deep below {@code depth}. */
        String json(int depth) {
            int kind = pick(depth > 3 ? 5 : 8);
            return switch (kind) {
                case 0 -> pick(List.of("null", "true", "false"));
                case 1, 2 -> number();
                case 3, 4 -> string();
                case 5 -> {
                    StringBuilder a = new StringBuilder("[");
                    for (int i = pick(5); i > 0; i--) {
                        a.append(a.length() > 1 ? "," : "").append(json(depth + 1));
                    }
                    yield a.append(']').toString();
                }
                default -> {
                    StringBuilder o = new StringBuilder("{");
                    for (int i = pick(5); i > 0; i--) {
                        String key = pick(4) == 0 ? rawString() : pick(KEYS);
                        o.append(o.length() > 1 ? "," : "").append('"').append(key.replace("\\", "\\\\")
                                .replace("\"", "\\\"").replaceAll("[\\x00-\\x1f]", "")).append("\":").append(json(depth + 1));
                    }
                    yield o.append('}').toString();
                }
            };
        }

        /** An invoke body: mostly an object with template field names, sometimes any JSON, sometimes broken. */
        byte[] jsonBody() {
            StringBuilder body = new StringBuilder();
            if (pick(4) == 0) {
                body.append(json(0));
            } else {
                body.append('{');
                for (int i = 1 + pick(3); i > 0; i--) {
                    body.append(body.length() > 1 ? "," : "").append('"').append(pick(KEYS.subList(0, 12)))
                            .append("\":").append(pick(2) == 0 ? string() : json(1));
                }
                body.append('}');
            }
            return mutate(body);
        }

        /** The text as UTF-8, left alone three times in four; else truncated, a byte changed, or invalid UTF-8. */
        byte[] mutate(CharSequence text) {
            byte[] bytes = text.toString().getBytes(StandardCharsets.UTF_8);
            return switch (pick(8)) {
                case 0 -> java.util.Arrays.copyOf(bytes, pick(bytes.length + 1));
                case 1 -> flip(bytes);
                case 2 -> {
                    byte[] bad = java.util.Arrays.copyOf(bytes, bytes.length + 2);
                    bad[bytes.length] = (byte) 0xC3;
                    bad[bytes.length + 1] = (byte) 0x28;
                    yield bad;
                }
                default -> bytes;
            };
        }

        byte[] flip(byte[] bytes) {
            for (int i = 1 + pick(4); i > 0 && bytes.length > 0; i--) {
                bytes[pick(bytes.length)] = (byte) pick(256);
            }
            return bytes;
        }

        /** {@code n} random bytes from one draw (a seed), so that long byte strings cost one draw. */
        byte[] bytes(int n) {
            byte[] b = new byte[n];
            new java.util.Random(in.next(Constraint.between(0, Long.MAX_VALUE - 1))).nextBytes(b);
            return b;
        }
    }
}
