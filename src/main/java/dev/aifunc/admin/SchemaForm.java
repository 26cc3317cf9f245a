package dev.aifunc.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.aifunc.problem.Problem;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * An HTML form generated from the JSON Schema of an object (a template's config or input schema); {@link FormValues}
 * reads the submitted fields back into JSON typed by the same schema.
 *
 * <p>Each top-level property becomes one {@link Field}: an {@code enum} a drop-down, a number an
 * {@code <input type=number>} with the schema's minimum and maximum, a boolean a yes/no drop-down, a string a text
 * box (a text area above 200 characters), an array of scalars a text area with one value per line, an array of
 * objects with scalar properties a table of rows, anything else a JSON text area. Form field names are
 * {@code <prefix>.<property>} and, for rows, {@code <prefix>.<property>[<row>].<column>}. An empty field means
 * "not set", so the template's default applies.
 */
public final class SchemaForm {

    /** One choice of a drop-down. */
    public record Option(String value, String label, boolean selected) {
    }

    /**
     * One form control.
     *
     * @param name        form field name ({@code config.threshold}); row cells add {@code [i].column}
     * @param id          HTML id for the label's {@code for}
     * @param label       the property name for people ({@code Min face size})
     * @param kind        {@code select}, {@code number}, {@code text}, {@code textarea}, {@code lines}, {@code rows},
     *                    {@code json} or {@code file}
     * @param help        what it means, its default and its limits, in words
     * @param value       the current value as text (empty when not set)
     * @param placeholder the template default as text
     * @param options     choices of a {@code select}
     * @param min         lowest number allowed, or null
     * @param max         highest number allowed, or null
     * @param step        {@code 1} for integers, {@code any} for numbers
     * @param maxLength   longest text in characters, or null
     * @param required    whether the schema requires it
     * @param columns     column names of {@code rows}
     * @param rows        cell values of {@code rows}, one list per row, one blank row at the end
     * @param error       the validation message for this field, or null
     */
    public record Field(String name, String id, String label, String kind, String help, String value,
                        String placeholder, List<Option> options, String min, String max, String step,
                        Integer maxLength, boolean required, List<String> columns, List<List<String>> rows,
                        String error) {

        /** The index the next added row gets (used by the "Add row" button). */
        public int nextRow() {
            return rows == null ? 0 : rows.size();
        }
    }


    private SchemaForm() {
    }

    /**
     * The controls for a schema's top-level properties.
     *
     * @param schema   a JSON Schema of an object
     * @param prefix   form field name prefix ({@code config})
     * @param values   the values set now (the scenario's own config), or null
     * @param defaults the template defaults shown as placeholders, or null
     * @param choices  extra drop-down choices per property (e.g. model packs for {@code modelPack}), may be empty
     * @param errors   validation errors whose {@code field} starts with {@code prefix.property}
     */
    public static List<Field> fields(JsonNode schema, String prefix, JsonNode values, JsonNode defaults,
                                     Map<String, List<String>> choices, List<Problem.FieldError> errors) {
        List<Field> out = new ArrayList<>();
        if (schema == null || !schema.path("properties").isObject()) {
            return out;
        }
        java.util.Set<String> required = new java.util.HashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        schema.get("properties").properties().forEach(p -> {
            String key = p.getKey();
            JsonNode s = p.getValue();
            JsonNode value = values == null ? null : values.get(key);
            JsonNode dflt = defaults != null && defaults.has(key) ? defaults.get(key) : s.get("default");
            String name = prefix + "." + key;
            String kind = kind(s, choices.containsKey(key));
            List<Option> options = List.of();
            if ("select".equals(kind)) {
                options = options(s, choices.get(key), value, dflt);
            }
            List<String> columns = List.of();
            List<List<String>> rows = List.of();
            if ("rows".equals(kind)) {
                columns = new ArrayList<>();
                s.path("items").path("properties").fieldNames().forEachRemaining(columns::add);
                rows = rows(value, columns);
            }
            String error = errors.stream().filter(e -> e.field() != null && (e.field().equals(name)
                            || e.field().startsWith(name + ".") || e.field().startsWith(name + "[")))
                    .map(e -> (e.field().equals(name) ? "" : e.field().substring(prefix.length() + 1) + ": ")
                            + e.message())
                    .reduce((a, b) -> a + "; " + b).orElse(null);
            String type = type(s);
            out.add(new Field(name, name.replaceAll("[^A-Za-z0-9_-]", "-"), words(key), kind,
                    help(s, dflt, kind), text(value, kind), placeholder(dflt, kind), options,
                    bound(s, "minimum", "exclusiveMinimum"), bound(s, "maximum", "exclusiveMaximum"),
                    "integer".equals(type) ? "1" : "any",
                    s.has("maxLength") ? s.get("maxLength").asInt() : null, required.contains(key), columns, rows,
                    error));
        });
        return out;
    }

    /** The control kind for a property schema. */
    static String kind(JsonNode s, boolean hasChoices) {
        String type = type(s);
        if (s.has("enum") || "boolean".equals(type) || hasChoices) {
            return "select";
        }
        if ("number".equals(type) || "integer".equals(type)) {
            return "number";
        }
        if ("string".equals(type)) {
            return s.path("maxLength").asInt(0) > 200 ? "textarea" : "text";
        }
        if ("array".equals(type)) {
            JsonNode items = s.path("items");
            String itemType = type(items);
            if (List.of("string", "number", "integer").contains(itemType)) {
                return "lines";
            }
            if ("object".equals(itemType) && items.path("properties").isObject() && items.path("properties").size() > 0) {
                boolean scalars = true;
                for (JsonNode c : items.get("properties")) {
                    scalars &= List.of("string", "number", "integer").contains(type(c));
                }
                if (scalars) {
                    return "rows";
                }
            }
        }
        return "json";
    }

    /** The schema's single type; {@code string} for an enum of strings without one; empty when unknown. */
    static String type(JsonNode s) {
        if (s.path("type").isTextual()) {
            return s.get("type").asText();
        }
        if (s.path("type").isArray()) {
            for (JsonNode t : s.get("type")) {
                if (!"null".equals(t.asText())) {
                    return t.asText();
                }
            }
        }
        return s.has("enum") ? "string" : "";
    }

    private static List<Option> options(JsonNode s, List<String> extra, JsonNode value, JsonNode dflt) {
        List<Option> out = new ArrayList<>();
        String current = value == null || value.isNull() ? "" : value.asText();
        String shown = dflt == null || dflt.isNull() ? null
                : "boolean".equals(type(s)) ? (dflt.asBoolean() ? "yes" : "no") : dflt.asText();
        out.add(new Option("", shown == null ? "(default)" : "default: " + shown,
                current.isEmpty()));
        List<String> values = new ArrayList<>();
        if (s.has("enum")) {
            s.get("enum").forEach(v -> values.add(v.asText()));
        } else if ("boolean".equals(type(s))) {
            values.addAll(List.of("true", "false"));
        }
        if (extra != null) {
            extra.stream().filter(v -> !values.contains(v)).forEach(values::add);
        }
        if (!current.isEmpty() && !values.contains(current)) {
            values.add(current);
        }
        for (String v : values) {
            out.add(new Option(v, "true".equals(v) && "boolean".equals(type(s)) ? "yes"
                    : "false".equals(v) && "boolean".equals(type(s)) ? "no" : v, v.equals(current)));
        }
        return out;
    }

    /** A scalar of the given JSON type from text, or null when the text is not one. */
    static JsonNode scalar(String text, String type) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        try {
            return switch (type) {
                case "integer" -> f.numberNode(Long.parseLong(text));
                case "number" -> {
                    double d = Double.parseDouble(text);
                    yield Double.isFinite(d) ? f.numberNode(d) : null;
                }
                case "boolean" -> "true".equals(text) ? f.booleanNode(true)
                        : "false".equals(text) ? f.booleanNode(false) : null;
                default -> f.textNode(text);
            };
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static List<List<String>> rows(JsonNode value, List<String> columns) {
        List<List<String>> rows = new ArrayList<>();
        if (value != null && value.isArray()) {
            for (JsonNode item : value) {
                List<String> cells = new ArrayList<>();
                for (String c : columns) {
                    JsonNode cell = item.get(c);
                    cells.add(cell == null || cell.isNull() ? "" : cell.asText());
                }
                rows.add(cells);
            }
        }
        List<String> blank = new ArrayList<>();
        columns.forEach(c -> blank.add(""));
        rows.add(blank);
        return rows;
    }

    private static String text(JsonNode value, String kind) {
        if (value == null || value.isNull()) {
            return "";
        }
        if ("lines".equals(kind) && value.isArray()) {
            List<String> lines = new ArrayList<>();
            value.forEach(v -> lines.add(v.asText()));
            return String.join("\n", lines);
        }
        if ("json".equals(kind)) {
            return value.isTextual() ? value.asText() : value.toPrettyString();
        }
        return value.isValueNode() ? value.asText() : value.toString();
    }

    private static String placeholder(JsonNode dflt, String kind) {
        if (dflt == null || dflt.isNull() || "rows".equals(kind)) {
            return "";
        }
        if (dflt.isArray() && "lines".equals(kind)) {
            return text(dflt, kind);
        }
        return dflt.isValueNode() ? dflt.asText() : dflt.toString();
    }

    private static String help(JsonNode s, JsonNode dflt, String kind) {
        List<String> parts = new ArrayList<>();
        if (s.hasNonNull("description")) {
            parts.add(s.get("description").asText().replaceAll("\\.$", "") + ".");
        }
        String min = bound(s, "minimum", "exclusiveMinimum");
        String max = bound(s, "maximum", "exclusiveMaximum");
        if (min != null && max != null) {
            parts.add("From " + min + " to " + max + ".");
        } else if (min != null) {
            parts.add("At least " + min + ".");
        } else if (max != null) {
            parts.add("At most " + max + ".");
        }
        if (s.has("maxLength")) {
            parts.add("Up to " + s.get("maxLength").asInt() + " characters.");
        }
        if ("lines".equals(kind)) {
            parts.add("One value per line.");
        }
        if ("rows".equals(kind)) {
            if (s.has("maxItems")) {
                parts.add("Up to " + s.get("maxItems").asInt() + " rows.");
            }
            if (dflt != null && dflt.isArray() && !dflt.isEmpty()) {
                parts.add("Leave it empty to use the template's " + dflt.size() + " shipped rows.");
            }
        }
        if ("json".equals(kind)) {
            parts.add("A JSON value.");
        }
        if (dflt != null && !dflt.isNull() && !"rows".equals(kind) && !"select".equals(kind)
                && dflt.isValueNode()) {
            parts.add("Empty means the default, " + dflt.asText() + ".");
        }
        return String.join(" ", parts);
    }

    private static String bound(JsonNode s, String inclusive, String exclusive) {
        if (s.has(inclusive)) {
            return s.get(inclusive).asText();
        }
        return s.has(exclusive) ? s.get(exclusive).asText() : null;
    }

    /** {@code minFaceSize} → {@code Min face size}; {@code topK} → {@code Top-k}. */
    static String words(String key) {
        if ("topK".equals(key)) {
            return "Top-k";
        }
        if ("faq".equals(key)) {
            return "FAQ";
        }
        String spaced = key.replaceAll("([a-z0-9])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        return Character.toUpperCase(spaced.charAt(0)) + spaced.substring(1);
    }


}
