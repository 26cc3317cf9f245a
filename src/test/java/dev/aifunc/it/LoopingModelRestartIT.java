package dev.aifunc.it;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.PackagedService;
import io.restassured.response.Response;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A stored model that loops on real images (it passes the upload check: a blank input makes no iteration) must not
 * take the replica with it: SIGTERM while its inference runs ends the process cleanly (no crash in ONNX Runtime's
 * native code), and after a restart the warm-up gives up on it, readiness comes, and the scenario answers: 503 for
 * an image that loops, the right label for one that does not.
 */
class LoopingModelRestartIT {

    private static final Path MODELS = Path.of("target", "hostile-models-it");

    @Test
    void sigtermDuringALoopingInferenceExitsCleanlyAndTheRestartBecomesReady() throws Exception {
        Process build = new ProcessBuilder("/usr/bin/python3", "src/test/resources/models/hostile_models.py",
                MODELS.toString()).inheritIO().start();
        assertTrue(build.waitFor(60, TimeUnit.SECONDS) && build.exitValue() == 0, "python3-onnx builds the models");
        Path data = Files.createTempDirectory("aifunc-it-loop").resolve("postgres");
        Path workDir = Files.createTempDirectory("aifunc-it-loop-cwd");
        Map<String, String> env = Map.of("AIFUNC_EMBEDDED_DB_DATA_DIR", data.toString(),
                "AIFUNC_EMBEDDED_DB_PORT", String.valueOf(PackagedService.freePort()),
                "JAVA_TOOL_OPTIONS", "-XX:ErrorFile=" + workDir.resolve("hs_err_pid%p.log"));
        int port = PackagedService.freePort();
        Process first = PackagedService.start(port, env);
        PackagedService.awaitReady(port, first);
        PackagedService.api(port).contentType("application/json").body(Map.of("id", "looping", "template",
                "image-classification", "name", "Looping", "config", Map.of("labels", List.of("light", "dark"),
                        "inputWidth", 8, "inputHeight", 8, "channelOrder", "GRAY", "mean", List.of(0.5),
                        "std", List.of(0.5)))).post("/api/scenarios").then().statusCode(201);
        PackagedService.api(port).contentType("application/octet-stream")
                .body(Files.readAllBytes(MODELS.resolve("loop-on-light-pixels.onnx")))
                .put("/api/scenarios/looping/model").then().statusCode(200);
        PackagedService.api(port).contentType("application/json").body(Map.of("image", png(0)))
                .post("/api/scenarios/looping/invoke").then().statusCode(200).body("label", equalTo("dark"));

        CompletableFuture<Integer> looping = CompletableFuture.supplyAsync(() -> {
            try {
                return PackagedService.api(port).contentType("application/json").body(Map.of("image", png(255)))
                        .post("/api/scenarios/looping/invoke").statusCode();
            } catch (Exception closed) {
                return -1; // the connection closed by the shutdown
            }
        });
        Thread.sleep(1_500);
        long t0 = System.nanoTime();
        first.destroy(); // SIGTERM
        assertTrue(first.waitFor(60, TimeUnit.SECONDS), "the replica stopped");
        long stopMs = (System.nanoTime() - t0) / 1_000_000;
        int exit = first.exitValue();
        assertTrue(exit == 0 || exit == 143, "a clean exit, not a crash: " + exit);
        try (var files = Files.list(workDir)) {
            assertFalse(files.anyMatch(f -> f.getFileName().toString().startsWith("hs_err")), "no JVM crash report");
        }
        assertTrue(looping.get(10, TimeUnit.SECONDS) != 200, "the looping call did not succeed");
        System.out.printf("SIGTERM during a looping inference: exit %d after %d ms%n", exit, stopMs);

        Process second = PackagedService.start(port, env);
        try {
            long started = System.nanoTime();
            PackagedService.awaitReady(port, second);
            System.out.printf("ready again %d ms after the restart%n", (System.nanoTime() - started) / 1_000_000);
            PackagedService.api(port).contentType("application/json").body(Map.of("image", png(0)))
                    .post("/api/scenarios/looping/invoke").then().statusCode(200).body("label", equalTo("dark"));
            Response light = PackagedService.api(port).contentType("application/json").body(Map.of("image", png(255)))
                    .post("/api/scenarios/looping/invoke");
            assertEquals(503, light.statusCode(), light.asString());
            assertEquals("Inference Time Budget Exceeded", light.jsonPath().getString("title"));
        } finally {
            PackagedService.stop(second);
        }
    }

    /** A 16 x 16 PNG of one grey level, base64. */
    private static String png(int level) throws Exception {
        var img = new java.awt.image.BufferedImage(16, 16, java.awt.image.BufferedImage.TYPE_INT_RGB);
        var g = img.createGraphics();
        g.setColor(new java.awt.Color(level, level, level));
        g.fillRect(0, 0, 16, 16);
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        javax.imageio.ImageIO.write(img, "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }
}
