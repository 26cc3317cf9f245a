package dev.aifunc.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import dev.aifunc.problem.Problem;
import dev.aifunc.task.TaskRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads one template file ({@code scenarios/<id>.yaml}) and checks it: the file's shape against
 * {@code template.schema.json}; id equal to the file name; a known task and known model packs; config, input and
 * output schemas that compile; an example input that fits the input schema; defaults that fit the config schema
 * and the task's own rules.
 */
public final class TemplateParser {

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final TaskRegistry tasks;
    private final Set<String> packIds;
    private final Schema fileSchema;

    /**
     * @param tasks   the tasks templates may name
     * @param packIds the model packs templates may name
     */
    public TemplateParser(TaskRegistry tasks, Set<String> packIds) {
        this.tasks = tasks;
        this.packIds = new TreeSet<>(packIds);
        try (InputStream in = TemplateParser.class.getResourceAsStream("/template.schema.json")) {
            this.fileSchema = JsonSchemas.compile(YAML.readTree(in));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException("template.schema.json is missing from the build", e);
        }
    }

    /**
     * Parses and checks one file.
     *
     * @param file    file name, e.g. {@code faq-matching.yaml}
     * @param content its bytes (UTF-8 YAML)
     * @throws IllegalStateException "Template file scenarios/&lt;file&gt;: field '&lt;field&gt;' &lt;problem&gt;"
     */
    public Template parse(String file, byte[] content) {
        JsonNode node;
        try {
            node = YAML.readTree(content);
        } catch (IOException e) {
            throw broken(file, "(file)", "is not valid YAML: " + e.getMessage());
        }
        if (node == null || !node.isObject()) {
            throw broken(file, "(file)", "must be a YAML mapping");
        }
        List<Problem.FieldError> errors = JsonSchemas.validate(fileSchema, node, "");
        if (!errors.isEmpty()) {
            throw broken(file, errors.get(0).field(), errors.get(0).message());
        }
        String id = node.get("id").asText();
        String expectedId = file.replaceFirst("\\.ya?ml$", "");
        if (!id.equals(expectedId)) {
            throw broken(file, "id", "is '" + id + "' but must equal the file name '" + expectedId + "'");
        }
        String task = node.get("task").asText();
        if (tasks.find(task).isEmpty()) {
            throw broken(file, "task", "names unknown task '" + task + "'; known tasks: " + tasks.ids());
        }
        Map<String, String> modelsByLanguage = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.path("models").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!packIds.contains(e.getValue().asText())) {
                throw broken(file, "models." + e.getKey(), "names unknown model pack '" + e.getValue().asText()
                        + "'; known packs: " + packIds);
            }
            modelsByLanguage.put(e.getKey(), e.getValue().asText());
        }
        Schema config = compile(file, node, "configSchema");
        Schema input = compile(file, node, "inputSchema");
        compile(file, node, "outputSchema");
        List<Problem.FieldError> exampleErrors = JsonSchemas.validate(input, node.get("exampleInput"), "exampleInput");
        if (!exampleErrors.isEmpty()) {
            throw broken(file, exampleErrors.get(0).field(), exampleErrors.get(0).message());
        }
        ObjectNode defaults = node.has("defaults") ? (ObjectNode) node.get("defaults") : null;
        if (defaults != null) {
            List<Problem.FieldError> defaultErrors = new ArrayList<>(JsonSchemas.validate(config, defaults, "defaults"));
            defaultErrors.addAll(tasks.find(task).get().validateConfig(defaults));
            if (!defaultErrors.isEmpty()) {
                throw broken(file, defaultErrors.get(0).field(), defaultErrors.get(0).message());
            }
        }
        return new Template(id, node.get("kind").asText(), node.get("title").asText(),
                node.get("description").asText(), task, modelsByLanguage, node.get("configSchema"),
                node.get("inputSchema"), node.get("outputSchema"), node.get("exampleInput"), defaults, config, input);
    }

    private static Schema compile(String file, JsonNode node, String field) {
        try {
            return JsonSchemas.compile(node.get(field));
        } catch (IllegalArgumentException e) {
            throw broken(file, field, e.getMessage());
        }
    }

    private static IllegalStateException broken(String file, String field, String message) {
        return new IllegalStateException("Template file scenarios/" + file + ": field '" + field + "' " + message);
    }
}
