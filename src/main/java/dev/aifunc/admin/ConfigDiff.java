package dev.aifunc.admin;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * What changed between two scenario configs, field by field: every leaf value gets a path ({@code labels[1].name},
 * {@code threshold}) and is reported as added, removed or changed.
 */
public final class ConfigDiff {

    /**
     * One changed field.
     *
     * @param change {@code added}, {@code removed} or {@code changed}
     * @param before the old value as JSON text, or null when added
     * @param after  the new value as JSON text, or null when removed
     */
    public record Change(String path, String change, String before, String after) {
    }

    private ConfigDiff() {
    }

    /** The changes from {@code before} to {@code after}, in the order the fields appear; empty when equal. */
    public static List<Change> of(JsonNode before, JsonNode after) {
        Map<String, String> a = flatten(before);
        Map<String, String> b = flatten(after);
        Set<String> paths = new LinkedHashSet<>(a.keySet());
        paths.addAll(b.keySet());
        List<Change> changes = new ArrayList<>();
        for (String path : paths) {
            String x = a.get(path);
            String y = b.get(path);
            if (x == null) {
                changes.add(new Change(path, "added", null, y));
            } else if (y == null) {
                changes.add(new Change(path, "removed", x, null));
            } else if (!x.equals(y)) {
                changes.add(new Change(path, "changed", x, y));
            }
        }
        return changes;
    }

    static Map<String, String> flatten(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        flatten(node, "", out);
        return out;
    }

    private static void flatten(JsonNode node, String path, Map<String, String> out) {
        if (node == null) {
            return;
        }
        if (node.isObject() && !node.isEmpty()) {
            node.properties().forEach(e -> flatten(e.getValue(), path.isEmpty() ? e.getKey() : path + "." + e.getKey(), out));
        } else if (node.isArray() && !node.isEmpty()) {
            for (int i = 0; i < node.size(); i++) {
                flatten(node.get(i), path + "[" + i + "]", out);
            }
        } else if (!path.isEmpty()) {
            out.put(path, node.toString());
        }
    }
}
