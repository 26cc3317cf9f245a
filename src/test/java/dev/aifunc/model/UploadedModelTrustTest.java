package dev.aifunc.model;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.not;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Uploaded models a hostile admin might send (built by {@code src/test/resources/models/hostile_models.py} with
 * Debian's python3-onnx): none may read a host file, hang a core, exhaust memory or turn into a 500, and the service
 * keeps answering the well-behaved model correctly throughout. The test profile's inference budget is 8 s.
 */
@QuarkusTest
class UploadedModelTrustTest {

    private static final Path MODELS = Path.of("target", "hostile-models");
    private static final Map<String, Object> GRAY_8X8 = Map.of("labels", List.of("light", "dark"), "inputWidth", 8,
            "inputHeight", 8, "channelOrder", "GRAY", "mean", List.of(0.5), "std", List.of(0.5));

    @BeforeAll
    static void buildModels() throws Exception {
        Process p = new ProcessBuilder("/usr/bin/python3", "src/test/resources/models/hostile_models.py",
                MODELS.toString()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), "building the test models timed out");
        assertEquals(0, p.exitValue(), "python3-onnx must be installed (apt-get install python3-onnx): " + out);
    }

    private static byte[] model(String name) throws Exception {
        return Files.readAllBytes(MODELS.resolve(name));
    }

    private static Response upload(String scenario, String name) throws Exception {
        return given().contentType(name.endsWith(".zip") ? "application/zip" : "application/octet-stream")
                .body(model(name)).when().put("/api/scenarios/" + scenario + "/model");
    }

    private static byte[] zip(Map<String, byte[]> entries) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                zip.putNextEntry(new java.util.zip.ZipEntry(e.getKey()));
                zip.write(e.getValue());
                zip.closeEntry();
            }
        }
        return out.toByteArray();
    }

    static String image(Color color) throws Exception {
        BufferedImage img = new BufferedImage(32, 32, BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, 32, 32);
        g.dispose();
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(img, "png", png);
        return Base64.getEncoder().encodeToString(png.toByteArray());
    }

    private static void servesTheGoodModel(String scenario) throws Exception {
        Api.invoke(scenario, Map.of("image", image(Color.WHITE))).then().statusCode(200).body("label", equalTo("light"));
        Api.invoke(scenario, Map.of("image", image(Color.BLACK))).then().statusCode(200).body("label", equalTo("dark"));
    }

    @Test
    void modelsThatReferenceFilesOutsideThemselvesAreRefusedNamingTheTensor() throws Exception {
        Api.awaitReady();
        Api.recreate("trust-external", "image-classification", GRAY_8X8);
        upload("trust-external", "good.onnx").then().statusCode(200).body("labelSource", equalTo("config"));
        servesTheGoodModel("trust-external");

        String passwd = Files.readString(Path.of("/etc/passwd"));
        String firstUser = passwd.substring(0, passwd.indexOf(':'));
        for (String[] c : new String[][] {{"external-absolute.onnx", "leak"}, {"external-relative.onnx", "leak2"},
                {"external-in-subgraph.onnx", "hidden"}, {"external.zip", "leak"}}) {
            upload("trust-external", c[0]).then().statusCode(422).contentType("application/problem+json")
                    .body("field", equalTo("tensor:" + c[1]))
                    .body("detail", containsString("Tensor '" + c[1] + "' keeps its data outside the model file"))
                    .body(not(containsString(firstUser + ":x:")));
        }
        // nothing was stored: the scenario still serves the good model
        given().get("/api/scenarios/trust-external/model").then().statusCode(200)
                .body("sizeBytes", equalTo(model("good.onnx").length));
        servesTheGoodModel("trust-external");
    }

    @Test
    void modelsThatCannotWorkForTheConfigAreRefusedAtUpload() throws Exception {
        Api.awaitReady();
        Api.recreate("trust-shapes", "image-classification", GRAY_8X8);
        upload("trust-shapes", "rgb-input.onnx").then().statusCode(422).contentType("application/problem+json")
                .body("field", equalTo("config.channelOrder")).body("limit", equalTo("3"));
        upload("trust-shapes", "giant-input.onnx").then().statusCode(422)
                .body("detail", containsString("100000 x 100000 pixels"));
        upload("trust-shapes", "three-outputs.onnx").then().statusCode(422)
                .body("field", equalTo("config.labels")).body("limit", equalTo("3 labels"));
        // the output size is only known by running it: the trial run finds it
        upload("trust-shapes", "three-outputs-undeclared.onnx").then().statusCode(422)
                .body("field", equalTo("config.labels")).body("limit", equalTo("3 labels"));
        upload("trust-shapes", "int-output.onnx").then().statusCode(422).body("limit", equalTo("float output"))
                .body("detail", containsString("int64"));
        upload("trust-shapes", "nan-output.onnx").then().statusCode(422).body("limit", equalTo("finite scores"));
        // labels the database could not hold, or that are not text at all
        for (byte[] labels : new byte[][] {"light\nda\u0000rk\n".getBytes(java.nio.charset.StandardCharsets.UTF_8),
                {'l', 'i', (byte) 0xC0, (byte) 0xAF, '\n', 'd', '\n'}}) {
            given().contentType("application/zip").body(zip(Map.of("m/model.onnx", model("good.onnx"), "m/synset.txt",
                    labels))).when().put("/api/scenarios/trust-shapes/model")
                    .then().statusCode(422).contentType("application/problem+json");
        }
        given().get("/api/scenarios/trust-shapes/model").then().statusCode(404);
        Api.invoke("trust-shapes", Map.of("image", image(Color.WHITE))).then().statusCode(409);

        upload("trust-shapes", "good.onnx").then().statusCode(200);
        servesTheGoodModel("trust-shapes");
        // a config saved later with another input size: the call says what does not fit (422), never a 500
        given().contentType("application/json").body(Map.of("name", "bigger", "config", Map.of(
                        "labels", List.of("light", "dark"), "inputWidth", 16, "inputHeight", 16, "channelOrder", "GRAY",
                        "mean", List.of(0.5), "std", List.of(0.5))))
                .when().put("/api/scenarios/trust-shapes").then().statusCode(200);
        Api.invoke("trust-shapes", Map.of("image", image(Color.WHITE))).then().statusCode(422)
                .contentType("application/problem+json").body("detail", containsString("refuses an input of shape"));
    }

    @Test
    void modelsThatLoopOrExhaustMemoryAreRefusedWithinTheCheckLimits() throws Exception {
        Api.awaitReady();
        Api.recreate("trust-limits", "image-classification", GRAY_8X8);
        long t0 = System.nanoTime();
        upload("trust-limits", "endless-loop.onnx").then().statusCode(422).contentType("application/problem+json")
                .body("detail", containsString("ran longer than the inference budget of 8000 ms"));
        long loopMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(loopMs < 30_000, "the endless loop was stopped by the budget, not after " + loopMs + " ms");

        // memory that would follow from pixel values cannot be bounded by a blank-input run: refused before it
        upload("trust-limits", "alloc-on-light-pixels.onnx").then().statusCode(422)
                .body("limit", equalTo("sizes independent of pixel values"))
                .body("detail", containsString("(ConstantOfShape) takes its output size from pixel values"));
        upload("trust-limits", "huge-constant.onnx").then().statusCode(422)
                .body("detail", containsString("needs more memory than the check allows"))
                .body("limit", equalTo("1536 MiB"));
        upload("trust-limits", "good.onnx").then().statusCode(200);
        servesTheGoodModel("trust-limits");
    }

    @Test
    void anInferenceOverItsBudgetIsStoppedAndDeletingTheScenarioStopsItsRunningInferences() throws Exception {
        Api.awaitReady();
        Api.recreate("trust-slow", "image-classification", GRAY_8X8);
        Api.recreate("trust-neighbour", "image-classification", GRAY_8X8);
        upload("trust-neighbour", "good.onnx").then().statusCode(200);
        // a blank input makes no iteration: it passes the upload check
        upload("trust-slow", "loop-on-light-pixels.onnx").then().statusCode(200);
        Api.invoke("trust-slow", Map.of("image", image(Color.BLACK))).then().statusCode(200).body("label", equalTo("dark"));

        // the call works 8 s after its body arrived, past the test profile's 3 s body timeout: it is answered by the
        // endpoint, never with 408 (a body that has arrived is never judged slow)
        long t0 = System.nanoTime();
        Api.invoke("trust-slow", Map.of("image", image(Color.WHITE))).then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", equalTo("30"))
                .body("title", equalTo("Inference Time Budget Exceeded")).body("limit", equalTo("8000 ms"));
        long overMs = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(overMs >= 7_500 && overMs < 15_000, "stopped at the 8 s budget, took " + overMs + " ms");
        servesTheGoodModel("trust-neighbour");

        // a call runs into the loop; deleting the scenario ends it long before its budget
        String white = image(Color.WHITE);
        CompletableFuture<Response> running = CompletableFuture.supplyAsync(() -> Api.invoke("trust-slow",
                Map.of("image", white)));
        Thread.sleep(1_500);
        long deleteAt = System.nanoTime();
        given().delete("/api/scenarios/trust-slow").then().statusCode(204);
        Response answer = running.get(30, TimeUnit.SECONDS);
        long endedMs = (System.nanoTime() - deleteAt) / 1_000_000;
        assertEquals(503, answer.statusCode(), answer.asString());
        assertTrue(endedMs < 4_000, "the running inference ended " + endedMs + " ms after the delete");
        servesTheGoodModel("trust-neighbour");
        given().get("/q/health/ready").then().statusCode(200);
    }
}
