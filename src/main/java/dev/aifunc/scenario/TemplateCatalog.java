package dev.aifunc.scenario;

import dev.aifunc.model.ModelRegistry;
import dev.aifunc.task.TaskRegistry;
import io.quarkus.runtime.Startup;
import io.quarkus.runtime.util.ClassPathUtils;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
 * Each file is checked by {@link TemplateParser}; a broken file stops start-up with a message naming the file and
 * the field.
 */
@Startup
@ApplicationScoped
public class TemplateCatalog {

    private static final Logger LOG = Logger.getLogger(TemplateCatalog.class);

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
        TemplateParser parser = new TemplateParser(tasks,
                models.packs().stream().map(dev.aifunc.model.ModelPack::id).collect(java.util.stream.Collectors.toSet()));
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
            Template t = parser.parse(file.getKey(), file.getValue());
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

}
