package dev.aifunc.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.Size;
import java.time.Instant;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Request and response bodies of the scenario API. */
public final class ScenarioDtos {

    private ScenarioDtos() {
    }

    /** What a scenario id must match: 2-64 characters of a-z, 0-9 and '-', starting with a letter or digit. */
    public static final String ID_REGEX = "^[a-z0-9][a-z0-9-]{1,63}$";

    /** Body of {@code POST /api/scenarios}. */
    @Schema(name = "CreateScenario")
    public record Create(
            @Schema(description = "URL-safe slug: lower-case letters, digits and dashes, 2-64 characters", example = "shop-faq")
            @NotBlank @Pattern(regexp = ID_REGEX,
                    message = "must be 2-64 characters of a-z, 0-9 and '-', starting with a letter or digit") String id,
            @Schema(description = "Template id, see GET /api/templates", example = "faq-matching")
            @NotBlank String template,
            @NotBlank @Size(max = 200) String name,
            @Size(max = 4000) String description,
            @Schema(description = "Template-specific config; validated against the template's configSchema")
            JsonNode config) {
    }

    /** Body of {@code PUT /api/scenarios/{id}}: creates a new version. */
    @Schema(name = "UpdateScenario")
    public record Update(@NotBlank @Size(max = 200) String name, @Size(max = 4000) String description,
                         @Schema(description = "The whole new config (replaces the old one)")
                         JsonNode config) {
    }

    /** A scenario with its active version's content. */
    @Schema(name = "Scenario")
    public record View(String id, String template, String name, String description,
                       @Schema(description = "number of the active version") int version,
                       @Schema(description = "number of the newest version") int latestVersion,
                       @Schema(description = "true: the version shown is the one invoke serves") boolean active,
                       JsonNode config, Instant createdAt, Instant updatedAt,
                       @Schema(description = "value of the ETag header, for If-Match") String etag,
                       @Schema(description = "its method in generated clients (operationId of POST /api/scenarios/{id}/invoke); fixed at creation", example = "shopFaq") String operationId) {
    }

    /** One saved version. */
    @Schema(name = "ScenarioVersion")
    public record VersionView(int version, String name, String description,
                              JsonNode config, Instant createdAt,
                              boolean active) {
    }
}
