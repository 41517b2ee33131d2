package dev.veil.app;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.veil.activities.executor.kubernetes.KubernetesSettings;
import dev.veil.app.helm.Chart;
import io.dropwizard.configuration.FileConfigurationSourceProvider;
import io.dropwizard.configuration.YamlConfigurationFactory;
import io.dropwizard.jackson.Jackson;
import io.dropwizard.jersey.validation.Validators;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Helm chart's rendered {@code executor:} section is what the kubernetes executor reads. */
class KubernetesChartConfigTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @Test
  void theChartsExecutorSettingsLoadIntoPodSettings(@TempDir Path dir) throws Exception {
    List<HasMetadata> objects =
        Chart.parse(Chart.template(Chart.resource("production-values.yaml"), Map.of()));
    ConfigMap configMap =
        objects.stream()
            .filter(o -> o instanceof ConfigMap c && c.getData() != null
                && c.getData().containsKey("veil.yml"))
            .map(ConfigMap.class::cast)
            .findFirst()
            .orElseThrow();
    JsonNode rendered = YAML.readTree(configMap.getData().get("veil.yml"));
    ObjectNode onlyExecutor = YAML.createObjectNode();
    onlyExecutor.set("executor", rendered.get("executor"));
    Path file = dir.resolve("veil.yml");
    Files.writeString(file, YAML.writeValueAsString(onlyExecutor));

    VeilConfiguration config =
        new YamlConfigurationFactory<>(
                VeilConfiguration.class, Validators.newValidator(), Jackson.newObjectMapper(), "dw")
            .build(new FileConfigurationSourceProvider(), file.toString());
    KubernetesSettings settings = config.getExecutor().getKubernetes().settings("default");

    assertEquals("kubernetes", config.getExecutor().getType());
    assertEquals("veil-redaction", settings.namespace());
    assertEquals("registry.example.com/veil:0.1.0", settings.image());
    assertEquals(new Quantity("3"), settings.limits().get("cpu"));
    assertEquals(new Quantity("16Gi"), settings.maxLimits().get("memory"));
    assertEquals("redaction", settings.tolerations().get(0).getValue());
    assertEquals(Duration.ofMinutes(15), settings.pendingTimeout());
    assertEquals(6, settings.maxConcurrentPods());
    assertEquals("veil-agent-connections", settings.connectionSecret());
    assertEquals("veil-agent-masking-key", settings.maskingKeySecretName());
    assertEquals("masking-key", settings.maskingKeySecretKey());
  }
}
