package dev.aifunc.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Field-by-field config changes between two versions. */
class ConfigDiffTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void reportsAddedRemovedAndChangedLeavesWithTheirPaths() throws Exception {
        var before = json.readTree("{\"threshold\":0.4,\"labels\":[{\"name\":\"a\"},{\"name\":\"b\"}],\"language\":\"en\"}");
        var after = json.readTree("{\"threshold\":0.5,\"labels\":[{\"name\":\"a\"}],\"topK\":3,\"language\":\"en\"}");
        assertEquals(List.of(
                new ConfigDiff.Change("threshold", "changed", "0.4", "0.5"),
                new ConfigDiff.Change("labels[1].name", "removed", "\"b\"", null),
                new ConfigDiff.Change("topK", "added", null, "3")), ConfigDiff.of(before, after));
        assertEquals(List.of(), ConfigDiff.of(after, after.deepCopy()));
    }
}
