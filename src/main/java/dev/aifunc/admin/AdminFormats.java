package dev.aifunc.admin;

import io.quarkus.qute.TemplateExtension;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the admin pages show values to people. */
@TemplateExtension
public final class AdminFormats {

    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
            .withZone(ZoneOffset.UTC);

    private AdminFormats() {
    }

    /** A number without a trailing {@code .0}: {@code 10}, {@code 0.5}. */
    static String plain(Double value) {
        return value == null ? "" : java.math.BigDecimal.valueOf(value).stripTrailingZeros().toPlainString();
    }

    /** {@code 2026-11-29 23:43 UTC}: to the minute, in UTC. */
    static String friendly(Instant instant) {
        return instant == null ? "" : MINUTES.format(instant);
    }

    /**
     * The example image of a template as a {@code data:} URL for an {@code <img>}, or empty when its example input has
     * no image. Accepts both a bare base64 string and a data URL in the example.
     */
    static String exampleImage(com.fasterxml.jackson.databind.JsonNode exampleInput) {
        if (exampleInput == null || !exampleInput.path("image").isTextual()) {
            return "";
        }
        String image = exampleInput.get("image").asText();
        if (image.startsWith("data:image/")) {
            return image;
        }
        String type = image.startsWith("/9j/") ? "image/jpeg" : "image/png";
        return "data:" + type + ";base64," + image;
    }

    /**
     * The top-level fields of a JSON Schema for people: {@code "text: string, required"}, {@code "topK: integer"},
     * with {@code one of a | b} for enums. Empty for a schema without properties.
     */
    static java.util.List<String> readableFields(com.fasterxml.jackson.databind.JsonNode schema) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (schema == null || !schema.path("properties").isObject()) {
            return out;
        }
        java.util.Set<String> required = new java.util.HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        schema.get("properties").properties().forEach(p -> {
            com.fasterxml.jackson.databind.JsonNode f = p.getValue();
            String type;
            if (f.has("enum")) {
                java.util.List<String> values = new java.util.ArrayList<>();
                f.get("enum").forEach(v -> values.add(v.asText()));
                type = "one of " + String.join(" | ", values);
            } else if ("array".equals(f.path("type").asText())) {
                type = "list of " + f.path("items").path("type").asText("values");
            } else if (f.path("type").isArray()) {
                java.util.List<String> types = new java.util.ArrayList<>();
                f.get("type").forEach(v -> types.add(v.asText()));
                type = String.join(" or ", types);
            } else {
                type = f.path("type").asText("");
                type = type.isEmpty() ? "value" : type;
            }
            out.add(p.getKey() + ": " + type + (required.contains(p.getKey()) ? ", required" : ""));
        });
        return out;
    }

    /** One cell of a dataset row for a table: the field's text (JSON for non-text values), empty when absent. */
    static String cell(com.fasterxml.jackson.databind.JsonNode row, String column) {
        com.fasterxml.jackson.databind.JsonNode v = row == null ? null : row.get(column);
        if (v == null || v.isNull()) {
            return "";
        }
        return v.isValueNode() ? v.asText() : v.toString();
    }
}
