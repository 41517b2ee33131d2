package dev.veil.app.helm;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.marcnuri.helm.Helm;
import com.marcnuri.helm.LintResult;
import com.marcnuri.helm.TemplateCommand;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.utils.Serialization;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The chart {@code helm/veil-agent} of this repository, linted and templated with the Helm that
 * helm-java bundles, and its manifests parsed with fabric8.
 */
public final class Chart {

  /** The chart directory, from the worker-app module (the tests' working directory). */
  public static final Path DIRECTORY =
      Path.of("..", "helm", "veil-agent").toAbsolutePath().normalize();

  private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private Chart() {}

  /** {@code helm lint --strict} with the chart's own values. */
  public static LintResult lintStrict() {
    return new Helm(DIRECTORY).lint().strict().call();
  }

  /**
   * {@code helm lint --strict -f values}: helm-java's lint takes no values file, so the chart is
   * copied and the values are merged into its values.yaml (as Helm merges {@code -f} files).
   */
  public static LintResult lintStrict(Path values) {
    try {
      Path copy = Files.createTempDirectory("veil-chart").resolve("veil-agent");
      try (Stream<Path> files = Files.walk(DIRECTORY)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Path target = copy.resolve(DIRECTORY.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(target);
          } else {
            Files.copy(file, target);
          }
        }
      }
      JsonNode merged = YAML.readTree(copy.resolve("values.yaml").toFile());
      merge((ObjectNode) merged, YAML.readTree(values.toFile()));
      YAML.writeValue(copy.resolve("values.yaml").toFile(), merged);
      return new Helm(copy).lint().strict().call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void merge(ObjectNode into, JsonNode from) {
    if (from == null || !from.isObject()) {
      return;
    }
    Iterator<Map.Entry<String, JsonNode>> fields = from.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      JsonNode existing = into.get(field.getKey());
      if (existing != null && existing.isObject() && field.getValue().isObject()) {
        merge((ObjectNode) existing, field.getValue());
      } else {
        into.set(field.getKey(), field.getValue());
      }
    }
  }

  /** {@code helm template veil -n veil [-f values] [--set k=v …]}: the manifests as text. */
  public static String template(Path values, Map<String, Object> set) {
    TemplateCommand command = new Helm(DIRECTORY).template().withName("veil").withNamespace("veil");
    if (values != null) {
      command = command.withValuesFile(values);
    }
    for (Map.Entry<String, Object> entry : set.entrySet()) {
      command = command.set(entry.getKey(), entry.getValue());
    }
    return command.call();
  }

  /**
   * The manifests of the chart's hooks ({@code helm test} pods), which helm-java's template leaves
   * out: rendered from a copy of the chart whose {@code helm.sh/hook} annotations are renamed
   * {@code veil.dev/helm-hook}, so that they render as plain manifests.
   */
  public static String templateHooks(Map<String, Object> set) {
    try {
      Path copy = Files.createTempDirectory("veil-chart").resolve("veil-agent");
      try (Stream<Path> files = Files.walk(DIRECTORY)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Path target = copy.resolve(DIRECTORY.relativize(file).toString());
          if (Files.isDirectory(file)) {
            Files.createDirectories(target);
          } else {
            Files.writeString(
                target,
                Files.readString(file).replace("helm.sh/hook:", "veil.dev/helm-hook:"));
          }
        }
      }
      TemplateCommand command = new Helm(copy).template().withName("veil").withNamespace("veil");
      for (Map.Entry<String, Object> entry : set.entrySet()) {
        command = command.set(entry.getKey(), entry.getValue());
      }
      return command.call();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The manifests of {@code helm template} parsed by fabric8, one object per document. */
  public static List<HasMetadata> parse(String manifests) {
    List<HasMetadata> objects = new ArrayList<>();
    for (String document : documents(manifests)) {
      objects.add(Serialization.unmarshal(document, HasMetadata.class));
    }
    return objects;
  }

  /** The YAML documents of a manifest stream, without empty ones. */
  public static List<String> documents(String manifests) {
    List<String> documents = new ArrayList<>();
    for (String document : manifests.split("(?m)^---\\s*$")) {
      boolean content =
          document.lines().anyMatch(l -> !l.isBlank() && !l.stripLeading().startsWith("#"));
      if (content) {
        documents.add(document);
      }
    }
    return documents;
  }

  /** Every value of every Secret, decoded. */
  public static List<String> secretValues(List<HasMetadata> objects) {
    List<String> values = new ArrayList<>();
    for (HasMetadata object : objects) {
      if (object instanceof Secret secret) {
        if (secret.getData() != null) {
          secret
              .getData()
              .values()
              .forEach(
                  v ->
                      values.add(
                          new String(Base64.getDecoder().decode(v), StandardCharsets.UTF_8)));
        }
        if (secret.getStringData() != null) {
          values.addAll(secret.getStringData().values());
        }
      }
    }
    return values;
  }

  public static Path resource(String name) {
    try {
      return Path.of(Chart.class.getResource("/helm/" + name).toURI());
    } catch (java.net.URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
