package dev.aifunc.vision;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThanOrEqualTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Face anonymization on real photos from Debian packages (installed by .ci/run, never committed): scikit-image's
 * public-domain astronaut portrait has one face; darknet's dog, eagle, giraffe and horses photos have none.
 */
@QuarkusTest
class FaceAnonymizationTest {

    static final Path ASTRONAUT = Path.of("/usr/lib/python3/dist-packages/skimage/data/astronaut.png");
    static final Path DARKNET = Path.of("/usr/share/darknet/data");

    private static boolean created;

    @BeforeEach
    void scenario() {
        assertTrue(Files.exists(ASTRONAUT) && Files.isDirectory(DARKNET),
                "test photos missing: apt-get install python3-skimage darknet (.ci/run does)");
        Api.awaitReady();
        if (!created) {
            Api.recreate("faces", "face-anonymization", Map.of());
            created = true;
        }
    }

    @Test
    void theTemplatesExamplePortraitHasOneFace() {
        // the example the gallery and the playground show: a 160x160 crop of the same public-domain portrait
        String example = io.restassured.RestAssured.get("/api/templates/face-anonymization").then().statusCode(200)
                .extract().jsonPath().getString("exampleInput.image");
        Api.invoke("faces", Map.of("image", example)).then().statusCode(200)
                .body("faces.size()", equalTo(1)).body("width", equalTo(160)).body("height", equalTo(160));
    }

    @Test
    void findsTheFaceInAPortraitAndBlursOnlyInsideIt() throws Exception {
        byte[] png = Files.readAllBytes(ASTRONAUT);
        JsonPath out = Api.invoke("faces", Map.of("image", Base64.getEncoder().encodeToString(png), "output", "image"))
                .then().statusCode(200).body("faces.size()", equalTo(1)).body("width", equalTo(512))
                .extract().jsonPath();
        List<Integer> box = out.getList("faces[0].box", Integer.class);
        // the astronaut's face is in the upper middle of the 512x512 portrait
        int cx = box.get(0) + box.get(2) / 2;
        int cy = box.get(1) + box.get(3) / 2;
        assertTrue(cx > 150 && cx < 300 && cy > 50 && cy < 200 && box.get(2) > 60, "face box " + box);

        BufferedImage original = ImageIO.read(new ByteArrayInputStream(png));
        BufferedImage blurred = ImageIO.read(new ByteArrayInputStream(Base64.getDecoder().decode(out.getString("image"))));
        int changedInside = 0;
        int changedOutside = 0;
        for (int y = 0; y < original.getHeight(); y++) {
            for (int x = 0; x < original.getWidth(); x++) {
                boolean inside = x >= box.get(0) && x < box.get(0) + box.get(2) && y >= box.get(1) && y < box.get(1) + box.get(3);
                boolean changed = (original.getRGB(x, y) & 0xFFFFFF) != (blurred.getRGB(x, y) & 0xFFFFFF);
                if (changed && inside) {
                    changedInside++;
                } else if (changed) {
                    changedOutside++;
                }
            }
        }
        assertEquals(0, changedOutside, "pixels outside the face box must not change");
        assertTrue(changedInside > box.get(2) * box.get(3) / 2, "most of the face changed: " + changedInside);
    }

    @Test
    void findsNoFaceInPhotosWithoutPeople() throws Exception {
        for (String photo : List.of("dog.jpg", "eagle.jpg", "giraffe.jpg", "horses.jpg")) {
            byte[] jpeg = Files.readAllBytes(DARKNET.resolve(photo));
            given().contentType("image/jpeg").body(jpeg).when().post("/api/scenarios/faces/invoke")
                    .then().statusCode(200).body("faces.size()", equalTo(0)).body("width", greaterThanOrEqualTo(100));
        }
    }

    @Test
    void multipartAndRawBodiesAndImageAnswers() throws Exception {
        byte[] png = Files.readAllBytes(ASTRONAUT);
        given().multiPart("image", "astronaut.png", png, "application/octet-stream").multiPart("effect", "pixelate")
                .when().post("/api/scenarios/faces/invoke")
                .then().statusCode(200).body("faces.size()", equalTo(1)).body("effect", equalTo("pixelate"));
        byte[] answer = given().contentType("image/png").accept("image/png").body(png)
                .when().post("/api/scenarios/faces/invoke")
                .then().statusCode(200).contentType("image/png").header("X-Model", "opencv-haarcascade_frontalface_alt2")
                .extract().asByteArray();
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(answer));
        assertEquals(512, img.getWidth());
        given().contentType("image/png").body("not an image".getBytes()).when().post("/api/scenarios/faces/invoke")
                .then().statusCode(415).contentType("application/problem+json");
        given().contentType("image/png").body(new byte[0]).when().post("/api/scenarios/faces/invoke")
                .then().statusCode(422).contentType("application/problem+json");
        byte[] bomb = dev.aifunc.invoke.ImageDecoderTest.pngBomb(20_000, 20_000);
        given().contentType("image/png").body(bomb).when().post("/api/scenarios/faces/invoke")
                .then().statusCode(422).body("limit", equalTo("40000000 pixels"));
        Api.invoke("faces", Map.of("image", "%%% not base64")).then().statusCode(422).body("field", equalTo("image"));
        given().multiPart("image", "a.png", png).multiPart("image", "b.png", png)
                .when().post("/api/scenarios/faces/invoke")
                .then().statusCode(422).body("field", equalTo("image"));
        given().contentType("multipart/form-data; boundary=xyz").body("--xyz\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nunterminated".getBytes())
                .when().post("/api/scenarios/faces/invoke")
                .then().statusCode(org.hamcrest.Matchers.oneOf(400, 422)).contentType("application/problem+json");
        given().contentType("application/octet-stream").body(png).when().post("/api/scenarios/faces/invoke")
                .then().statusCode(415).body("detail", org.hamcrest.Matchers.containsString("image/*"));
        // a text scenario does not take images
        Api.recreate("not-vision", "text-embedding", Map.of());
        given().contentType("image/png").body(png).when().post("/api/scenarios/not-vision/invoke")
                .then().statusCode(415).contentType("application/problem+json");
        // and the service keeps serving
        Api.invoke("faces", Map.of("image", Base64.getEncoder().encodeToString(png))).then().statusCode(200)
                .body("faces.size()", equalTo(1));
    }
}
