package dev.aifunc.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.aifunc.problem.Problem;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation errors name the offending field as a dotted path a person can read. */
class JsonSchemasTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private List<Problem.FieldError> validate(String schema, String value, String prefix) throws Exception {
        return JsonSchemas.validate(JsonSchemas.compile(mapper.readTree(schema)), mapper.readTree(value), prefix);
    }

    @Test
    void fieldPathsAreDotted() throws Exception {
        String schema = """
                {"type": "object", "required": ["text"], "properties": {
                  "text": {"type": "string", "maxLength": 5},
                  "topK": {"type": "integer", "minimum": 1},
                  "labels": {"type": "array", "items": {"type": "object", "required": ["name"],
                             "properties": {"name": {"type": "string"}}}}}}""";
        assertEquals("config.topK", validate(schema, "{\"text\": \"ok\", \"topK\": 0}", "config").get(0).field());
        assertEquals("text", validate(schema, "{\"text\": \"too long\"}", "").get(0).field());
        assertEquals("text", validate(schema, "{}", "").get(0).field());
        assertEquals("labels[1].name", validate(schema, "{\"text\": \"a\", \"labels\": [{\"name\": \"x\"}, {}]}", "").get(0).field());
        Problem.FieldError tooLong = validate(schema, "{\"text\": \"too long\"}", "").get(0);
        assertTrue(tooLong.message().contains("5"), tooLong.message());
        assertEquals("maxLength 5 characters", tooLong.limit());
        assertEquals("minimum 1", validate(schema, "{\"text\": \"ok\", \"topK\": 0}", "").get(0).limit());
    }

    @Test
    void pointerAndPathFormsAreConverted() {
        assertEquals("labels[0].name", JsonSchemas.dotted("/labels/0/name"));
        assertEquals("labels[0].name", JsonSchemas.dotted("$.labels[0].name"));
        assertEquals("a/b", JsonSchemas.dotted("/a~1b"));
        assertEquals("", JsonSchemas.dotted("$"));
    }
}
