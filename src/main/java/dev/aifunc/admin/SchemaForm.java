package dev.aifunc.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aifunc.problem.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * An HTML form generated from the JSON Schema of an object (a template's config or input schema), and the way back:
 * submitted form fields into JSON typed by the same schema.
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

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ROW_FIELD = Pattern.compile("\\[(\\d{1,5})]\\.([A-Za-z0-9_]+)$");
    /** Most rows read from one table field; the schema's own maxItems is checked after. */
    static final int MAX_ROWS = 10_000;

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

    /**
     * Reads submitted form fields back into a JSON object typed by the schema; empty fields are left out.
     *
     * @param params form fields by name (several values each)
     * @param errors receives one error per field that cannot be read (a number that is not one, broken JSON)
     * @return the object; validate it against the schema afterwards
     */
    public static ObjectNode read(JsonNode schema, String prefix, Map<String, List<String>> params,
                                  List<Problem.FieldError> errors) {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (schema == null || !schema.path("properties").isObject()) {
            return out;
        }
        schema.get("properties").properties().forEach(p -> {
            String key = p.getKey();
            JsonNode s = p.getValue();
            String name = prefix + "." + key;
            String kind = kind(s, false);
            switch (kind) {
                case "rows" -> readRows(s, name, params, errors).ifPresent(rows -> out.set(key, rows));
                case "lines" -> {
                    String text = first(params, name);
                    if (!text.isBlank()) {
                        ArrayNode items = out.putArray(key);
                        String itemType = type(s.path("items"));
                        int line = 0;
                        for (String l : text.split("\\R")) {
                            line++;
                            if (!l.isBlank()) {
                                JsonNode v = scalar(l.strip(), itemType);
                                if (v == null) {
                                    errors.add(new Problem.FieldError(name, (long) line, "line " + line + ": '"
                                            + l.strip() + "' is not " + article(itemType)));
                                } else {
                                    items.add(v);
                                }
                            }
                        }
                    }
                }
                case "json" -> {
                    String text = first(params, name);
                    if (!text.isBlank()) {
                        try {
                            out.set(key, JSON.readTree(text));
                        } catch (java.io.IOException e) {
                            errors.add(new Problem.FieldError(name, null, "is not valid JSON (for example "
                                    + "{\"view\": 1, \"purchase\": 5})"));
                            out.put(key, text); // shown again as typed, so the user can fix it
                        }
                    }
                }
                default -> {
                    String text = first(params, name);
                    if (!text.isBlank() || ("string".equals(type(s)) && !text.isEmpty() && !s.has("enum"))) {
                        JsonNode v = s.has("enum") ? enumValue(s, text) : scalar(text.strip(), type(s));
                        if (v == null) {
                            errors.add(new Problem.FieldError(name, null, "'" + text + "' is not " + article(type(s))));
                        } else {
                            out.set(key, v);
                        }
                    }
                }
            }
        });
        return out;
    }

    private static java.util.Optional<ArrayNode> readRows(JsonNode s, String name, Map<String, List<String>> params,
                                                          List<Problem.FieldError> errors) {
        TreeMap<Integer, Map<String, String>> byRow = new TreeMap<>();
        for (Map.Entry<String, List<String>> e : params.entrySet()) {
            if (!e.getKey().startsWith(name + "[")) {
                continue;
            }
            Matcher m = ROW_FIELD.matcher(e.getKey().substring(name.length()));
            if (m.matches() && !e.getValue().isEmpty()) {
                int row = Integer.parseInt(m.group(1));
                if (row < MAX_ROWS) {
                    byRow.computeIfAbsent(row, r -> new LinkedHashMap<>()).put(m.group(2), e.getValue().get(0));
                }
            }
        }
        JsonNode columns = s.path("items").path("properties");
        ArrayNode rows = JsonNodeFactory.instance.arrayNode();
        for (Map.Entry<Integer, Map<String, String>> row : byRow.entrySet()) {
            if (row.getValue().values().stream().allMatch(String::isBlank)) {
                continue; // a blank row is no row
            }
            ObjectNode item = rows.addObject();
            int index = rows.size() - 1;
            columns.properties().forEach(c -> {
                String text = row.getValue().getOrDefault(c.getKey(), "");
                if (!text.isBlank()) {
                    JsonNode v = scalar(text.strip(), type(c.getValue()));
                    if (v == null) {
                        errors.add(new Problem.FieldError(name + "[" + index + "]." + c.getKey(), null,
                                "'" + text + "' is not " + article(type(c.getValue()))));
                    } else {
                        item.set(c.getKey(), v);
                    }
                }
            });
        }
        return rows.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(rows);
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

    private static JsonNode enumValue(JsonNode s, String text) {
        for (JsonNode v : s.get("enum")) {
            if (v.asText().equals(text)) {
                return v;
            }
        }
        return JsonNodeFactory.instance.textNode(text); // the schema check names the allowed values
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

    /** {@code a number}, {@code an integer}. */
    private static String article(String type) {
        return ("integer".equals(type) ? "an " : "a ") + type;
    }

    private static String first(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() || v.get(0) == null ? "" : v.get(0);
    }
}
