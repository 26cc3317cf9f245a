package dev.aifunc.vision;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasSize;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import java.awt.Color;
import java.awt.Font;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A user-uploaded model round trip: the PP-OCR 0/180 degree direction classifier (an ONNX image classifier from
 * Maven, float[1][3][48][192] in, 2 classes out) is uploaded as the scenario's own model and sorts rendered text
 * lines into "upright" and "upside-down".
 */
@QuarkusTest
class ImageClassificationTest {

    /** A text line cropped tightly at the classifier's own input size, 192x48, as OCR crops are. */
    private static java.awt.image.BufferedImage textLine(boolean upsideDown) {
        java.awt.image.BufferedImage img = new java.awt.image.BufferedImage(192, 48, java.awt.image.BufferedImage.TYPE_INT_RGB);
        java.awt.Graphics2D g = img.createGraphics();
        g.setRenderingHint(java.awt.RenderingHints.KEY_TEXT_ANTIALIASING, java.awt.RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, 192, 48);
        if (upsideDown) {
            g.rotate(Math.PI, 96, 24);
        }
        g.setColor(Color.BLACK);
        g.setFont(OcrTest.font("DejaVu Sans", Font.PLAIN, 26));
        g.drawString("Note 4471", 8, 34);
        g.dispose();
        return img;
    }

    @Test
    void anUploadedOnnxClassifierAnswersWithItsLabels() throws Exception {
        Api.awaitReady();
        Api.recreate("text-direction", "image-classification", Map.of("labels", List.of("upright", "upside-down"),
                "inputWidth", 192, "inputHeight", 48, "mean", List.of(0.5, 0.5, 0.5), "std", List.of(0.5, 0.5, 0.5),
                "channelOrder", "BGR"));
        String upright = OcrTest.base64(textLine(false));
        String flipped = OcrTest.base64(textLine(true));

        // no model yet: a clear conflict, not a 500
        Api.invoke("text-direction", Map.of("image", upright)).then().statusCode(409)
                .contentType("application/problem+json").body("field", equalTo("model"));
        given().contentType("application/octet-stream").body("not a model".getBytes())
                .when().put("/api/scenarios/text-direction/model")
                .then().statusCode(422).contentType("application/problem+json");

        byte[] onnx;
        try (var in = getClass().getClassLoader().getResourceAsStream("models/ch_ppocr_mobile_v2.0_cls_infer.onnx")) {
            onnx = in.readAllBytes();
        }
        given().contentType("application/octet-stream").body(onnx)
                .when().put("/api/scenarios/text-direction/model")
                .then().statusCode(200).body("sizeBytes", equalTo(onnx.length));
        given().get("/api/scenarios/text-direction/model").then().statusCode(200).body("sizeBytes", equalTo(onnx.length));

        Api.invoke("text-direction", Map.of("image", upright)).then().statusCode(200)
                .body("label", equalTo("upright")).body("top", hasSize(2));
        Api.invoke("text-direction", Map.of("image", flipped)).then().statusCode(200)
                .body("label", equalTo("upside-down"));

        // labels that do not match the model's outputs: a 422 naming config.labels
        given().contentType("application/json").body(Map.of("name", "three labels", "config", Map.of(
                        "labels", List.of("a", "b", "c"), "inputWidth", 192, "inputHeight", 48)))
                .when().put("/api/scenarios/text-direction").then().statusCode(200);
        Api.invoke("text-direction", Map.of("image", upright)).then().statusCode(422).body("field", equalTo("config.labels"));
    }

    @Test
    void aModelArchiveBringsItsOwnLabelsAndZipBombsAreRefused() throws Exception {
        Api.awaitReady();
        Api.recreate("text-direction-zip", "image-classification", Map.of("inputWidth", 192, "inputHeight", 48,
                "mean", List.of(0.5, 0.5, 0.5), "std", List.of(0.5, 0.5, 0.5), "channelOrder", "BGR"));
        byte[] onnx;
        try (var in = getClass().getClassLoader().getResourceAsStream("models/ch_ppocr_mobile_v2.0_cls_infer.onnx")) {
            onnx = in.readAllBytes();
        }
        // a DJL-style archive: model folder with the .onnx file and synset.txt
        byte[] archive = zip(Map.of("direction/direction.onnx", onnx, "direction/synset.txt",
                "upright\nupside-down\n".getBytes(), "direction/serving.properties", "engine=OnnxRuntime".getBytes()));
        given().contentType("application/zip").body(archive).when().put("/api/scenarios/text-direction-zip/model")
                .then().statusCode(200).body("sizeBytes", equalTo(onnx.length))
                .body("labels", equalTo(List.of("upright", "upside-down")));
        Api.invoke("text-direction-zip", Map.of("image", OcrTest.base64(textLine(true)))).then().statusCode(200)
                .body("label", equalTo("upside-down"));

        given().contentType("application/zip").body(zip(Map.of("readme.txt", "no model".getBytes())))
                .when().put("/api/scenarios/text-direction-zip/model")
                .then().statusCode(422).contentType("application/problem+json").body("limit", equalTo("1 .onnx file"));
        // 80 MiB of zeros compress to ~80 KB: refused while unpacking, never held in full
        byte[] bomb = zip(Map.of("model.onnx", new byte[80 * 1024 * 1024]));
        org.junit.jupiter.api.Assertions.assertTrue(bomb.length < 1_000_000, "bomb is small on the wire: " + bomb.length);
        given().contentType("application/zip").body(bomb).when().put("/api/scenarios/text-direction-zip/model")
                .then().statusCode(413).contentType("application/problem+json");
        // labels that do not match the model's outputs, an empty labels file, a form upload: refused at upload
        given().contentType("application/zip").body(zip(Map.of("m/model.onnx", onnx, "m/synset.txt", "a\nb\nc\n".getBytes())))
                .when().put("/api/scenarios/text-direction-zip/model")
                .then().statusCode(422).body("limit", equalTo("2 labels"));
        given().contentType("application/zip").body(zip(Map.of("m/model.onnx", onnx, "m/synset.txt", "\n".getBytes())))
                .when().put("/api/scenarios/text-direction-zip/model").then().statusCode(422);
        given().multiPart("file", "model.onnx", onnx).when().put("/api/scenarios/text-direction-zip/model")
                .then().statusCode(415).contentType("application/problem+json");
        // the scenario still serves its stored model; typed fields work as query parameters of a raw image
        Api.invoke("text-direction-zip", Map.of("image", OcrTest.base64(textLine(false)))).then().statusCode(200)
                .body("label", equalTo("upright"));
        java.io.ByteArrayOutputStream png = new java.io.ByteArrayOutputStream();
        javax.imageio.ImageIO.write(textLine(false), "png", png);
        given().contentType("image/png").body(png.toByteArray()).queryParam("topK", "1")
                .when().post("/api/scenarios/text-direction-zip/invoke")
                .then().statusCode(200).body("top", hasSize(1)).body("label", equalTo("upright"));
        // removed: the scenario says it needs a model again
        given().delete("/api/scenarios/text-direction-zip/model").then().statusCode(204);
        Api.invoke("text-direction-zip", Map.of("image", OcrTest.base64(textLine(false)))).then().statusCode(409);
        given().delete("/api/scenarios/text-direction-zip/model").then().statusCode(404);

        // a scenario that runs a shipped pack, or no model at all, takes no upload
        Api.recreate("shipped-pack", "product-category", Map.of());
        given().contentType("application/octet-stream").body(onnx).when().put("/api/scenarios/shipped-pack/model")
                .then().statusCode(422).contentType("application/problem+json");
    }

    private static byte[] zip(Map<String, byte[]> files) throws java.io.IOException {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        try (java.util.zip.ZipOutputStream zip = new java.util.zip.ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> f : new java.util.TreeMap<>(files).entrySet()) {
                zip.putNextEntry(new java.util.zip.ZipEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeEntry();
            }
        }
        return bytes.toByteArray();
    }
}
