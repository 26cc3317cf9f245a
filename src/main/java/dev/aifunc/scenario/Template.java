package dev.aifunc.scenario;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A scenario template from {@code scenarios/<id>.yaml}: what it does, which task runs it, which model pack per
 * language, and the JSON Schemas of its config, input and output.
 *
 * @param id           template id (file name without {@code .yaml})
 * @param kind         {@code nlp}, {@code vision} or {@code recommendation}
 * @param title        short title for people
 * @param description  what it does, for people
 * @param task         id of the Java task that runs it
 * @param models       default model pack per language ({@code en}, {@code zh})
 * @param configSchema JSON Schema of a scenario's {@code config}
 * @param inputSchema  JSON Schema of the invoke body
 * @param outputSchema JSON Schema of the invoke response
 * @param exampleInput an input that validates against {@code inputSchema}
 * @param defaults     config values a scenario gets unless it sets them (presets, e.g. shipped examples)
 */
@Schema(name = "Template")
public record Template(String id, String kind, String title, String description, String task,
                       Map<String, String> models,
                       @Schema(description = "JSON Schema of config") JsonNode configSchema,
                       @Schema(description = "JSON Schema of the invoke body") JsonNode inputSchema,
                       @Schema(description = "JSON Schema of the invoke response") JsonNode outputSchema,
                       JsonNode exampleInput,
                       @Schema(description = "Config values a scenario gets unless it sets them", ref = "JsonObject") ObjectNode defaults,
                       @JsonIgnore @Schema(hidden = true) com.networknt.schema.Schema compiledConfigSchema,
                       @JsonIgnore @Schema(hidden = true) com.networknt.schema.Schema compiledInputSchema) {

    /** The config a scenario runs with: template defaults, overridden key by key by the scenario's own config. */
    public ObjectNode effectiveConfig(JsonNode config) {
        ObjectNode merged = defaults == null ? com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode()
                : defaults.deepCopy();
        if (config != null && config.isObject()) {
            config.properties().forEach(e -> merged.set(e.getKey(), e.getValue()));
        }
        return merged;
    }
}
