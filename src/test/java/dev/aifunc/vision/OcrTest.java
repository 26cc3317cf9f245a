package dev.aifunc.vision;

import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.support.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * OCR on images rendered here with known text: several fonts and sizes (fonts from Debian: fonts-dejavu-core,
 * fonts-liberation2, fonts-wqy-zenhei, installed by .ci/run), dark on light and light on dark, a line upside down,
 * a Chinese line and a receipt with amounts. The character error rate (Levenshtein distance / length) is computed
 * per image and asserted; boxes must contain the text.
 */
@QuarkusTest
public class OcrTest {

    private static boolean created;

    @BeforeEach
    void scenario() {
        Api.awaitReady();
        if (!created) {
            Api.recreate("read-text", "ocr", Map.of());
            created = true;
        }
    }

    public record Sample(String name, BufferedImage image, String text, int[] textBox) {
    }

    @Test
    void readsRenderedLinesWithLowCharacterErrorRate() throws Exception {
        List<Sample> samples = new ArrayList<>();
        samples.add(line("sans-32", "Invoice No. 2026-0412 Total: 1,249.90 EUR", font("DejaVu Sans", Font.PLAIN, 32), Color.BLACK, Color.WHITE, false));
        samples.add(line("serif-28", "Please deliver to 42 Harbour Street", font("DejaVu Serif", Font.PLAIN, 28), new Color(30, 30, 90), new Color(245, 240, 225), false));
        samples.add(line("mono-24", "Customer ID: AB-77310 Ref 5521", font("Liberation Mono", Font.PLAIN, 24), Color.BLACK, Color.WHITE, false));
        samples.add(line("light-on-dark", "Thank you for shopping with us", font("DejaVu Sans", Font.BOLD, 30), Color.WHITE, new Color(20, 40, 60), false));
        samples.add(line("upside-down", "Order shipped on 12 March", font("Liberation Sans", Font.PLAIN, 34), Color.BLACK, Color.WHITE, true));
        samples.add(line("small-18", "Returns accepted within 30 days", font("DejaVu Sans", Font.PLAIN, 18), Color.DARK_GRAY, Color.WHITE, false));
        samples.add(line("chinese", "发票金额：人民币一千二百元整", font("WenQuanYi Zen Hei", Font.PLAIN, 32), Color.BLACK, Color.WHITE, false));
        double total = 0;
        StringBuilder report = new StringBuilder();
        for (Sample s : samples) {
            JsonPath out = Api.invoke("read-text", Map.of("image", base64(s.image()))).then().statusCode(200)
                    .header("X-Model", "pp-ocrv4").extract().jsonPath();
            String read = out.getString("text");
            double cer = cer(s.text(), read);
            total += cer;
            report.append(String.format("%n  %-14s CER %.3f  expected [%s] read [%s]", s.name(), cer, s.text(), read));
            assertTrue(cer <= 0.10, s.name() + ": CER " + cer + ", read [" + read + "]");
            List<List<Integer>> box = out.getList("lines[0].box");
            assertTrue(contains(box, s.textBox()), s.name() + ": box " + box + " should contain the text at "
                    + java.util.Arrays.toString(s.textBox()));
        }
        double mean = total / samples.size();
        System.out.printf("OCR mean CER over %d rendered lines: %.4f%s%n", samples.size(), mean, report);
        assertTrue(mean <= 0.03, "mean CER " + mean);
    }

    @Test
    void readsAReceiptInReadingOrder() throws Exception {
        String[] rows = {"CORNER COFFEE HOUSE", "Latte 2 x 3.50 7.00", "Croissant 1 x 2.20 2.20", "TOTAL 9.20"};
        BufferedImage img = new BufferedImage(520, 60 + rows.length * 56, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(img, Color.WHITE);
        g.setColor(Color.BLACK);
        g.setFont(font("DejaVu Sans", Font.PLAIN, 28));
        for (int i = 0; i < rows.length; i++) {
            g.drawString(rows[i], 30, 60 + i * 56);
        }
        g.dispose();
        JsonPath out = Api.invoke("read-text", Map.of("image", base64(img))).then().statusCode(200).extract().jsonPath();
        List<String> lines = out.getList("lines.text", String.class);
        System.out.println("OCR receipt: " + lines);
        String joined = String.join("\n", lines);
        double cer = cer(String.join("\n", rows), joined);
        assertTrue(cer <= 0.05, "receipt CER " + cer + ": " + lines);
        assertTrue(lines.get(0).startsWith("CORNER"), "reading order starts with the title: " + lines);
        assertTrue(lines.get(lines.size() - 1).replace(" ", "").contains("TOTAL9.20"), "ends with the total: " + lines);
    }

    @Test
    void readsTiltedMonospacedLongAndUpsideDownText() throws Exception {
        for (double degrees : new double[] {5, -12}) {
            Sample flat = line("tilted", "Invoice total 1,249.90 EUR", font("DejaVu Sans", Font.PLAIN, 32), Color.BLACK, Color.WHITE, false);
            BufferedImage tilted = rotate(flat.image(), Math.toRadians(degrees));
            String read = Api.invoke("read-text", Map.of("image", base64(tilted))).then().statusCode(200)
                    .extract().path("text");
            assertTrue(cer(flat.text(), read) <= 0.10, degrees + " degrees: read [" + read + "]");
        }
        String mono = "Paid 7.80 at 14:32, juice 1.55, total 17.05";
        String monoRead = Api.invoke("read-text", Map.of("image", base64(line("mono", mono,
                font("Liberation Mono", Font.PLAIN, 26), Color.BLACK, Color.WHITE, false).image()))).then().statusCode(200)
                .extract().path("text");
        assertTrue(cer(mono, monoRead) <= 0.05, "monospaced: read [" + monoRead + "]");
        String longLine = "This deliberately long line of text keeps going for well over one hundred characters, reference 98765.";
        String longRead = Api.invoke("read-text", Map.of("image", base64(line("long", longLine,
                font("DejaVu Sans", Font.PLAIN, 22), Color.BLACK, Color.WHITE, false).image()))).then().statusCode(200)
                .extract().path("text");
        assertTrue(cer(longLine, longRead.replace("\n", " ")) <= 0.05, "long line: read [" + longRead + "]");
        // a whole receipt upside down comes back in reading order
        String[] rows = {"CORNER CAFE", "Latte 3.50", "TOTAL 3.50"};
        BufferedImage receipt = new BufferedImage(360, 220, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(receipt, Color.WHITE);
        g.setTransform(AffineTransform.getRotateInstance(Math.PI, 180, 110));
        g.setColor(Color.BLACK);
        g.setFont(font("DejaVu Sans", Font.PLAIN, 28));
        for (int i = 0; i < rows.length; i++) {
            g.drawString(rows[i], 30, 60 + i * 56);
        }
        g.dispose();
        List<String> lines = Api.invoke("read-text", Map.of("image", base64(receipt))).then().statusCode(200)
                .extract().jsonPath().getList("lines.text", String.class);
        assertEquals(List.of(rows), lines, "upside-down receipt in reading order");
        System.out.printf("OCR tilted/mono/long/upside-down: [%s] [%s] %s%n", monoRead, longRead, lines);
    }

    private static BufferedImage rotate(BufferedImage src, double radians) {
        int w = src.getWidth() + 200;
        int h = src.getHeight() + (int) (Math.abs(Math.sin(radians)) * src.getWidth()) + 100;
        BufferedImage out = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(out, Color.WHITE);
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.rotate(radians, w / 2.0, h / 2.0);
        g.drawImage(src, (w - src.getWidth()) / 2, (h - src.getHeight()) / 2, null);
        g.dispose();
        return out;
    }

    @Test
    void theTemplatesExampleReceiptReadsBack() {
        String example = io.restassured.RestAssured.get("/api/templates/ocr").then().statusCode(200)
                .extract().jsonPath().getString("exampleInput.image");
        Api.invoke("read-text", Map.of("image", example)).then().statusCode(200)
                .log().ifValidationFails()
                // the wide gap may split "Coffee ... 3.20" into two boxes; reading order keeps the pair together
                .body("text", org.hamcrest.Matchers.matchesPattern("Coffee\\s+3\\.20\\s+TOTAL EUR\\s+12\\.80"));
    }

    @Test
    void anImageWithoutTextReadsNothing() throws Exception {
        BufferedImage img = new BufferedImage(300, 200, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(img, new Color(200, 220, 240));
        g.dispose();
        Api.invoke("read-text", Map.of("image", base64(img))).then().statusCode(200)
                .body("text", equalTo("")).body("lines.size()", equalTo(0));
    }

    public static Font font(String family, int style, int size) {
        Font f = new Font(family, style, size);
        assertEquals(family, f.getFamily(), "font " + family + " missing: apt-get install fonts-dejavu-core "
                + "fonts-liberation2 fonts-wqy-zenhei (.ci/run does)");
        return f;
    }

    public static Sample line(String name, String text, Font font, Color fg, Color bg, boolean upsideDown) {
        BufferedImage probe = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB);
        FontMetrics m = probe.createGraphics().getFontMetrics(font);
        int w = m.stringWidth(text) + 80;
        int h = m.getHeight() + 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = graphics(img, bg);
        if (upsideDown) {
            g.setTransform(AffineTransform.getRotateInstance(Math.PI, w / 2.0, h / 2.0));
        }
        g.setColor(fg);
        g.setFont(font);
        int baseline = 30 + m.getAscent();
        g.drawString(text, 40, baseline);
        g.dispose();
        // where the text ink is, in the final image
        int[] box = {40, 30, 40 + m.stringWidth(text), 30 + m.getHeight()};
        if (upsideDown) {
            box = new int[] {w - box[2], h - box[3], w - box[0], h - box[1]};
        }
        return new Sample(name, img, text, box);
    }

    private static Graphics2D graphics(BufferedImage img, Color bg) {
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(bg);
        g.fillRect(0, 0, img.getWidth(), img.getHeight());
        return g;
    }

    /** True when the quadrilateral's bounding box covers the text box (x0, y0, x1, y1) give or take 25%. */
    private static boolean contains(List<List<Integer>> quad, int[] text) {
        int minX = Integer.MAX_VALUE, minY = Integer.MAX_VALUE, maxX = 0, maxY = 0;
        for (List<Integer> p : quad) {
            minX = Math.min(minX, p.get(0));
            minY = Math.min(minY, p.get(1));
            maxX = Math.max(maxX, p.get(0));
            maxY = Math.max(maxY, p.get(1));
        }
        int slackX = (text[2] - text[0]) / 4;
        int slackY = (text[3] - text[1]) / 2;
        return minX <= text[0] + slackX && maxX >= text[2] - slackX && minY <= text[1] + slackY && maxY >= text[3] - slackY;
    }

    public static String base64(BufferedImage img) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return Base64.getEncoder().encodeToString(out.toByteArray());
    }

    /** Character error rate: Levenshtein distance / length of the expected text. */
    static double cer(String expected, String actual) {
        int[] prev = new int[actual.length() + 1];
        int[] cur = new int[actual.length() + 1];
        for (int j = 0; j <= actual.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= expected.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= actual.length(); j++) {
                int sub = prev[j - 1] + (expected.charAt(i - 1) == actual.charAt(j - 1) ? 0 : 1);
                cur[j] = Math.min(sub, Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return (double) prev[actual.length()] / Math.max(1, expected.length());
    }
}
