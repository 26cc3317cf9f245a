package dev.aifunc.task;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aifunc.scenario.Template;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What a task sees of one scenario version: its effective config (template defaults + the version's config) and
 * read access to the scenario's datasets.
 *
 * @param scenarioId       scenario id
 * @param version          version number
 * @param template         the template
 * @param config           effective config
 * @param datasetRevisions revision of each dataset the scenario owns (part of the prepared-state cache key)
 * @param datasetRows      dataset name → its rows as JSON objects, in upload order (empty list when absent)
 */
public record ScenarioSnapshot(String scenarioId, int version, Template template, ObjectNode config,
                               Map<String, Long> datasetRevisions, Function<String, List<JsonNode>> datasetRows) {

    /** Key of the prepared state: changes when the version or any dataset changes. */
    public String stateKey() {
        return stateKey(scenarioId, version, datasetRevisions);
    }

    /** The {@link #stateKey()} of a scenario version with these dataset revisions, known before loading it. */
    public static String stateKey(String scenarioId, int version, Map<String, Long> datasetRevisions) {
        return scenarioId + "@" + version + "#" + new java.util.TreeMap<>(datasetRevisions);
    }
}
