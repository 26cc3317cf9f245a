package dev.aifunc.scenario;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.aifunc.task.Task;
import dev.aifunc.task.TaskRegistry;
import dev.aifunc.task.nlp.SemanticSearchTask;
import dev.aifunc.task.nlp.TextClassificationTask;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** Every shipped template parses; a broken file is refused with a message naming the file and the field. */
class TemplateParserTest {

    private final TemplateParser parser = new TemplateParser(
            new TaskRegistry(List.<Task<?>>of(new TextClassificationTask(null, null), new SemanticSearchTask(null, null),
                    new dev.aifunc.task.nlp.TextEmbeddingTask(null), new dev.aifunc.task.nlp.TextSimilarityTask(null),
                    new dev.aifunc.task.vision.FaceDetectionTask(), new dev.aifunc.task.vision.OcrTask(null),
                    new dev.aifunc.task.vision.ImageClassificationTask(null, new dev.aifunc.model.ImageClassifierPacks(null)),
                    new dev.aifunc.task.recommendation.SimilarItemsTask(null, null),
                    new dev.aifunc.task.recommendation.CollaborativeTask(null))),
            Set.of("minilm-l6-v2", "bge-small-en-v1.5", "bge-small-zh-v1.5"));

    private static final String VALID = """
            id: tiny
            kind: nlp
            title: Tiny
            description: A tiny template.
            task: text-classification
            models: {en: bge-small-en-v1.5}
            configSchema: {type: object, properties: {threshold: {type: number, maximum: 1}}}
            inputSchema: {type: object, required: [text], properties: {text: {type: string}}}
            outputSchema: {type: object}
            exampleInput: {text: hello}
            defaults: {threshold: 0.5}
            """;

    @Test
    void shippedTemplatesParse() throws Exception {
        try (Stream<Path> files = Files.list(Path.of("scenarios"))) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
                String name = f.getFileName().toString();
                Template t = parser.parse(name, Files.readAllBytes(f));
                assertEquals(name.replace(".yaml", ""), t.id());
            }
        }
        Template tiny = parser.parse("tiny.yaml", VALID.getBytes(StandardCharsets.UTF_8));
        assertEquals(0.5, tiny.effectiveConfig(null).get("threshold").asDouble());
    }

    @Test
    void brokenFilesNameTheFileAndTheField() {
        assertBroken(VALID.replace("title: Tiny\n", ""), "field 'title'");
        assertBroken(VALID.replace("kind: nlp", "kind: audio"), "field 'kind'");
        assertBroken(VALID.replace("task: text-classification", "task: telepathy"), "field 'task' names unknown task 'telepathy'");
        assertBroken(VALID.replace("en: bge-small-en-v1.5", "en: gpt-9"), "field 'models.en' names unknown model pack 'gpt-9'");
        assertBroken(VALID.replace("exampleInput: {text: hello}", "exampleInput: {text: 42}"), "field 'exampleInput.text'");
        assertBroken(VALID.replace("defaults: {threshold: 0.5}", "defaults: {threshold: 7}"), "field 'defaults.threshold'");
        assertBroken(VALID.replace("inputSchema: {type: object,", "inputSchema: {type: 12,"), "field 'inputSchema'");
        assertBroken(VALID.replace("id: tiny", "id: other"), "field 'id'");
        assertBroken("id: [unclosed", "is not valid YAML");
    }

    private void assertBroken(String yaml, String expected) {
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> parser.parse("tiny.yaml", yaml.getBytes(StandardCharsets.UTF_8)));
        assertTrue(e.getMessage().startsWith("Template file scenarios/tiny.yaml: "), e.getMessage());
        assertTrue(e.getMessage().contains(expected), e.getMessage());
    }
}
