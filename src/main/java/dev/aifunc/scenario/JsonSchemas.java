package dev.aifunc.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import dev.aifunc.problem.Problem;
import java.util.List;

/**
 * JSON Schema (draft 2020-12) compilation and validation with the networknt validator. Errors come back as
 * {@link Problem.FieldError}s whose field is the dotted path of the offending value ({@code labels[0].name}).
 */
public final class JsonSchemas {

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private JsonSchemas() {
    }

    /**
     * Compiles a schema.
     *
     * @throws IllegalArgumentException when the node is not a usable JSON Schema
     */
    public static Schema compile(JsonNode schema) {
        try {
            Schema compiled = REGISTRY.getSchema(schema.toString(), InputFormat.JSON);
            compiled.initializeValidators();
            return compiled;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid JSON Schema: " + e.getMessage(), e);
        }
    }

    /** Validates a value; an empty list means valid. Field paths have the {@code prefix} prepended. */
    public static List<Problem.FieldError> validate(Schema schema, JsonNode value, String prefix) {
        List<Error> errors = schema.validate(value.toString(), InputFormat.JSON);
        return errors.stream().map(e -> new Problem.FieldError(field(prefix, e), null, message(e))).toList();
    }

    private static String field(String prefix, Error e) {
        String path = dotted(e.getInstanceLocation() == null ? "" : e.getInstanceLocation().toString());
        if ("required".equals(e.getKeyword()) && e.getProperty() != null) {
            path = path.isEmpty() ? e.getProperty() : path + "." + e.getProperty();
        }
        if (prefix == null || prefix.isEmpty()) {
            return path.isEmpty() ? "(body)" : path;
        }
        return path.isEmpty() ? prefix : prefix + "." + path;
    }

    /** {@code /labels/0/name} (JSON pointer) or {@code $.labels[0].name} (JSON path) → {@code labels[0].name}. */
    static String dotted(String location) {
        location = location.startsWith("$") ? location.substring(1) : location;
        if (location.startsWith("/")) {
            StringBuilder out = new StringBuilder();
            for (String token : location.substring(1).split("/", -1)) {
                String t = token.replace("~1", "/").replace("~0", "~");
                if (t.matches("\\d+")) {
                    out.append('[').append(t).append(']');
                } else {
                    out.append(out.length() == 0 ? "" : ".").append(t);
                }
            }
            return out.toString();
        }
        return location.replaceFirst("^\\.", "");
    }

    private static String message(Error e) {
        // networknt messages start with the instance location ("$.text: ..."); the field carries it already
        return e.getMessage().replaceFirst("^(\\$|/)[^:]*:\\s*", "").replaceFirst("^:\\s*", "");
    }
}
