import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;

/**
 * OCR benchmark: renders business text lines (several fonts and sizes, dark on light, light on dark, upside down,
 * Chinese), reads each through aifunc's ocr scenario over HTTP and through Tesseract 5 (Debian's CLI, same PNG), and
 * prints the character error rate (Levenshtein / length) and latency of both, plus where aifunc's time goes.
 * Usage (bench/ocr-vs-tesseract.sh runs it): java bench/OcrBench.java http://localhost:8080/api/scenarios/ID/invoke
 */
public class OcrBench {

    record Case(String name, String text, String font, int style, int size, Color fg, Color bg, boolean upsideDown, String lang) {
    }

    public static void main(String[] args) throws Exception {
        String url = args[0];
        List<Case> cases = List.of(
                new Case("invoice", "Invoice No. 2026-0412 Total: 1,249.90 EUR", "DejaVu Sans", Font.PLAIN, 32, Color.BLACK, Color.WHITE, false, "eng"),
                new Case("address", "Please deliver to 42 Harbour Street", "DejaVu Serif", Font.PLAIN, 28, new Color(30, 30, 90), new Color(245, 240, 225), false, "eng"),
                new Case("customer", "Customer ID: AB-77310 Ref 5521", "Liberation Mono", Font.PLAIN, 24, Color.BLACK, Color.WHITE, false, "eng"),
                new Case("iban", "IBAN DE44 5001 0517 5407 3249 31", "Liberation Sans", Font.PLAIN, 26, Color.BLACK, Color.WHITE, false, "eng"),
                new Case("inverse", "Thank you for shopping with us", "DejaVu Sans", Font.BOLD, 30, Color.WHITE, new Color(20, 40, 60), false, "eng"),
                new Case("upside-down", "Order shipped on 12 March", "Liberation Sans", Font.PLAIN, 34, Color.BLACK, Color.WHITE, true, "eng"),
                new Case("small", "Returns accepted within 30 days", "DejaVu Sans", Font.PLAIN, 18, Color.DARK_GRAY, Color.WHITE, false, "eng"),
                new Case("serif-bold", "Quarterly report: revenue up 12.5%", "DejaVu Serif", Font.BOLD, 26, Color.BLACK, new Color(250, 250, 250), false, "eng"),
                new Case("phone", "Call us at +49 30 1234 5678", "Liberation Serif", Font.PLAIN, 30, Color.BLACK, Color.WHITE, false, "eng"),
                new Case("chinese-1", "发票金额：人民币一千二百元整", "WenQuanYi Zen Hei", Font.PLAIN, 32, Color.BLACK, Color.WHITE, false, "chi_sim"),
                new Case("chinese-2", "订单已发货，请注意查收", "WenQuanYi Zen Hei", Font.PLAIN, 30, Color.BLACK, Color.WHITE, false, "chi_sim"));
        HttpClient http = HttpClient.newHttpClient();
        Path tmp = Files.createTempDirectory("ocr-bench");
        List<Double> aifuncMs = new ArrayList<>();
        List<Double> tessMs = new ArrayList<>();
        double aifuncCer = 0;
        double tessCer = 0;
        double decode = 0;
        double detect = 0;
        double recognize = 0;
        boolean tesseract = new ProcessBuilder("tesseract", "--version").start().waitFor() == 0;
        System.out.printf("%-12s %7s %7s   %s%n", "line", "aifunc", "tess", "aifunc read / tesseract read");
        for (int round = 0; round < 3; round++) { // three rounds for latency; CER from the last round
            aifuncCer = 0;
            tessCer = 0;
            for (Case c : cases) {
                byte[] png = render(c);
                long t0 = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .header("Content-Type", "image/png").POST(HttpRequest.BodyPublishers.ofByteArray(png)).build(),
                        HttpResponse.BodyHandlers.ofString());
                double ms = (System.nanoTime() - t0) / 1e6;
                String read = jsonString(r.body(), "text").replace("\n", " ");
                double cer = cer(c.text(), read);
                aifuncCer += cer;
                String tRead = "";
                double tCer = Double.NaN;
                if (tesseract) {
                    Path file = tmp.resolve(c.name() + ".png");
                    Files.write(file, png);
                    long t1 = System.nanoTime();
                    Process p = new ProcessBuilder("tesseract", file.toString(), "stdout", "-l", c.lang(), "--psm", "7")
                            .redirectErrorStream(false).start();
                    byte[] out = p.getInputStream().readAllBytes();
                    p.waitFor(60, TimeUnit.SECONDS);
                    tessMs.add((System.nanoTime() - t1) / 1e6);
                    tRead = new String(out, StandardCharsets.UTF_8).strip().replace("\n", " ");
                    if (c.lang().equals("chi_sim")) {
                        tRead = tRead.replace(" ", "");
                    }
                    tCer = cer(c.text(), tRead);
                    tessCer += tCer;
                }
                if (round > 0) {
                    aifuncMs.add(ms);
                    decode += number(r.body(), "decode");
                    detect += number(r.body(), "detect");
                    recognize += number(r.body(), "recognize");
                }
                if (round == 2) {
                    System.out.printf("%-12s %7.3f %7.3f   [%s] / [%s]%n", c.name(), cer, tCer, read, tRead);
                }
            }
        }
        int n = cases.size();
        int timed = aifuncMs.size();
        System.out.printf("%nmean character error rate over %d lines: aifunc (PP-OCRv4) %.4f, tesseract 5 %s%n", n,
                aifuncCer / n, tesseract ? String.format("%.4f", tessCer / n) : "(not installed: apt-get install tesseract-ocr tesseract-ocr-chi-sim)");
        System.out.printf("latency per line image: aifunc HTTP p50 %.1f ms, p95 %.1f ms; tesseract CLI p50 %s ms%n",
                pct(aifuncMs, 0.5), pct(aifuncMs, 0.95), tesseract ? String.format("%.1f", pct(tessMs, 0.5)) : "-");
        System.out.printf("aifunc time per image (mean ms): decode %.1f, detect %.1f, recognize %.1f, rest (HTTP, JSON) %.1f%n",
                decode / timed, detect / timed, recognize / timed,
                aifuncMs.stream().mapToDouble(d -> d).sum() / timed - (decode + detect + recognize) / timed);
        if (tesseract) {
            System.out.printf("ratio: tesseract CER / aifunc CER = %.1fx; aifunc p50 / tesseract p50 = %.2fx%n",
                    (tessCer / n) / Math.max(1e-9, aifuncCer / n), pct(aifuncMs, 0.5) / pct(tessMs, 0.5));
        }
    }

    static byte[] render(Case c) throws Exception {
        Font font = new Font(c.font(), c.style(), c.size());
        if (!font.getFamily().equals(c.font())) {
            throw new IllegalStateException("font missing: " + c.font());
        }
        FontMetrics m = new BufferedImage(1, 1, BufferedImage.TYPE_INT_RGB).createGraphics().getFontMetrics(font);
        int w = m.stringWidth(c.text()) + 80;
        int h = m.getHeight() + 60;
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.setColor(c.bg());
        g.fillRect(0, 0, w, h);
        if (c.upsideDown()) {
            g.setTransform(AffineTransform.getRotateInstance(Math.PI, w / 2.0, h / 2.0));
        }
        g.setColor(c.fg());
        g.setFont(font);
        g.drawString(c.text(), 40, 30 + m.getAscent());
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    static String jsonString(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(json);
        if (!m.find()) {
            return "";
        }
        String s = m.group(1);
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch == '\\' && i + 1 < s.length()) {
                char e = s.charAt(++i);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'u' -> { out.append((char) Integer.parseInt(s.substring(i + 1, i + 5), 16)); i += 4; }
                    default -> out.append(e);
                }
            } else {
                out.append(ch);
            }
        }
        return out.toString();
    }

    static double number(String json, String field) {
        Matcher m = Pattern.compile("\"" + field + "\":([0-9.]+)").matcher(json);
        return m.find() ? Double.parseDouble(m.group(1)) : 0;
    }

    static double pct(List<Double> values, double p) {
        double[] v = values.stream().mapToDouble(d -> d).sorted().toArray();
        return v.length == 0 ? 0 : v[Math.min(v.length - 1, (int) Math.floor(p * v.length))];
    }

    static double cer(String expected, String actual) {
        int[] prev = new int[actual.length() + 1];
        int[] cur = new int[actual.length() + 1];
        for (int j = 0; j <= actual.length(); j++) {
            prev[j] = j;
        }
        for (int i = 1; i <= expected.length(); i++) {
            cur[0] = i;
            for (int j = 1; j <= actual.length(); j++) {
                cur[j] = Math.min(prev[j - 1] + (expected.charAt(i - 1) == actual.charAt(j - 1) ? 0 : 1),
                        Math.min(prev[j] + 1, cur[j - 1] + 1));
            }
            int[] t = prev;
            prev = cur;
            cur = t;
        }
        return (double) prev[actual.length()] / Math.max(1, expected.length());
    }
}
