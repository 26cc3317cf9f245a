package dev.aifunc.openapi;

import io.quarkus.smallrye.openapi.OpenApiFilter;
import io.smallrye.openapi.api.OpenApiConfig;
import io.smallrye.openapi.runtime.io.Format;
import io.smallrye.openapi.runtime.io.OpenApiParser;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigProvider;
import org.eclipse.microprofile.openapi.OASFactory;
import org.eclipse.microprofile.openapi.OASFilter;
import org.eclipse.microprofile.openapi.models.Components;
import org.eclipse.microprofile.openapi.models.OpenAPI;
import org.eclipse.microprofile.openapi.models.Operation;
import org.eclipse.microprofile.openapi.models.PathItem;
import org.eclipse.microprofile.openapi.models.security.SecurityRequirement;

/**
 * Adds one operation per scenario ({@link ScenarioContract}) to {@code /q/openapi} on every request of the
 * document, so it follows scenarios being created, renamed and deleted without a restart; and states which
 * credentials each operation takes: API keys for calling scenarios, an admin for the rest.
 */
@OpenApiFilter(OpenApiFilter.RunStage.RUNTIME_PER_REQUEST)
public class ScenarioOpenApiFilter implements OASFilter {

    @Override
    public void filterOpenAPI(OpenAPI model) {
        // SmallRye creates the filter itself (no CDI injection), so the contract bean is looked up
        ScenarioContract contract = io.quarkus.arc.Arc.container().instance(ScenarioContract.class).get();
        OpenAPI scenarios = scenarios(contract);
        if (model.getPaths() == null) {
            model.setPaths(OASFactory.createPaths());
        }
        if (model.getComponents() == null) {
            model.setComponents(OASFactory.createComponents());
        }
        // drop what an earlier run added, in case the model is reused between requests
        Map<String, PathItem> paths = model.getPaths().getPathItems();
        if (paths != null) {
            paths.entrySet().stream().filter(e -> marked(e.getValue().getExtensions())).map(Map.Entry::getKey)
                    .toList().forEach(model.getPaths()::removePathItem);
        }
        Components components = model.getComponents();
        if (components.getSchemas() != null) {
            components.getSchemas().entrySet().stream().filter(e -> marked(e.getValue().getExtensions()))
                    .map(Map.Entry::getKey).toList().forEach(components::removeSchema);
        }

        // the generic operations: calling takes an API key, everything else an admin
        if (paths != null) {
            paths.forEach((path, item) -> {
                boolean call = path.endsWith("/invoke") || path.endsWith("/invoke-batch") || path.endsWith("/events")
                        || path.endsWith("/openapi");
                for (Operation op : item.getOperations().values()) {
                    op.setSecurity(call ? keyRequirements() : adminRequirements());
                }
            });
        }
        if (scenarios.getPaths() != null && scenarios.getPaths().getPathItems() != null) {
            scenarios.getPaths().getPathItems().forEach(model.getPaths()::addPathItem);
        }
        Components added = scenarios.getComponents();
        if (added.getSchemas() != null) {
            added.getSchemas().forEach((name, schema) -> {
                if (components.getSchemas() == null || !components.getSchemas().containsKey(name)) {
                    components.addSchema(name, schema);
                }
            });
        }
        if (added.getSecuritySchemes() != null) {
            added.getSecuritySchemes().forEach(components::addSecurityScheme);
        }
    }

    private static boolean marked(Map<String, Object> extensions) {
        return extensions != null && extensions.containsKey(ScenarioContract.MARK);
    }

    private static List<SecurityRequirement> keyRequirements() {
        return List.of(OASFactory.createSecurityRequirement().addScheme(ScenarioContract.BEARER),
                OASFactory.createSecurityRequirement().addScheme(ScenarioContract.HEADER),
                OASFactory.createSecurityRequirement().addScheme(ScenarioContract.BASIC));
    }

    private static List<SecurityRequirement> adminRequirements() {
        return List.of(OASFactory.createSecurityRequirement().addScheme(ScenarioContract.BASIC),
                OASFactory.createSecurityRequirement().addScheme(ScenarioContract.BEARER),
                OASFactory.createSecurityRequirement().addScheme(ScenarioContract.HEADER));
    }

    /** The scenarios' part, parsed; built again only when a scenario was created, changed or deleted. */
    private static volatile Cached cached;

    private record Cached(String stamp, OpenAPI model) {
    }

    private static OpenAPI scenarios(ScenarioContract contract) {
        String stamp = contract.stamp();
        Cached current = cached;
        if (current == null || !current.stamp().equals(stamp)) {
            current = new Cached(stamp, parse(contract.allScenarios().toString()));
            cached = current;
        }
        return current.model();
    }

    private static OpenAPI parse(String json) {
        try {
            return OpenApiParser.parse(new ByteArrayInputStream(json.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                    Format.JSON, OpenApiConfig.fromConfig(ConfigProvider.getConfig()));
        } catch (RuntimeException e) {
            throw new UncheckedIOException(new IOException("The scenario contract is not valid OpenAPI", e));
        }
    }
}
