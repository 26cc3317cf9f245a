package dev.aifunc.scenario;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.Schema;
import dev.aifunc.model.ModelRegistry;
import dev.aifunc.problem.Problem;
import dev.aifunc.task.TaskRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.util.ClassPathUtils;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The template catalogue, read at start-up from {@code scenarios/*.yaml} on the classpath (the project's
 * {@code scenarios/} folder is packaged there) plus, optionally, the folder {@code aifunc.templates.dir}.
 * Each file is checked against {@code template.schema.json}; its schemas must compile, its example input must
 * validate, its defaults must fit its config schema, and its task and model packs must exist. A broken file
 * stops start-up with a message naming the file and the field.
 */
@Startup
@ApplicationScoped
public class TemplateCatalog {

    private static final Logger LOG = Logger.getLogger(TemplateCatalog.class);
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    private final TaskRegistry tasks;
    private final ModelRegistry models;
    private final Optional<String> extraDir;
    private final Map<String, Template> templates = new TreeMap<>();

    public TemplateCatalog(TaskRegistry tasks, ModelRegistry models,
                           @ConfigProperty(name = "aifunc.templates.dir") Optional<String> extraDir) {
        this.tasks = tasks;
        this.models = models;
        this.extraDir = extraDir;
    }

    @PostConstruct
    void load() {
        Schema fileSchema;
        try (InputStream in = getClass().getResourceAsStream("/template.schema.json")) {
            fileSchema = JsonSchemas.compile(YAML.readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException("template.schema.json is missing from the build", e);
        }
        Map<String, byte[]> files = new LinkedHashMap<>();
        try {
            ClassPathUtils.consumeAsPaths("scenarios", dir -> collect(dir, files));
            if (extraDir.isPresent()) {
                collect(Path.of(extraDir.get()), files);
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot list template files", e);
        }
        for (Map.Entry<String, byte[]> file : files.entrySet()) {
            Template t = parse(file.getKey(), file.getValue(), fileSchema);
            templates.put(t.id(), t);
        }
        LOG.infof("Template catalogue: %s", templates.keySet());
    }

    /** All templates, by id. */
    public List<Template> all() {
        return List.copyOf(templates.values());
    }

    /** The template with this id, if any. */
    public Optional<Template> get(String id) {
        return Optional.ofNullable(templates.get(id));
    }

    private static void collect(Path dir, Map<String, byte[]> files) {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> list = Files.list(dir)) {
            for (Path p : list.sorted().toList()) {
                String name = p.getFileName().toString();
                if (name.endsWith(".yaml") || name.endsWith(".yml")) {
                    files.put(name, Files.readAllBytes(p));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot read template folder " + dir, e);
        }
    }

    private Template parse(String file, byte[] content, Schema fileSchema) {
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
        for (Iterator<Map.Entry<String, JsonNode>> it = node.get("models").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (models.pack(e.getValue().asText()).isEmpty()) {
                throw broken(file, "models." + e.getKey(), "names unknown model pack '" + e.getValue().asText()
                        + "'; known packs: " + models.packs().stream().map(p -> p.id()).toList());
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
