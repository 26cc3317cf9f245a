package dev.aifunc.task.recommendation;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A scenario's item catalogue (dataset {@code items}: {@code id}, {@code title}, optional {@code description},
 * {@code category} and free attributes), indexed by id. Item {@code i} is row {@code i} of the upload.
 */
public final class ItemCatalog {

    /** One catalogue item; {@code category} is empty when the row has none. */
    public record Item(String id, String title, String category, String text) {
    }

    private final List<Item> items;
    private final Map<String, Integer> index;

    private ItemCatalog(List<Item> items) {
        this.items = List.copyOf(items);
        this.index = new HashMap<>(items.size() * 2);
        for (int i = 0; i < items.size(); i++) {
            index.put(items.get(i).id(), i);
        }
    }

    /** Longest item id, in characters: the same limit as the ids of events and invoke inputs. */
    public static final int MAX_ID_CHARS = 200;

    /** Rules of an {@code items} row beyond the required columns: a message when it breaks one, else null. */
    static String checkRow(String dataset, JsonNode row) {
        if (!"items".equals(dataset)) {
            return null;
        }
        if (row.path("id").asText().length() > MAX_ID_CHARS) {
            return "column 'id' is longer than " + MAX_ID_CHARS + " characters";
        }
        for (String field : List.of("id", "title", "category", "description")) {
            if (row.has(field) && !row.get(field).isValueNode()) {
                return "column '" + field + "' must be text, not an object or array";
            }
        }
        return null;
    }

    /** The catalogue of these {@code items} rows (ids are unique: the upload checks it). */
    public static ItemCatalog of(List<JsonNode> rows) {
        List<Item> items = new ArrayList<>(rows.size());
        for (JsonNode row : rows) {
            items.add(new Item(row.path("id").asText(), row.path("title").asText(), row.path("category").asText(""), text(row)));
        }
        return new ItemCatalog(items);
    }

    /**
     * The text an item is embedded from: title, category, description, then the other columns' values, each ending
     * with a full stop ("Alien. Sci-Fi. A crew meets a deadly creature. 1979.").
     */
    static String text(JsonNode row) {
        StringBuilder s = new StringBuilder();
        for (String field : List.of("title", "category", "description")) {
            append(s, row.path(field).asText(""));
        }
        for (var it = row.properties().iterator(); it.hasNext(); ) {
            var cell = it.next();
            if (!List.of("id", "title", "category", "description").contains(cell.getKey()) && cell.getValue().isValueNode()) {
                append(s, cell.getValue().asText(""));
            }
        }
        return s.toString();
    }

    private static void append(StringBuilder s, String part) {
        String p = part.strip();
        if (p.isEmpty()) {
            return;
        }
        if (!s.isEmpty()) {
            s.append(' ');
        }
        s.append(p);
        char last = p.charAt(p.length() - 1);
        if (last != '.' && last != '!' && last != '?' && last != '。') {
            s.append('.');
        }
    }

    /** Number of items. */
    public int size() {
        return items.size();
    }

    /** The item at position {@code i} (upload order), 0 ≤ i < {@link #size()}. */
    public Item get(int i) {
        return items.get(i);
    }

    /** Position of an item id, or -1. */
    public int indexOf(String id) {
        return index.getOrDefault(id, -1);
    }

    /** All items in upload order. */
    public List<Item> items() {
        return items;
    }
}
