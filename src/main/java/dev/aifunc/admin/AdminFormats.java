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
}
