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
}
