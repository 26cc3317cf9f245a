package dev.aifunc.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A scenario's output drawn for people in the playground: class scores as bars, the FAQ answer with its score,
 * OCR lines and face boxes over the image, recommended items as a list, an embedding's size and first values.
 * What is drawn follows the fields of the output (the same for every template of a task), not the template id.
 *
 * @param headline the answer in a few words ({@code negative}, the FAQ answer, {@code 3 faces}), or null
 * @param detail   one line under the headline (its score, the matched question), or null
 * @param bars     scores to draw as bars, highest first where the output ranks them
 * @param items    ranked items (recommendations, FAQ alternatives, OCR lines)
 * @param itemsTitle what the items are ({@code Nearest labelled examples}), or null
 * @param overlay  the input image with boxes drawn over it, or null
 * @param rawJson  the output as pretty-printed JSON
 */
public record PlaygroundView(String headline, String detail, List<Bar> bars, List<Item> items, String itemsTitle,
                             Overlay overlay, String rawJson) {

    /** A score in [0, 1] (or any range, clamped to it for drawing) and its label. */
    public record Bar(String label, double score, boolean winner) {
        /** The bar's width, 0–100 (%). */
        public String percent() {
            return String.format(Locale.ROOT, "%.1f", Math.max(0, Math.min(1, score)) * 100);
        }

        /** The score with 4 decimals. */
        public String value() {
            return String.format(Locale.ROOT, "%.4f", score);
        }
    }

    /** One row of a ranked list: a title, a line under it, and a score (or null). */
    public record Item(String title, String subtitle, String score) {
    }

    /**
     * An image with shapes over it, in the image's own pixel coordinates.
     *
     * @param image  {@code data:} URL of the image shown
     * @param width  image width in pixels
     * @param height image height in pixels
     * @param shapes polygons as SVG {@code points} ({@code "x,y x,y x,y x,y"}) with a caption
     */
    public record Overlay(String image, int width, int height, List<Shape> shapes) {
        /** Line width in image pixels that stays visible once the image is scaled to the page. */
        public int strokeWidth() {
            return Math.max(1, Math.max(width, height) / 250);
        }
    }

    /** A polygon and what it is ({@code "TOTAL 12.50"}, {@code "face 0.98"}). */
    public record Shape(String points, String caption, int labelX, int labelY) {
    }

    /**
     * Draws an output.
     *
     * @param output   the scenario's output as JSON
     * @param input    the input that produced it (similarity needs the targets), may be null
     * @param imageUrl {@code data:} URL of the input image for vision scenarios, or null
     */
    public static PlaygroundView of(JsonNode output, JsonNode input, String imageUrl) {
        String raw = output.toPrettyString();
        List<Bar> bars = new ArrayList<>();
        List<Item> items = new ArrayList<>();
        if (output.has("lines") && output.get("lines").isArray()) {
            List<Shape> shapes = new ArrayList<>();
            for (JsonNode line : output.get("lines")) {
                items.add(new Item(line.path("text").asText(), null, score(line.path("confidence"))));
                if (line.path("box").isArray() && line.get("box").size() == 4) {
                    StringBuilder points = new StringBuilder();
                    int minX = Integer.MAX_VALUE;
                    int minY = Integer.MAX_VALUE;
                    for (JsonNode p : line.get("box")) {
                        points.append(points.length() == 0 ? "" : " ").append(p.get(0).asInt()).append(',').append(p.get(1).asInt());
                        minX = Math.min(minX, p.get(0).asInt());
                        minY = Math.min(minY, p.get(1).asInt());
                    }
                    shapes.add(new Shape(points.toString(), line.path("text").asText(), minX, minY));
                }
            }
            int n = output.get("lines").size();
            return new PlaygroundView(n == 0 ? "No text found" : n + (n == 1 ? " line" : " lines") + " read",
                    null, bars, items, "Lines in reading order, with their confidence", overlay(imageUrl, output, shapes), raw);
        }
        if (output.has("faces") && output.get("faces").isArray()) {
            List<Shape> shapes = new ArrayList<>();
            for (JsonNode face : output.get("faces")) {
                JsonNode b = face.path("box");
                int x = b.path(0).asInt();
                int y = b.path(1).asInt();
                int w = b.path(2).asInt();
                int h = b.path(3).asInt();
                shapes.add(new Shape(x + "," + y + " " + (x + w) + "," + y + " " + (x + w) + "," + (y + h) + " " + x + "," + (y + h),
                        "face " + score(face.path("score")), x, y));
                items.add(new Item("Face at " + x + ", " + y, w + " × " + h + " pixels", score(face.path("score"))));
            }
            String shown = imageUrl;
            if (output.path("image").isTextual()) { // the anonymized image itself
                shown = "data:image/" + output.path("imageFormat").asText("png") + ";base64," + output.get("image").asText();
            }
            int n = output.get("faces").size();
            return new PlaygroundView(n == 0 ? "No faces found" : n + (n == 1 ? " face" : " faces") + " found",
                    output.path("image").isTextual() ? "The image below is the anonymized one the API returned." : null,
                    bars, items, "Faces, with their detection score", overlay(shown, output, shapes), raw);
        }
        if (output.has("scores") && output.get("scores").isObject()) { // text classification
            String label = output.path("label").isTextual() ? output.get("label").asText() : null;
            output.get("scores").properties().stream()
                    .sorted((a, b) -> Double.compare(b.getValue().asDouble(), a.getValue().asDouble()))
                    .forEach(e -> bars.add(new Bar(e.getKey(), e.getValue().asDouble(), e.getKey().equals(label))));
            for (JsonNode n : output.path("nearestExamples")) {
                items.add(new Item(n.path("text").asText(), "labelled " + n.path("label").asText(), score(n.path("score"))));
            }
            return new PlaygroundView(label == null ? "No label (below the threshold)" : label,
                    "score " + score(output.path("score")), bars, items, "Nearest labelled examples", null, raw);
        }
        if (output.has("top") && output.get("top").isArray()) { // image classification
            String label = output.path("label").asText(null);
            for (JsonNode t : output.get("top")) {
                bars.add(new Bar(t.path("label").asText(), t.path("score").asDouble(), t.path("label").asText().equals(label)));
            }
            return new PlaygroundView(label, "score " + score(output.path("score")), bars, items, null,
                    imageUrl == null ? null : new Overlay(imageUrl, 0, 0, List.of()), raw);
        }
        if (output.has("match") || output.has("alternatives")) { // FAQ matching
            JsonNode match = output.get("match");
            for (JsonNode a : output.path("alternatives")) {
                items.add(new Item(a.path("question").asText(), a.path("answer").asText(), score(a.path("score"))));
            }
            if (match == null || match.isNull()) {
                return new PlaygroundView("No matching answer", output.path("reason").asText(null), bars, items,
                        "Closest questions", null, raw);
            }
            return new PlaygroundView(match.path("answer").asText(), "for “" + match.path("question").asText()
                    + "”, score " + score(match.path("score")), bars, items, "Other close questions", null, raw);
        }
        if (output.has("items") && output.get("items").isArray()) { // recommendations
            for (JsonNode i : output.get("items")) {
                String title = i.path("title").asText("");
                String id = i.path("id").asText();
                items.add(new Item(title.isEmpty() ? id : title + " (" + id + ")",
                        i.path("reason").asText(i.path("category").asText(null)), score(i.path("score"))));
            }
            int n = items.size();
            return new PlaygroundView(n == 0 ? "No items" : n + (n == 1 ? " item" : " items"),
                    output.has("strategy") ? "strategy: " + output.get("strategy").asText() : null, bars, items,
                    "Items, best first", null, raw);
        }
        if (output.has("embedding") && output.get("embedding").isArray()) {
            List<String> first = new ArrayList<>();
            for (int i = 0; i < Math.min(8, output.get("embedding").size()); i++) {
                first.add(String.format(Locale.ROOT, "%.4f", output.get("embedding").get(i).asDouble()));
            }
            return new PlaygroundView(output.get("embedding").size() + " dimensions",
                    "first values: " + String.join(", ", first) + " …", bars, items, null, null, raw);
        }
        if (output.has("scores") && output.get("scores").isArray()) { // similarity, in the order of the targets
            JsonNode targets = input == null ? null : input.get("targets");
            int best = -1;
            for (int i = 0; i < output.get("scores").size(); i++) {
                if (best < 0 || output.get("scores").get(i).asDouble() > output.get("scores").get(best).asDouble()) {
                    best = i;
                }
            }
            for (int i = 0; i < output.get("scores").size(); i++) {
                String label = targets != null && targets.has(i) ? targets.get(i).asText() : "target " + (i + 1);
                bars.add(new Bar(label, output.get("scores").get(i).asDouble(), i == best));
            }
            return new PlaygroundView(best < 0 ? "No targets" : "Closest: " + bars.get(best).label(),
                    "cosine similarity", bars, items, null, null, raw);
        }
        return new PlaygroundView(null, null, bars, items, null, null, raw);
    }

    private static Overlay overlay(String imageUrl, JsonNode output, List<Shape> shapes) {
        if (imageUrl == null) {
            return null;
        }
        return new Overlay(imageUrl, output.path("width").asInt(0), output.path("height").asInt(0), shapes);
    }

    private static String score(JsonNode n) {
        return n == null || n.isMissingNode() || n.isNull() ? null : String.format(Locale.ROOT, "%.4f", n.asDouble());
    }
}
