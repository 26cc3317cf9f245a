package dev.aifunc.dataset;

import java.util.List;
import java.util.Map;

/**
 * Dataset names with a fixed meaning and their required columns (README, "Call it"): {@code faq} (question, answer),
 * {@code examples} (text, label), {@code items} (id, title; optional description, category and free attributes, ids
 * unique). Other names are accepted with free columns.
 */
public final class DatasetKind {

    private static final Map<String, List<String>> REQUIRED = Map.of(
            "faq", List.of("question", "answer"),
            "examples", List.of("text", "label"),
            "items", List.of("id", "title"));

    private DatasetKind() {
    }

    private static final Map<String, String> UNIQUE = Map.of("items", "id");

    /** The column whose values must not repeat within the dataset, or null. */
    public static String uniqueColumn(String name) {
        return UNIQUE.get(name);
    }

    /** Columns every row of this dataset must have, non-blank. */
    public static List<String> requiredColumns(String name) {
        return REQUIRED.getOrDefault(name, List.of());
    }
}
