package dev.aifunc.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aifunc.problem.Problem;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Submitted form fields of a {@link SchemaForm} read back into a JSON object typed by the same schema: numbers and
 * booleans parsed, one value per line split into a list, table rows ({@code name[i].column}) gathered into objects,
 * JSON text parsed; empty fields and blank rows are left out, so the template's defaults apply.
 */
public final class FormValues {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern ROW_FIELD = Pattern.compile("\\[(\\d{1,5})]\\.([A-Za-z0-9_]+)$");
    /** Most rows read from one table field; the schema's own maxItems is checked after. */
    static final int MAX_ROWS = 10_000;

    private FormValues() {
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
            String kind = SchemaForm.kind(s, false);
            switch (kind) {
                case "rows" -> readRows(s, name, params, errors).ifPresent(rows -> out.set(key, rows));
                case "lines" -> {
                    String text = first(params, name);
                    if (!text.isBlank()) {
                        ArrayNode items = out.putArray(key);
                        String itemType = SchemaForm.type(s.path("items"));
                        int line = 0;
                        for (String l : text.split("\\R")) {
                            line++;
                            if (!l.isBlank()) {
                                JsonNode v = SchemaForm.scalar(l.strip(), itemType);
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
                    if (!text.isBlank() || ("string".equals(SchemaForm.type(s)) && !text.isEmpty() && !s.has("enum"))) {
                        JsonNode v = s.has("enum") ? enumValue(s, text) : SchemaForm.scalar(text.strip(), SchemaForm.type(s));
                        if (v == null) {
                            errors.add(new Problem.FieldError(name, null, "'" + text + "' is not " + article(SchemaForm.type(s))));
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
                    JsonNode v = SchemaForm.scalar(text.strip(), SchemaForm.type(c.getValue()));
                    if (v == null) {
                        errors.add(new Problem.FieldError(name + "[" + index + "]." + c.getKey(), null,
                                "'" + text + "' is not " + article(SchemaForm.type(c.getValue()))));
                    } else {
                        item.set(c.getKey(), v);
                    }
                }
            });
        }
        return rows.isEmpty() ? java.util.Optional.empty() : java.util.Optional.of(rows);
    }

    private static JsonNode enumValue(JsonNode s, String text) {
        for (JsonNode v : s.get("enum")) {
            if (v.asText().equals(text)) {
                return v;
            }
        }
        return JsonNodeFactory.instance.textNode(text); // the schema check names the allowed values
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
