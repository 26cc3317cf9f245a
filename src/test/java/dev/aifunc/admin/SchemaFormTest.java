package dev.aifunc.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.aifunc.problem.Problem;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Controls generated from a JSON Schema, and submitted fields read back into typed JSON. */
class SchemaFormTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode schema() throws Exception {
        return JSON.readTree("""
                {"type": "object", "required": ["text"], "properties": {
                  "language": {"enum": ["en", "zh", "auto"], "default": "auto"},
                  "threshold": {"type": "number", "minimum": 0, "maximum": 1, "description": "Below this the label is null"},
                  "topK": {"type": "integer", "minimum": 1, "maximum": 50},
                  "returnBoxes": {"type": "boolean"},
                  "text": {"type": "string", "minLength": 1, "maxLength": 10000},
                  "mean": {"type": "array", "items": {"type": "number"}},
                  "labels": {"type": "array", "maxItems": 200, "items": {"type": "object",
                     "properties": {"name": {"type": "string"}, "weight": {"type": "number"}}}},
                  "eventWeights": {"type": "object", "additionalProperties": {"type": "number"}}}}
                """);
    }

    @Test
    void eachPropertyGetsTheControlItsTypeCallsFor() throws Exception {
        JsonNode values = JSON.readTree("{\"threshold\": 0.4, \"labels\": [{\"name\": \"a\", \"weight\": 2}]}");
        List<SchemaForm.Field> fields = SchemaForm.fields(schema(), "config", values, null, Map.of(), List.of());
        Map<String, SchemaForm.Field> byName = new LinkedHashMap<>();
        fields.forEach(f -> byName.put(f.name(), f));
        assertEquals(List.of("select", "number", "number", "select", "textarea", "lines", "rows", "json"),
                fields.stream().map(SchemaForm.Field::kind).toList());
        SchemaForm.Field threshold = byName.get("config.threshold");
        assertEquals("0.4", threshold.value());
        assertEquals("0", threshold.min());
        assertEquals("1", threshold.max());
        assertEquals("any", threshold.step());
        assertEquals("Below this the label is null. From 0 to 1.", threshold.help());
        assertEquals("1", byName.get("config.topK").step());
        assertEquals("Top-k", byName.get("config.topK").label());
        assertTrue(byName.get("config.text").required());
        assertEquals(List.of("", "en", "zh", "auto"),
                byName.get("config.language").options().stream().map(SchemaForm.Option::value).toList());
        assertEquals("default: auto", byName.get("config.language").options().get(0).label());
        SchemaForm.Field labels = byName.get("config.labels");
        assertEquals(List.of("name", "weight"), labels.columns());
        assertEquals(List.of(List.of("a", "2"), List.of("", "")), labels.rows(), "the set row plus one blank row");
        assertEquals(2, labels.nextRow());
    }

    @Test
    void submittedFieldsComeBackTypedAndEmptyOnesAreLeftOut() throws Exception {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("config.language", List.of("zh"));
        form.put("config.threshold", List.of(" 0.25 "));
        form.put("config.topK", List.of(""));
        form.put("config.returnBoxes", List.of("false"));
        form.put("config.mean", List.of("0.5\n\n0.25\r\n"));
        form.put("config.labels[0].name", List.of("delivery"));
        form.put("config.labels[0].weight", List.of("1.5"));
        form.put("config.labels[1].name", List.of(""));
        form.put("config.labels[1].weight", List.of(""));
        form.put("config.labels[7].name", List.of("billing"));
        form.put("config.eventWeights", List.of("{\"view\": 1, \"buy\": 5}"));
        List<Problem.FieldError> errors = new ArrayList<>();
        ObjectNode config = FormValues.read(schema(), "config", form, errors);
        assertEquals(List.of(), errors);
        assertEquals(JSON.readTree("""
                {"language": "zh", "threshold": 0.25, "returnBoxes": false, "mean": [0.5, 0.25],
                 "labels": [{"name": "delivery", "weight": 1.5}, {"name": "billing"}],
                 "eventWeights": {"view": 1, "buy": 5}}
                """), config);
    }

    @Test
    void valuesThatAreNotOfTheirTypeAreNamedByField() throws Exception {
        Map<String, List<String>> form = new LinkedHashMap<>();
        form.put("config.threshold", List.of("high"));
        form.put("config.topK", List.of("2.5"));
        form.put("config.mean", List.of("0.5\nabc"));
        form.put("config.labels[0].weight", List.of("heavy"));
        form.put("config.eventWeights", List.of("{broken"));
        List<Problem.FieldError> errors = new ArrayList<>();
        FormValues.read(schema(), "config", form, errors);
        assertEquals(List.of("config.threshold", "config.topK", "config.mean", "config.labels[0].weight",
                "config.eventWeights"), errors.stream().map(Problem.FieldError::field).toList());
        assertEquals("'high' is not a number", errors.get(0).message());
        assertEquals("line 2: 'abc' is not a number", errors.get(2).message());
        // shown beside the field they belong to
        List<SchemaForm.Field> fields = SchemaForm.fields(schema(), "config", null, null, Map.of(), errors);
        assertEquals("labels[0].weight: 'heavy' is not a number",
                fields.stream().filter(f -> f.name().equals("config.labels")).findFirst().orElseThrow().error());
    }
}
