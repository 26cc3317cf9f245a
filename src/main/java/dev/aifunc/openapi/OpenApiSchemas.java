package dev.aifunc.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns a template's JSON Schema (draft 2020-12, as written in {@code scenarios/*.yaml}) into an OpenAPI 3.0.3
 * Schema Object, the dialect code generators read without warnings.
 *
 * <p>What changes (OpenAPI 3.0.3 §4.7.24 against JSON Schema 2020-12): {@code type: [T, "null"]} and a
 * {@code oneOf}/{@code anyOf} with a {@code {type: null}} branch become {@code nullable: true}; a numeric
 * {@code exclusiveMinimum}/{@code exclusiveMaximum} becomes {@code minimum}/{@code maximum} with the boolean form;
 * {@code const} becomes a one-value {@code enum}; {@code examples} becomes {@code example};
 * {@code contentEncoding: base64} becomes {@code format: byte}; keywords 3.0 does not know ({@code $schema},
 * {@code $id}, {@code $comment}, {@code prefixItems}, {@code if}/{@code then}/{@code else}, …) are dropped; a
 * bare {@code enum} gets the {@code type} of its values.
 */
public final class OpenApiSchemas {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    /** Keywords an OpenAPI 3.0.3 Schema Object takes over unchanged (apart from recursion into sub-schemas). */
    private static final Set<String> KEPT = Set.of("title", "description", "default", "format", "pattern",
            "multipleOf", "maximum", "minimum", "maxLength", "minLength", "maxItems", "minItems", "uniqueItems",
            "maxProperties", "minProperties", "required", "enum", "readOnly", "writeOnly", "deprecated", "example");

    private OpenApiSchemas() {
    }

    /**
     * Converts one schema (recursively).
     *
     * @param schema a JSON Schema 2020-12 object, or {@code true}/{@code false}/null
     * @return an OpenAPI 3.0.3 Schema Object (a new tree; the argument is not changed)
     */
    public static ObjectNode toOpenApi30(JsonNode schema) {
        ObjectNode out = JSON.objectNode();
        if (schema == null || !schema.isObject()) {
            return out; // true, absent: anything
        }
        List<String> types = new ArrayList<>();
        JsonNode type = schema.get("type");
        if (type != null && type.isTextual()) {
            types.add(type.asText());
        } else if (type != null && type.isArray()) {
            type.forEach(t -> types.add(t.asText()));
        }
        boolean nullable = types.remove("null");

        for (String composite : List.of("oneOf", "anyOf")) {
            JsonNode branches = schema.get(composite);
            if (branches == null || !branches.isArray()) {
                continue;
            }
            List<JsonNode> kept = new ArrayList<>();
            for (JsonNode branch : branches) {
                if (branch.isObject() && branch.size() == 1 && "null".equals(branch.path("type").asText())) {
                    nullable = true;
                } else {
                    kept.add(branch);
                }
            }
            if (kept.size() == 1 && types.isEmpty()) {
                ObjectNode only = toOpenApi30(kept.get(0));
                copyAnnotations(schema, only);
                if (nullable) {
                    only.put("nullable", true);
                }
                return only;
            }
            ArrayNode converted = out.putArray(composite);
            kept.forEach(branch -> converted.add(toOpenApi30(branch)));
        }

        if (types.size() == 1) {
            out.put("type", types.get(0));
        } else if (types.size() > 1) {
            ArrayNode oneOf = out.putArray("oneOf");
            types.forEach(t -> oneOf.add(JSON.objectNode().put("type", t)));
        }
        if (nullable) {
            out.put("nullable", true);
        }

        schema.properties().forEach(entry -> {
            String key = entry.getKey();
            JsonNode value = entry.getValue();
            switch (key) {
                case "properties" -> {
                    ObjectNode props = out.putObject("properties");
                    value.properties().forEach(p -> props.set(p.getKey(), toOpenApi30(p.getValue())));
                }
                case "items" -> out.set("items", toOpenApi30(value));
                case "additionalProperties" -> out.set("additionalProperties",
                        value.isBoolean() ? value : toOpenApi30(value));
                case "allOf", "not" -> {
                    if (value.isArray()) {
                        ArrayNode all = out.putArray(key);
                        value.forEach(v -> all.add(toOpenApi30(v)));
                    } else {
                        out.set(key, toOpenApi30(value));
                    }
                }
                case "exclusiveMinimum" -> exclusive(out, schema, "minimum", value);
                case "exclusiveMaximum" -> exclusive(out, schema, "maximum", value);
                case "const" -> out.putArray("enum").add(value);
                case "examples" -> {
                    if (value.isArray() && !value.isEmpty()) {
                        out.set("example", value.get(0));
                    }
                }
                case "contentEncoding" -> {
                    if ("base64".equalsIgnoreCase(value.asText())) {
                        out.put("format", "byte");
                    }
                }
                default -> {
                    boolean replacedByExclusive = ("minimum".equals(key) && out.path("exclusiveMinimum").asBoolean())
                            || ("maximum".equals(key) && out.path("exclusiveMaximum").asBoolean());
                    if (KEPT.contains(key) && !replacedByExclusive) {
                        out.set(key, value.deepCopy());
                    }
                }
            }
        });
        if (!out.has("type") && out.has("enum")) {
            inferEnumType(out);
        }
        if (out.has("enum") && nullable) {
            ((ArrayNode) out.get("enum")).addNull();
        }
        if ("array".equals(out.path("type").asText()) && !out.has("items")) {
            out.putObject("items"); // 3.0 requires items; an array of anything
        }
        if (!out.has("type") && out.has("properties")) {
            out.put("type", "object");
        }
        return out;
    }

    private static void copyAnnotations(JsonNode from, ObjectNode to) {
        for (String key : List.of("description", "title", "default")) {
            if (from.has(key) && !to.has(key)) {
                to.set(key, from.get(key).deepCopy());
            }
        }
    }

    /** 2020-12 {@code exclusiveMinimum: 0} is 3.0's {@code minimum: 0, exclusiveMinimum: true}. */
    private static void exclusive(ObjectNode out, JsonNode schema, String bound, JsonNode value) {
        if (value.isBoolean()) {
            out.set("exclusive" + Character.toUpperCase(bound.charAt(0)) + bound.substring(1), value);
            return;
        }
        if (!value.isNumber()) {
            return;
        }
        JsonNode inclusive = schema.get(bound);
        boolean tighter = inclusive == null || !inclusive.isNumber()
                || ("minimum".equals(bound) ? value.decimalValue().compareTo(inclusive.decimalValue()) >= 0
                : value.decimalValue().compareTo(inclusive.decimalValue()) <= 0);
        if (tighter) {
            out.set(bound, value);
            out.put("exclusive" + Character.toUpperCase(bound.charAt(0)) + bound.substring(1), true);
        }
        // else the inclusive bound is the stricter one and is copied as it is
    }

    private static void inferEnumType(ObjectNode out) {
        String kind = null;
        for (JsonNode v : out.get("enum")) {
            String k = v.isTextual() ? "string" : v.isIntegralNumber() ? "integer" : v.isNumber() ? "number"
                    : v.isBoolean() ? "boolean" : null;
            if (k == null || (kind != null && !kind.equals(k))) {
                return;
            }
            kind = k;
        }
        if (kind != null) {
            out.put("type", kind);
        }
    }
}
