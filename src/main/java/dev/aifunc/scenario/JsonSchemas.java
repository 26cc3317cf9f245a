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

    /** The draft 2020-12 meta-schema (bundled in the validator's jar, so no network is needed). */
    private static final Schema META_SCHEMA = REGISTRY.getSchema(
            com.networknt.schema.SchemaLocation.of("https://json-schema.org/draft/2020-12/schema"));

    /**
     * Compiles a schema after checking it against the draft 2020-12 meta-schema.
     *
     * @throws IllegalArgumentException when the node is not a valid JSON Schema (the message names the keyword)
     */
    public static Schema compile(JsonNode schema) {
        List<Problem.FieldError> metaErrors = validate(META_SCHEMA, schema, "");
        if (!metaErrors.isEmpty()) {
            throw new IllegalArgumentException("is not a valid JSON Schema: " + metaErrors.get(0).field() + " "
                    + metaErrors.get(0).message());
        }
        try {
            Schema compiled = REGISTRY.getSchema(schema.toString(), InputFormat.JSON);
            compiled.initializeValidators();
            return compiled;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a valid JSON Schema: " + e.getMessage(), e);
        }
    }

    /**
     * Validates a value; an empty list means valid. Field paths have the {@code prefix} prepended. A fractional
     * number beyond the 64-bit integer range, on which the validator itself fails, comes back as one error
     * "is a number out of range" naming it.
     *
     * @throws RuntimeException what the validator throws for any other reason
     */
    public static List<Problem.FieldError> validate(Schema schema, JsonNode value, String prefix) {
        List<Error> errors;
        try {
            errors = schema.validate(value.toString(), InputFormat.JSON);
        } catch (RuntimeException e) {
            // the validator's minimum/maximum checks convert a fractional number to long and throw when it is out
            // of range ({"topK": 1e308}, found by FuzzedRequestsTest): report that number as the error
            String huge = hugeNumber(value, "");
            if (huge == null) {
                throw e;
            }
            String field = prefix == null || prefix.isEmpty() ? (huge.isEmpty() ? "(body)" : huge)
                    : huge.isEmpty() ? prefix : prefix + "." + huge;
            return List.of(new Problem.FieldError(field, null, "is a number out of range", null));
        }
        return errors.stream().map(e -> new Problem.FieldError(field(prefix, e), null, message(e), limit(e))).toList();
    }

    /** The dotted path of the first fractional number beyond the 64-bit integer range, or null when there is none. */
    private static String hugeNumber(JsonNode node, String path) {
        if (node.isNumber() && !node.isIntegralNumber() && !(Math.abs(node.doubleValue()) < 0x1p63)) {
            return path;
        }
        if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String found = hugeNumber(node.get(i), path + "[" + i + "]");
                if (found != null) {
                    return found;
                }
            }
        } else if (node.isObject()) {
            for (var it = node.fields(); it.hasNext(); ) {
                var entry = it.next();
                String found = hugeNumber(entry.getValue(), path.isEmpty() ? entry.getKey() : path + "." + entry.getKey());
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
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

    private static final java.util.Map<String, String> LIMIT_UNITS = java.util.Map.of(
            "maxLength", "characters", "minLength", "characters", "maxItems", "items", "minItems", "items",
            "maximum", "", "minimum", "", "exclusiveMaximum", "", "exclusiveMinimum", "",
            "maxProperties", "properties", "minProperties", "properties");

    /** The broken limit in words ({@code maxLength 10000 characters}), or null when the keyword has none. */
    private static String limit(Error e) {
        String unit = LIMIT_UNITS.get(e.getKeyword());
        if (unit == null || e.getSchemaNode() == null) {
            return null;
        }
        return (e.getKeyword() + " " + e.getSchemaNode().toString() + " " + unit).strip();
    }

    private static String message(Error e) {
        // networknt messages start with the instance location ("$.text: ..."); the field carries it already
        return e.getMessage().replaceFirst("^(\\$|/)[^:]*:\\s*", "").replaceFirst("^:\\s*", "");
    }
}
