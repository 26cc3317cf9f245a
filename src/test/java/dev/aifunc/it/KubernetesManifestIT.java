package dev.aifunc.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What an operator applies: the manifests quarkus-kubernetes wrote at {@code package} time
 * ({@code target/kubernetes/kubernetes.yml}) and the two-replica {@code docker-compose.yml}. Checked as a reviewer
 * would: probes on the health endpoints, sized resources, config and secrets from the environment, an autoscaler on
 * CPU for the Deployment, and two replicas on one database behind a proxy.
 */
class KubernetesManifestIT {

    private static List<JsonNode> documents(Path file) throws Exception {
        List<JsonNode> docs = new ArrayList<>();
        try (var it = new YAMLMapper().readerFor(JsonNode.class).<JsonNode>readValues(Files.readString(file))) {
            while (it.hasNextValue()) {
                docs.add(it.nextValue());
            }
        }
        return docs;
    }

    private static JsonNode kind(List<JsonNode> docs, String kind) {
        return docs.stream().filter(d -> kind.equals(d.path("kind").asText())).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " in the manifests"));
    }

    @Test
    void theDeploymentIsProbedSizedConfiguredAndAutoscaled() throws Exception {
        List<JsonNode> docs = documents(Path.of("target/kubernetes/kubernetes.yml"));
        JsonNode deployment = kind(docs, "Deployment");
        JsonNode container = deployment.at("/spec/template/spec/containers/0");
        assertEquals("/q/health/ready", container.at("/readinessProbe/httpGet/path").asText());
        assertEquals("/q/health/live", container.at("/livenessProbe/httpGet/path").asText());
        assertEquals("/q/health/started", container.at("/startupProbe/httpGet/path").asText());
        assertTrue(container.at("/startupProbe/failureThreshold").asInt() * container.at("/startupProbe/periodSeconds").asInt() >= 120,
                "a slow start (models, migrations) is not killed: " + container.get("startupProbe"));
        assertEquals("1536Mi", container.at("/resources/requests/memory").asText());
        assertEquals("2560Mi", container.at("/resources/limits/memory").asText());
        assertEquals("1", container.at("/resources/requests/cpu").asText());
        List<String> from = new ArrayList<>();
        container.path("envFrom").forEach(e -> from.add(e.has("configMapRef") ? "configmap:" + e.at("/configMapRef/name").asText()
                : "secret:" + e.at("/secretRef/name").asText()));
        assertTrue(from.containsAll(List.of("configmap:aifunc-config", "secret:aifunc-secrets")), from.toString());
        assertEquals(45, deployment.at("/spec/template/spec/terminationGracePeriodSeconds").asInt(),
                "longer than quarkus.shutdown.timeout (30 s), so requests in flight finish");
        assertEquals(2, deployment.at("/spec/replicas").asInt());

        JsonNode hpa = kind(docs, "HorizontalPodAutoscaler");
        assertEquals("Deployment", hpa.at("/spec/scaleTargetRef/kind").asText());
        assertEquals(deployment.at("/metadata/name").asText(), hpa.at("/spec/scaleTargetRef/name").asText());
        assertEquals("cpu", hpa.at("/spec/metrics/0/resource/name").asText());
        assertTrue(hpa.at("/spec/maxReplicas").asInt() > hpa.at("/spec/minReplicas").asInt());

        JsonNode service = kind(docs, "Service");
        assertEquals(8080, service.at("/spec/ports/0/targetPort").asInt());
        assertTrue(docs.stream().noneMatch(d -> d.path("kind").asText().equals("ServiceMonitor")),
                "no resource that needs CRDs a plain cluster lacks");
    }

    @Test
    void composeRunsTwoReplicasOnOneDatabaseBehindAProxy() throws Exception {
        JsonNode compose = new YAMLMapper().readTree(Files.readString(Path.of("docker-compose.yml")));
        JsonNode services = compose.path("services");
        List<String> urls = new ArrayList<>();
        services.properties().forEach(s -> {
            JsonNode url = s.getValue().at("/environment/QUARKUS_DATASOURCE_JDBC_URL");
            if (!url.isMissingNode()) {
                urls.add(url.asText());
            }
        });
        assertEquals(2, urls.size(), "two aifunc replicas");
        assertEquals(1, urls.stream().distinct().count(), "on one PostgreSQL");
        assertTrue(services.has("postgres") && services.has("proxy"));
        String nginx = Files.readString(Path.of("src/main/docker/nginx.conf"));
        assertTrue(nginx.contains("server aifunc-1:8080") && nginx.contains("server aifunc-2:8080"), nginx);
    }
}
