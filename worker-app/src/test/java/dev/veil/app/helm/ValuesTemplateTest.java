package dev.veil.app.helm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.LintResult;
import dev.veil.activities.config.SpecLoader;
import dev.veil.app.testing.CliRunner;
import dev.veil.app.testing.CliRunner.Result;
import dev.veil.workflows.spec.PipelineSpec;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.HasMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code veil values-template}: the values file it prints names every connection the pipelines use,
 * is refused by the chart while a {@code changeme} is left, and installs (lint and template) once
 * they are filled in, deploying the pipelines exactly as they are in the local folder.
 */
class ValuesTemplateTest {

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  @TempDir Path directory;
  private Path config;
  private Path pipelines;

  @BeforeEach
  void pipelinesFolder() throws Exception {
    pipelines = Files.createDirectories(directory.resolve("pipelines"));
    Files.copy(Path.of("..", "pipelines", "demo.yaml"), pipelines.resolve("demo.yaml"));
    Files.writeString(
        pipelines.resolve("crm.json"),
        """
        {"source": {"connection": "crm-replica"},
         "target": {"connection": "demo-target"},
         "rules": {"public.accounts.email": {"rule": "email", "domain": "example.org"}}}
        """);
    config = directory.resolve("veil.yml");
    Files.writeString(
        config,
        """
        temporal:
          namespace: shop-prod
        pipelines:
          directory: %s
        """
            .formatted(pipelines));
  }

  @Test
  void printsOneEntryPerConnectionAndTheHelmCommand() throws Exception {
    Result result = CliRunner.run("values-template", "-c", config.toString(), "demo", "crm");
    assertEquals(0, result.code(), result::toString);
    JsonNode values = YAML.readTree(result.out());
    assertEquals(
        List.of("crm-replica", "demo-source", "demo-target"),
        iterable(values.get("connections").fieldNames()));
    JsonNode target = values.at("/connections/demo-target");
    assertEquals("changeme", target.get("password").asText());
    assertEquals("changeme", target.get("host").asText());
    assertEquals(5432, target.get("port").asInt());
    assertEquals("shop-prod", values.at("/temporal/namespace").asText());
    assertTrue(result.out().contains("# used by demo (target), crm (target)"), result.out());
    String command =
        "helm upgrade --install veil ./helm/veil-agent --namespace veil --create-namespace"
            + " --values veil-values.yaml";
    assertTrue(result.err().contains(command), result.err());
    assertTrue(result.out().contains("#   " + command), result.out());
  }

  @Test
  void chartRefusesTheFileWhileAnyPlaceholderIsLeftAndInstallsItFilledIn() throws Exception {
    Path values = directory.resolve("veil-values.yaml");
    Result result =
        CliRunner.run(
            "values-template", "-c", config.toString(), "--out", values.toString(), "demo", "crm");
    assertEquals(0, result.code(), result::toString);

    LintResult unfilled = Chart.lintStrict(values);
    assertTrue(unfilled.isFailed(), () -> String.join("\n", unfilled.getMessages()));
    assertTrue(String.join("\n", unfilled.getMessages()).contains("changeme"));
    assertThrows(Exception.class, () -> Chart.template(values, Map.of()));

    String text = Files.readString(values);
    String filled =
        text.replace("changeme:7233", "temporal-frontend.temporal.svc:7233")
            .replace("key: changeme", "key: a-masking-key-of-32-characters!")
            .replace("password: changeme", "password: s3cret-filled-in")
            .replace("changeme", "filled");
    Files.writeString(values, filled);
    LintResult lint = Chart.lintStrict(values);
    assertFalse(lint.isFailed(), () -> String.join("\n", lint.getMessages()));

    // one placeholder left, anywhere, is enough to refuse it
    Files.writeString(values, filled.replaceFirst("database: filled", "database: changeme"));
    assertTrue(Chart.lintStrict(values).isFailed());
    Files.writeString(values, filled);

    List<HasMetadata> objects = Chart.parse(Chart.template(values, Map.of()));
    ConfigMap specs =
        HelmChartTest.ofKind(objects, ConfigMap.class).stream()
            .filter(c -> c.getMetadata().getName().endsWith("-pipelines"))
            .findFirst()
            .orElseThrow();
    for (String id : List.of("demo", "crm")) {
      PipelineSpec deployed =
          SpecLoader.load(
              id + ".yaml", specs.getData().get(id + ".yaml").getBytes(StandardCharsets.UTF_8));
      PipelineSpec local =
          SpecLoader.load(pipelines.resolve(id + (id.equals("crm") ? ".json" : ".yaml")));
      assertEquals(local, deployed, id);
    }
  }

  @Test
  void unknownPipelineIsAnErrorNamingIt() {
    Result result = CliRunner.run("values-template", "-c", config.toString(), "nope");
    assertTrue(result.code() != 0, result::toString);
    assertTrue(result.err().contains("no pipeline 'nope'"), result.err());
    assertEquals("", result.out());
  }

  private static List<String> iterable(java.util.Iterator<String> names) {
    List<String> list = new java.util.ArrayList<>();
    names.forEachRemaining(list::add);
    return list;
  }
}
